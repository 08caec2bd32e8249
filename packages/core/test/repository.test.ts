import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROVIDER_IDS } from "../src/config/load-config.js";
import { GATE_OPTIONS } from "../src/options.js";
import { RENDERERS } from "../src/report/index.js";
import { VERSION } from "../src/version.js";
import { WORKLOAD_TYPES } from "../src/workload/create-runner.js";
import { CORE_ROOT, readJson } from "./support.js";

describe("the repository keeps its promises", () => {
  it("has the config reference in docs/ generated from the shipped schemas", () => {
    expect(() =>
      execFileSync(process.execPath, [join(CORE_ROOT, "scripts", "config-reference.mjs"), "--check"], { stdio: "pipe" }),
    ).not.toThrow();
  });

  it("has the public API in the committed report (api/): a surface change shows in review", () => {
    const run = spawnSync(process.execPath, [join(CORE_ROOT, "scripts", "api-report.mjs")], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("api-report: the public API matches api/\n");
  }, 30_000);

  it("reports the version in package.json", () => {
    expect(VERSION).toBe(readJson<{ version: string }>(join(CORE_ROOT, "package.json")).version);
  });

  it("has one renderer per file in src/report, each registered once", () => {
    const files = readdirSync(join(CORE_ROOT, "src", "report")).filter(
      (f) => !f.endsWith(".test.ts") && !["index.ts", "report-renderer.ts", "text.ts", "heatmap.ts"].includes(f),
    );
    expect(files.map((f) => f.replace(".ts", "")).sort()).toEqual(["console", "explain-report", "html", "junit", "markdown"]);
    expect(RENDERERS.map((r) => r.format)).toEqual(["console", "explain", "json", "markdown", "junit", "html"]);
  });

  it("has one runner per file in src/workload, one for each workload type", () => {
    const runners = readdirSync(join(CORE_ROOT, "src", "workload"))
      .filter((f) => f.endsWith("-runner.ts") && f !== "workload-runner.ts" && f !== "create-runner.ts")
      .map((f) => f.replace("-runner.ts", ""));
    expect(runners.sort()).toEqual([...WORKLOAD_TYPES].sort());
  });

  it("has schema enums equal to the id lists the code registers", () => {
    const schema = readJson<{
      properties: Record<string, { properties: Record<string, { enum?: string[]; additionalProperties?: { enum: string[] } }> }>;
    }>(join(CORE_ROOT, "schemas", "slogate.schema.json"));
    const { providers, workload, evaluation } = schema.properties;
    expect(providers?.properties.default?.enum).toEqual([...PROVIDER_IDS]);
    expect(providers?.properties.overrides?.additionalProperties?.enum).toEqual([...PROVIDER_IDS]);
    expect(workload?.properties.type?.enum).toEqual([...WORKLOAD_TYPES]);
    // The options a command line or an input overrides take the values slogate.yaml takes.
    expect(GATE_OPTIONS.missingSli.parser.parse("fail", "x")).toBe("fail");
    for (const [option, values] of [
      [GATE_OPTIONS.missingSli, evaluation?.properties["missing-sli"]?.enum],
      [GATE_OPTIONS.comparison, evaluation?.properties.comparison?.enum],
      [GATE_OPTIONS.provider, providers?.properties.default?.enum],
    ] as const) {
      for (const value of values ?? []) expect(option.parser.parse(value, "x")).toBe(value);
      expect(() => option.parser.parse("other", "x")).toThrow('x: "other" is not one of');
    }
  });
});
