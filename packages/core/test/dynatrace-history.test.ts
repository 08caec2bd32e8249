import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynatraceHistoryStore } from "../src/history/dynatrace-store.js";
import { dynatraceEndpoints } from "../src/sli/dynatrace/connection.js";
import { LocalDynatrace } from "./dynatrace-server.js";
import { runCliAsync, storedResult, tempDir, writeFiles } from "./support.js";

const TOKEN = "dt0c01.HISTORY.canary-token-3c4d5e6f7a8b";
const WRITE_ONLY = "dt0c01.HISTORY.canary-write-only-9f8e7d";
// Sixty SLIs: a result longer than one event property, so it travels in several.
const SLIS = Array.from({ length: 60 }, (_, i) => `response_time_endpoint_${i}`);
const SLO = `comparison:
  compare_with: single_result
  include_result_with_score: all
objectives:
${SLIS.map((sli) => `  - sli: ${sli}\n    pass:\n      - criteria: ["<=+10%"]`).join("\n")}
total_score:
  pass: "90%"
  warning: "75%"
`;

let dynatrace: LocalDynatrace;
beforeAll(async () => {
  // Events show in reads 300 ms after ingest, as Dynatrace's index lags its ingest.
  dynatrace = await new LocalDynatrace({
    tokens: { [TOKEN]: ["events.ingest", "events.read"], [WRITE_ONLY]: ["events.ingest"] },
    eventsLagMs: 300,
  }).start();
});
afterAll(async () => {
  await dynatrace?.stop();
});

function gate(cwd: string, value: number, service = "carts", extra: string[] = []) {
  writeFiles(cwd, { "values.json": JSON.stringify(Object.fromEntries(SLIS.map((sli) => [sli, value]))) });
  return runCliAsync(
    [
      "evaluate",
      "--slo",
      "slo.yaml",
      "--sli-values",
      "values.json",
      "--history",
      "dynatrace",
      "--store",
      "--labels",
      `project=sockshop,stage=staging,service=${service}`,
      "--format",
      "json",
      ...extra,
    ],
    { cwd, env: { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN } },
  );
}

describe("--history dynatrace: results kept in and read back from Dynatrace", () => {
  it("stores each result as an event and compares the next run with it; other services' results stay apart", async () => {
    const cwd = tempDir();
    writeFiles(cwd, { "slo.yaml": SLO });
    const first = await gate(cwd, 100);
    expect(first.status).toBe(0);
    expect(first.stderr).toBe("");
    const stored = dynatrace.events.at(-1) as { eventType: string; title: string; properties: Record<string, string> };
    expect(stored.eventType).toBe("CUSTOM_INFO");
    expect(stored.title).toBe("slogate result: pass (score 100)");
    expect(stored.properties["slogate.history"]).toBe("sockshop/staging/carts");
    expect(Number(stored.properties["slogate.record.count"])).toBeGreaterThan(1);

    await gate(cwd, 500, "orders");
    const second = await gate(cwd, 130);
    expect(second.status).toBe(1);
    const result = JSON.parse(second.stdout) as { result: string; objectives: Array<{ comparedValue: number }> };
    expect(result.result).toBe("fail");
    expect(result.objectives.map((objective) => objective.comparedValue)).toEqual(SLIS.map(() => 100));
  });

  it("lists, invalidates and reports the stored results with the history commands", async () => {
    const cwd = tempDir();
    writeFiles(cwd, { "slo.yaml": SLO });
    const env = { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN };
    const labels = ["--labels", "project=sockshop,stage=staging,service=payment"];
    const first = JSON.parse((await gate(cwd, 100, "payment")).stdout) as { id: string };
    const list = await runCliAsync(["history", "list", "--history", "dynatrace", ...labels], { cwd, env });
    expect(list.stdout).toMatch(new RegExp(`^${first.id}  \\S+  pass     score 100  slogate\\n$`));
    const invalidate = await runCliAsync(["history", "invalidate", first.id, "--history", "dynatrace", ...labels, "--reason", "noisy"], {
      cwd,
      env,
    });
    expect(invalidate.stdout).toBe(`invalidated ${first.id}: it is no longer used for comparisons\n`);
    // With its only earlier result withdrawn, the next run has nothing to compare with.
    const next = JSON.parse((await gate(cwd, 300, "payment")).stdout) as { result: string };
    expect(next.result).toBe("pass");
    const report = await runCliAsync(["report", "--history", "dynatrace", ...labels, "--html", "out.html"], { cwd, env });
    expect(report.status).toBe(0);
    const html = readFileSync(join(cwd, "out.html"), "utf8");
    for (const sli of SLIS) expect(html).toContain(sli);
  });

  it("waits for a stored result to become readable, and warns when it does not within the bound", async () => {
    const warnings: string[] = [];
    const store = new DynatraceHistoryStore({
      endpoints: dynatraceEndpoints(dynatrace.url),
      credentials: { apiToken: TOKEN },
      labels: { project: "sockshop", stage: "staging", service: "slow-index" },
      readYourWriteMs: 100,
      pollMs: 20,
      onWarning: (message) => warnings.push(message),
    });
    try {
      await store.append(storedResult("r-1"));
      expect(warnings).toEqual([
        "slogate: warning: the result r-1 was stored in Dynatrace but is not readable yet after 0 s; a run started now may not see it",
      ]);
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect((await store.list()).map((entry) => entry.id)).toEqual(["r-1"]);
    } finally {
      await store.close();
    }
  });

  it("a result stored but not readable back (a token without events.read) costs a warning, never the stored result", async () => {
    const warnings: string[] = [];
    const store = new DynatraceHistoryStore({
      endpoints: dynatraceEndpoints(dynatrace.url),
      credentials: { apiToken: WRITE_ONLY },
      labels: { project: "sockshop", stage: "staging", service: "write-only" },
      onWarning: (message) => warnings.push(message),
    });
    try {
      await store.append(storedResult("r-2"));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /^slogate: warning: the result r-2 was stored in Dynatrace but could not be read back: Dynatrace history: reading the history events: HTTP 403: Token is missing required scope\. Use one of: events\.read/,
      );
      expect(dynatrace.events.some((event) => (event.properties as Record<string, string>)["slogate.result.id"] === "r-2")).toBe(true);
    } finally {
      await store.close();
    }
  });
});
