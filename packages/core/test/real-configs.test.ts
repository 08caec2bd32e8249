import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../src/config/diagnostics.js";
import { readSli } from "../src/config/load-sli.js";
import { readSloText } from "../src/config/load-slo.js";
import { parseYamlSource } from "../src/config/yaml-source.js";
import { evaluate } from "../src/engine/evaluate.js";
import { HAS_REAL_CONFIGS, REAL_CONFIGS, realConfigsSuite } from "./support.js";

// 60 slo.yaml and 62 sli.yaml files people wrote, verbatim. Files Keptn 1.x could not evaluate
// are refused with a positioned error; every other one loads and evaluates.
const ROOT = REAL_CONFIGS;

/** File → the first error slogate reports, and why Keptn refused the file too. */
const REFUSED: Record<string, string> = {
  // Keptn's evaluation ends errored with "no target score defined".
  "slo/006-keptn-examples-simplenodeservice-keptn-slo-empty.yaml":
    "006-keptn-examples-simplenodeservice-keptn-slo-empty.yaml:2:1: error: no total_score.pass: Keptn cannot decide a result without a target score",
  // yaml.v3 rejects repeated keys.
  "slo/012-keptn-examples-onboarding-carts-slo-quality-gates-dynatrace-3ad5ab3.yaml":
    '012-keptn-examples-onboarding-carts-slo-quality-gates-dynatrace-3ad5ab3.yaml:22:1: error: YAML: duplicate key "objectives"',
  // The criterion "0" fails Keptn's criteria regex: "error with cpu_time: invalid criteria string".
  "slo/057-cloud-automation-easytravel-1-easytravel-app-slo-0a102cb.yaml":
    '057-cloud-automation-easytravel-1-easytravel-app-slo-0a102cb.yaml:91:7: error: criterion "0" of SLI "cpu_time" (objectives[8].pass[0].criteria[0]) cannot be read: invalid criteria string',
  "sli/058-demo-keptn-perf-dynatrace-sli-01e9859.yaml":
    '058-demo-keptn-perf-dynatrace-sli-01e9859.yaml:15:3: error: YAML: duplicate key "us_dp_hotelcar_PreBookRecap_90pct"',
};

const files = (kind: "slo" | "sli") => (HAS_REAL_CONFIGS ? readdirSync(join(ROOT, kind)).map((name) => `${kind}/${name}`) : []);

describe.skipIf(!HAS_REAL_CONFIGS)(realConfigsSuite("real Keptn files"), () => {
  it("has all 60 SLO and 62 SLI files at hand", () => {
    expect(files("slo")).toHaveLength(60);
    expect(files("sli")).toHaveLength(62);
  });

  it.each(files("slo"))("%s", (path) => {
    const name = path.slice(4);
    const text = readFileSync(join(ROOT, path), "utf8");
    const reading = readSloText(text, name);
    const errors = reading.diagnostics.filter((d) => d.severity === "error");
    const refused = REFUSED[path];
    if (refused) {
      expect(errors.length).toBeGreaterThan(0);
      expect(formatDiagnostic(errors[0] as (typeof errors)[number])).toContain(refused);
      return;
    }
    expect(errors.map(formatDiagnostic)).toEqual([]);
    const slo = reading.slo;
    if (slo === null) throw new Error("an accepted file must give an SLO");
    // Every SLI has a value of 1, and one previous evaluation had 1 too: relative criteria compare.
    const indicatorValues = slo.objectives.map((o) => ({ metric: o.sli, value: 1, success: true, message: "" }));
    const outcome = evaluate({
      slo,
      sloFileContent: reading.sloFileContent,
      retrieval: { status: "succeeded", result: "pass", message: "", indicatorValues },
      previous: [{ id: "previous", result: "pass", indicatorResults: indicatorValues.map((value) => ({ value })) }],
      window: { start: "2024-01-01T00:00:00.000Z", end: "2024-01-01T00:10:00.000Z" },
    });
    expect(outcome.status).toBe("succeeded");
    expect(outcome.invalidConfig).toBe(false);
    expect(outcome.evaluation.indicatorResults?.length ?? 0).toBe(slo.objectives.length);
    expect(["pass", "warning", "fail"]).toContain(outcome.result);
  });

  it.each(files("sli"))("%s", (path) => {
    const name = path.slice(4);
    const reading = readSli(parseYamlSource(readFileSync(join(ROOT, path), "utf8"), name));
    const errors = reading.diagnostics.filter((d) => d.severity === "error");
    const refused = REFUSED[path];
    if (refused) {
      expect(formatDiagnostic(errors[0] as (typeof errors)[number])).toContain(refused);
      return;
    }
    expect(errors.map(formatDiagnostic)).toEqual([]);
    // 042 is `indicators: {}`: valid, just empty.
    const count = Object.keys(reading.indicators ?? { unread: "" }).length;
    expect(name.startsWith("042-") ? count === 0 : count > 0).toBe(true);
  });

  it("keeps Keptn's reading of odd but valid files", () => {
    const read = (file: string) => readSloText(readFileSync(join(ROOT, "slo", file), "utf8"), file).slo;
    // Unknown "fail" blocks are warned about and ignored, as Keptn ignored them.
    const autoremediation = readSloText(readFileSync(join(ROOT, "slo", "021-autoremediation-demo-slo.yaml"), "utf8"), "021.yaml");
    expect(autoremediation.diagnostics.map((d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`)).toEqual([
      'warning 13:5 unknown key "fail" in objectives[0] is ignored',
      'warning 18:3 unknown key "fail" in total_score is ignored',
    ]);
    // weight: 0 becomes 1; criteria with spaces are kept as written.
    const dashboard = read("016-andranosa-keptn-easytravelcustomerfrontend-slo-b11aba2.yaml");
    expect(dashboard?.objectives.every((o) => o.weight >= 1)).toBe(true);
    const spaced = read("037-devlove-easytravel-pipelines-keptn-slo.yaml");
    expect(spaced?.objectives.flatMap((o) => o.pass ?? []).flatMap((b) => b.criteria)).toContain("> 5000");
    // 1,026 objectives in one file.
    expect(read("056-cloud-automation-easytravel-1-easytravel-app-slo-c736717.yaml")?.objectives).toHaveLength(1026);
    // objectives: null and comparison: null (keys present, empty) are Keptn's defaults.
    const empty = readSloText(
      readFileSync(join(ROOT, "slo", "006-keptn-examples-simplenodeservice-keptn-slo-empty.yaml"), "utf8"),
      "006.yaml",
    ).slo;
    expect(empty?.objectives).toEqual([]);
    expect(empty?.comparison).toEqual({
      compare_with: "single_result",
      include_result_with_score: "all",
      number_of_comparison_results: 1,
      aggregate_function: "avg",
    });
  });
});
