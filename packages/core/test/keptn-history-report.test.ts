import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCliAsync, tempDir, writeFiles } from "./support.js";

const SLO = `spec_version: "1.0"
comparison: { compare_with: several_results, number_of_comparison_results: 3, aggregate_function: avg }
objectives:
  - sli: response_time_p95
    displayName: "Response time P95"
    pass: [{ criteria: ["<=+10%", "<600"] }]
    warning: [{ criteria: ["<=800"] }]
    weight: 2
  - sli: error_rate
    key_sli: true
    pass: [{ criteria: ["<=1"] }]
total_score: { pass: "90%", warning: "75%" }
`;

/** Keptn's evaluation.finished CloudEvent for one evaluation, as `keptn get event` exports them. */
function finished(index: number, p95: number, status: "pass" | "warning" | "fail") {
  const score = status === "pass" ? 100 : status === "warning" ? 66.66666666666667 : 33.333333333333336;
  const time = new Date(Date.UTC(2023, 5, 1, 10, index)).toISOString();
  return JSON.stringify({
    specversion: "1.0",
    id: `keptn-${String(index).padStart(2, "0")}`,
    type: "sh.keptn.event.evaluation.finished",
    source: "lighthouse-service",
    time,
    triggeredid: `triggered-${index}`,
    data: {
      project: "sockshop",
      stage: "staging",
      service: "carts",
      labels: { buildId: String(100 + index) },
      status: "succeeded",
      result: status,
      evaluation: {
        timeStart: new Date(Date.parse(time) - 600_000).toISOString(),
        timeEnd: time,
        result: status,
        score,
        sloFileContent: Buffer.from(SLO).toString("base64"),
        comparedEvents: index > 0 ? [`keptn-${String(index - 1).padStart(2, "0")}`] : [],
        indicatorResults: [
          {
            score: status === "pass" ? 2 : status === "warning" ? 1 : 0,
            status,
            displayName: "Response time P95",
            keySli: false,
            value: { metric: "response_time_p95", value: p95, comparedValue: 500, success: true },
            passTargets: [
              { criteria: "<=+10%", targetValue: 550, violated: p95 > 550 },
              { criteria: "<600", targetValue: 600, violated: p95 >= 600 },
            ],
            warningTargets: [{ criteria: "<=800", targetValue: 800, violated: p95 > 800 }],
          },
          {
            score: 1,
            status: "pass",
            displayName: "error_rate",
            keySli: true,
            value: { metric: "error_rate", value: 0.2, success: true },
            passTargets: [{ criteria: "<=1", targetValue: 1, violated: false }],
            warningTargets: null,
          },
        ],
      },
    },
  });
}

describe("slogate report on a Keptn history", () => {
  it("renders 30 Keptn evaluations: the newest one's report, with the heatmap of those before it", async () => {
    const cwd = tempDir();
    const statuses = Array.from(
      { length: 30 },
      (_, i) => (i % 7 === 3 ? "warning" : i % 11 === 5 ? "fail" : "pass") as "pass" | "warning" | "fail",
    );
    writeFiles(cwd, {
      "keptn.jsonl": `${statuses.map((status, i) => finished(i, status === "pass" ? 510 : status === "warning" ? 700 : 900, status)).join("\n")}\n`,
    });
    const run = await runCliAsync(["report", "--history", "keptn.jsonl", "--html", "out.html", "--format", "json"], { cwd });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      id: "keptn-29",
      result: "pass",
      score: 100,
      labels: { project: "sockshop", stage: "staging", service: "carts", buildId: "129" },
      comparedEvents: ["keptn-28"],
    });
    expect(
      result.objectives.map((o: { sli: string; weight: number; value: number; comparedValue: number | null }) => [
        o.sli,
        o.weight,
        o.value,
        o.comparedValue,
      ]),
    ).toEqual([
      ["response_time_p95", 2, 510, 500],
      ["error_rate", 1, 0.2, null],
    ]);
    const html = readFileSync(join(cwd, "out.html"), "utf8");
    expect(html).toContain("Response time P95");
    expect(html).toContain("error_rate");
    expect(html).toContain("<h2>Last 30 runs</h2>");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
  });

  it("reports on an older Keptn evaluation by its id", async () => {
    const cwd = tempDir();
    writeFiles(cwd, { "keptn.jsonl": `${finished(0, 510, "pass")}\n${finished(1, 900, "fail")}\n` });
    const run = await runCliAsync(["report", "--history", "keptn.jsonl", "--id", "keptn-01", "--format", "json"], { cwd });
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ id: "keptn-01", result: "fail" });
    expect(result.objectives[0]).toMatchObject({ status: "fail", score: 0, weight: 2 });
    expect(result.objectives[0].explanation).toBe(
      "fail in Keptn's evaluation; scored 0 of 2; pass: <=+10% (target 550) violated, <600 (target 600) violated; warning: <=800 (target 800) violated",
    );
  });
});

describe("slogate history import keptn", () => {
  it("converts the API's event list (newest first) into slogate results, oldest first, applies Keptn's invalidations and says what it drops", async () => {
    const cwd = tempDir();
    const events = [0, 1, 2].map((i) => JSON.parse(finished(i, 510 + i, "pass")));
    const invalidated = { type: "sh.keptn.event.evaluation.invalidated", triggeredid: "triggered-1", data: {} };
    writeFiles(cwd, { "export.json": JSON.stringify({ events: [invalidated, ...events.reverse()], totalCount: 4 }) });
    const run = await runCliAsync(["history", "import", "keptn", "export.json", "--history", "h.jsonl"], { cwd });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(
      [
        "imported 3 Keptn evaluations into h.jsonl (1 invalidated, as in Keptn)",
        "dropped data.evaluation.sloFileContent (3 events): the slo.yaml itself is not kept; its objective weights are",
        "dropped triggeredid (3 events): used to apply Keptn's invalidations during the import, then dropped",
        "dropped source (3 events): always Keptn's lighthouse-service",
        "",
      ].join("\n"),
    );
    const list = await runCliAsync(["history", "list", "--history", "h.jsonl"], { cwd });
    expect(list.stdout.split("\n").map((line) => line.split("  ")[0])).toEqual(["keptn-00", "keptn-01", "keptn-02", ""]);
    expect(list.stdout).toContain("keptn-01  2023-06-01T10:01:00.000Z  pass     score 100  slogate  (invalidated)");
    // The imported results are slogate results now: reports and comparisons read them as such.
    const report = await runCliAsync(["report", "--history", "h.jsonl", "--format", "json"], { cwd });
    expect(JSON.parse(report.stdout).objectives[0]).toMatchObject({ sli: "response_time_p95", value: 512, weight: 2 });
  });

  it("refuses an export that is not Keptn's evaluation events, naming the event", async () => {
    const cwd = tempDir();
    writeFiles(cwd, { "export.json": JSON.stringify([{ type: "sh.keptn.event.deployment.finished", data: {} }]) });
    const run = await runCliAsync(["history", "import", "keptn", "export.json", "--history", "h.jsonl"], { cwd });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      'export.json:1:1: error: export.json: event 1: a CloudEvent of type "sh.keptn.event.deployment.finished" is not an evaluation result',
    );
  });
});
