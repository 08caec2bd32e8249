import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { LocalDynatrace } from "./dynatrace-server.js";
import { localServer } from "./local-server.js";
import { runInProcess, tempDir, writeFiles } from "./support.js";

const SLO = stringify({
  spec_version: "1.0",
  comparison: {
    compare_with: "several_results",
    include_result_with_score: "all",
    number_of_comparison_results: 5,
    aggregate_function: "avg",
  },
  objectives: [{ sli: "response_time_p95", pass: [{ criteria: ["<=+10%", "<600"] }], warning: [{ criteria: ["<800"] }] }],
  total_score: { pass: "90%", warning: "50%" },
});

const cli = (cwd: string, args: string[]) => runInProcess(args, cwd);

/** Evaluates `value` against the project's history; `store` appends the result to it. */
async function judge(cwd: string, value: number, extra: string[] = []) {
  writeFiles(cwd, { "v.json": JSON.stringify({ response_time_p95: value }) });
  const run = await cli(cwd, [
    "evaluate",
    "--slo",
    "slo.yaml",
    "--sli-values",
    "v.json",
    "--history",
    "h.jsonl",
    "--format",
    "json",
    ...extra,
  ]);
  return { ...run, result: JSON.parse(run.stdout || "{}") };
}

/** A project whose history holds one stored run per value. */
async function projectWithHistory(values: number[]): Promise<string> {
  const cwd = tempDir();
  writeFiles(cwd, { "slo.yaml": SLO });
  for (const value of values) expect((await judge(cwd, value, ["--store"])).status).toBe(0);
  return cwd;
}

describe("evaluate --comparison statistical", () => {
  it("on a noisy history: Keptn's <=+10% flags a +13% blip (warning block), the statistical comparison says inconclusive and why", async () => {
    const cwd = await projectWithHistory([80, 120, 95, 110, 90]);
    const keptn = await judge(cwd, 112);
    expect(keptn.result.result).toBe("warning");
    expect(keptn.result.objectives[0].status).toBe("warning");
    const statistical = await judge(cwd, 112, ["--comparison", "statistical"]);
    expect(statistical.status).toBe(0);
    expect(statistical.result.result).toBe("warning");
    const objective = statistical.result.objectives[0];
    expect(objective.statistics[0]).toMatchObject({ criterion: "<=+10%", decision: "inconclusive", previousRuns: 5 });
    expect(objective.explanation).toMatch(
      /^inconclusive \(counted as warning\) by the statistical comparison: <=\+10% inconclusive: .*the data cannot resolve it \(with this noise and 5 earlier runs, a tolerance of \+\d+\.\d% or more can be judged\)$/,
    );
  });

  it("on a quiet history: a +30% regression fails, a +2% change passes", async () => {
    const cwd = await projectWithHistory([100, 101, 99, 100.5, 99.5]);
    const regression = await judge(cwd, 130, ["--comparison", "statistical"]);
    expect(regression.status).toBe(1);
    expect(regression.result.objectives[0]).toMatchObject({ status: "fail", statistics: [{ decision: "fail" }] });
    const steady = await judge(cwd, 102, ["--comparison", "statistical"]);
    expect(steady.result.result).toBe("pass");
    expect(steady.result.objectives[0].statistics[0].decision).toBe("pass");
  });

  it("explains sample sizes, the change with its interval, the noise floor and the decision", async () => {
    const cwd = await projectWithHistory([100, 101, 99, 100.5, 99.5]);
    writeFiles(cwd, { "v.json": JSON.stringify({ response_time_p95: 130 }) });
    const run = await cli(cwd, [
      "evaluate",
      "--slo",
      "slo.yaml",
      "--sli-values",
      "v.json",
      "--history",
      "h.jsonl",
      "--comparison",
      "statistical",
      "--explain",
    ]);
    expect(run.stdout).toMatch(
      / {2}statistics <=\+10%: fail; change ×1\.3\d* \(interval ×1\.\d+ … ×1\.\d+\); noise floor ±0\.8% from 5 earlier runs; no per-request samples\n/,
    );
  });

  it("slogate.yaml sets it, and maps inconclusive to fail when asked", async () => {
    const cwd = await projectWithHistory([80, 120, 95, 110, 90]);
    writeFiles(cwd, {
      "slogate.yaml": stringify({
        version: 1,
        slo: "slo.yaml",
        history: { path: "h.jsonl", store: false },
        evaluation: { comparison: "statistical", statistics: { inconclusive: "fail" } },
      }),
      "v.json": JSON.stringify({ response_time_p95: 112 }),
    });
    const run = await cli(cwd, ["evaluate", "--config", "slogate.yaml", "--sli-values", "v.json", "--format", "json"]);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout).objectives[0]).toMatchObject({ status: "fail", statistics: [{ decision: "inconclusive" }] });
  });

  it("on Dynatrace SLIs, keeps the metric minute by minute (resolution=1m) as samples", async () => {
    const token = "dt0c01.STAT.canary-token";
    const dynatrace = await new LocalDynatrace({
      tokens: { [token]: ["metrics.read"] },
      metrics: { "builtin:service.response.time": [{ values: [100_000, 120_000, 110_000, 130_000, 90_000] }] },
    }).start();
    try {
      const cwd = tempDir();
      writeFiles(cwd, {
        "slo.yaml": SLO,
        "sli.yaml": "indicators:\n  response_time_p95: MV2;MicroSecond;metricSelector=builtin:service.response.time\n",
      });
      const run = await runInProcess(
        [
          "evaluate",
          "--provider",
          "dynatrace",
          "--sli",
          "sli.yaml",
          "--slo",
          "slo.yaml",
          "--timeframe",
          "5m",
          "--settle",
          "0",
          "--comparison",
          "statistical",
          "--format",
          "json",
        ],
        cwd,
        { DT_URL: dynatrace.url, DT_API_TOKEN: token },
      );
      const objective = JSON.parse(run.stdout).objectives[0];
      expect(objective.value).toBe(110);
      expect(objective.samples).toEqual([100, 120, 110, 130, 90]);
      expect(dynatrace.requestsTo("metrics").map((r) => r.query.resolution)).toEqual(["Inf", "1m"]);
    } finally {
      await dynatrace.stop();
    }
  });

  it("on workload SLIs, keeps up to 500 per-request samples per SLI in history and rank-tests them against the earlier runs'", async () => {
    let delay = 2;
    const target = await localServer((_request, response) => {
      setTimeout(() => response.end("ok"), delay);
    });
    try {
      const cwd = tempDir();
      writeFiles(cwd, { "slo.yaml": SLO.replace("<600", "<5000") });
      const args = [
        "run",
        "--target",
        target.url,
        "--requests",
        "600",
        "--vus",
        "4",
        "--slo",
        "slo.yaml",
        "--history",
        "h.jsonl",
        "--store",
        "--comparison",
        "statistical",
        "--format",
        "json",
      ];
      for (let i = 0; i < 3; i++) expect((await cli(cwd, args)).status).toBe(0);
      const stored = readFileSync(join(cwd, "h.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(stored[0].objectives[0].samples).toHaveLength(500);
      delay = 20;
      const slower = await cli(cwd, args);
      const objective = JSON.parse(slower.stdout).objectives[0];
      expect(objective.statistics[0].rankTest).toMatchObject({ currentSamples: 500, baselineSamples: 1500 });
      expect(objective.statistics[0].rankTest.p).toBeLessThan(1e-6);
      // Every request took about 18 ms longer: the per-request shift is a multiple, well above 1.
      expect(objective.statistics[0].rankTest.shift.low).toBeGreaterThan(2);
    } finally {
      await target.close();
    }
  }, 60_000);
});
