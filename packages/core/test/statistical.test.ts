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
function judge(cwd: string, value: number, extra: string[] = []) {
  return gate(cwd, { response_time_p95: value }, extra);
}

/** A project whose history holds one stored run per value. */
async function projectWithHistory(values: number[]): Promise<string> {
  const cwd = tempDir();
  writeFiles(cwd, { "slo.yaml": SLO });
  for (const value of values) expect((await judge(cwd, value, ["--store"])).status).toBe(0);
  return cwd;
}

describe("evaluate --comparison statistical", () => {
  it("on a noisy history: Keptn's <=+10% flags a +13% blip (warning block); the statistical comparison cannot tell, keeps the points and caps the gate at warning", async () => {
    const cwd = await projectWithHistory([80, 120, 95, 110, 90]);
    const keptn = await judge(cwd, 112);
    expect(keptn.result.result).toBe("warning");
    expect(keptn.result.objectives[0].status).toBe("warning");
    const statistical = await judge(cwd, 112, ["--comparison", "statistical"]);
    expect(statistical.status).toBe(0);
    expect(statistical.result).toMatchObject({ result: "warning", score: 100, uncappedResult: "pass" });
    expect(statistical.result.message).toBe(
      "Evaluation returned a warning: the statistical comparison could not decide response_time_p95 (evaluation.statistics.inconclusive: fail makes such an objective fail instead)",
    );
    const objective = statistical.result.objectives[0];
    expect(objective).toMatchObject({ status: "warning", score: 1 });
    expect(objective.statistics[0]).toMatchObject({ criterion: "<=+10%", decision: "inconclusive", previousRuns: 5 });
    expect(objective.inconclusive).toMatch(/^pass or warning, the data cannot tell: <=\+10%: estimated change /);
    expect(objective.explanation).toMatch(
      /^inconclusive between pass and warning \(shown as warning, scored 1 of 1; the gate is capped at warning\) by the statistical comparison: <=\+10% inconclusive: .*the data cannot resolve it \(with this noise and 5 earlier runs, a tolerance of \+\d+\.\d% or more can be judged\); <600 is absolute$|^inconclusive between pass and warning \(shown as warning, scored 1 of 1; the gate is capped at warning\) by the statistical comparison: <=\+10% inconclusive: .*the data cannot resolve it \(with this noise and 5 earlier runs, a tolerance of \+\d+\.\d% or more can be judged\)$/,
    );
  });

  it("on a quiet history: a +30% regression breaks the pass block and lands in the warning block (<800), as Keptn reads blocks; a +2% change passes", async () => {
    const cwd = await projectWithHistory([100, 101, 99, 100.5, 99.5]);
    const regression = await judge(cwd, 130, ["--comparison", "statistical"]);
    expect(regression.result.objectives[0]).toMatchObject({ status: "warning", score: 0.5, statistics: [{ decision: "fail" }] });
    expect(regression.result.result).toBe("warning");
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

  it("slogate.yaml sets it; inconclusive: fail counts an undecided criterion as violated (here the warning block still holds)", async () => {
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
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ result: "warning", score: 50 });
    expect(result.uncappedResult).toBeUndefined();
    expect(result.objectives[0]).toMatchObject({ status: "warning", score: 0.5, statistics: [{ decision: "inconclusive" }] });
    expect(result.objectives[0].inconclusive).toBeUndefined();
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

/** A project with this slo.yaml and a history built by storing each value's evaluation. */
async function gateProject(slo: object, stored: Array<Record<string, number>>, extra: string[] = []): Promise<string> {
  const cwd = tempDir();
  writeFiles(cwd, { "slo.yaml": stringify(slo) });
  for (const values of stored) expect((await gate(cwd, values, ["--store", ...extra])).status).not.toBe(2);
  return cwd;
}

async function gate(cwd: string, values: Record<string, number>, extra: string[] = []) {
  writeFiles(cwd, { "v.json": JSON.stringify(values) });
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

const STATISTICAL = ["--comparison", "statistical"];
const several = (count: number) => ({ compare_with: "several_results", number_of_comparison_results: count, aggregate_function: "avg" });
const NOISY = [80, 120, 95, 110, 90];

describe("the statistical comparison at the gate: the whole evaluation's result", () => {
  it("one objective `<=+10%` without a warning block, Keptn's 90%/75%: an unchanged build on noisy history is a warning, never a fail", async () => {
    const slo = {
      comparison: several(5),
      objectives: [{ sli: "p95", pass: [{ criteria: ["<=+10%"] }] }],
      total_score: { pass: "90%", warning: "75%" },
    };
    const cwd = await gateProject(
      slo,
      NOISY.map((p95) => ({ p95 })),
    );
    const run = await gate(cwd, { p95: 104 }, STATISTICAL);
    expect(run.status).toBe(0);
    expect(run.result).toMatchObject({ result: "warning", score: 100, uncappedResult: "pass" });
    expect(run.result.objectives[0]).toMatchObject({ status: "warning", score: 1 });
    expect(run.result.objectives[0].inconclusive).toMatch(/^pass or fail, the data cannot tell: <=\+10%: /);
  });

  it("several objectives, a key SLI among them: inconclusive ones keep their points; a violated absolute key SLI still fails", async () => {
    const slo = {
      comparison: several(5),
      objectives: [
        { sli: "p95", pass: [{ criteria: ["<=+10%"] }], warning: [{ criteria: ["<=+50%"] }] },
        { sli: "throughput", pass: [{ criteria: [">=-10%"] }] },
        { sli: "errors", key_sli: true, pass: [{ criteria: ["<=1"] }] },
      ],
      total_score: { pass: "90%", warning: "75%" },
    };
    const cwd = await gateProject(
      slo,
      NOISY.map((p95, i) => ({ p95, throughput: (1000 / (NOISY[i] as number)) * 100, errors: 0 })),
    );
    const unchanged = await gate(cwd, { p95: 100, throughput: 1000, errors: 0 }, STATISTICAL);
    expect(unchanged.result).toMatchObject({ result: "warning", score: 100 });
    expect(unchanged.result.objectives.map((o: { status: string }) => o.status)).toEqual(["warning", "warning", "pass"]);
    // Two objectives judged: each gets half the gate's alpha, so the gate's false fails stay at alpha.
    expect(unchanged.result.objectives[0].statistics[0].reason).toContain("(99% interval ");
    const broken = await gate(cwd, { p95: 100, throughput: 1000, errors: 3 }, STATISTICAL);
    expect(broken.result.result).toBe("fail");
    expect(broken.result.message).toBe("Evaluation failed due to key_sli objective '': failed evaluation with score 0.000000");
  });

  it("a key SLI with an undecided relative criterion warns by default, and fails with inconclusive: fail", async () => {
    const slo = {
      comparison: several(5),
      objectives: [{ sli: "p95", key_sli: true, pass: [{ criteria: ["<=+10%"] }] }],
      total_score: { pass: "90%", warning: "75%" },
    };
    const cwd = await gateProject(
      slo,
      NOISY.map((p95) => ({ p95 })),
    );
    expect((await gate(cwd, { p95: 104 }, STATISTICAL)).result.result).toBe("warning");
    writeFiles(cwd, {
      "slogate.yaml": stringify({
        version: 1,
        slo: "slo.yaml",
        evaluation: { comparison: "statistical", statistics: { inconclusive: "fail" } },
      }),
    });
    const strict = await gate(cwd, { p95: 104 }, ["--config", "slogate.yaml"]);
    expect(strict.stderr).toBe("");
    expect(strict.result).toMatchObject({ result: "fail", score: 0 });
    expect(strict.result.objectives[0].status).toBe("fail");
  });

  it("is monotonic: against a baseline of 505, p95 580 (+15%) and p95 700 (+39%, breaking <600 too) are both warnings (<=800 holds); 900 fails", async () => {
    const slo = {
      comparison: several(5),
      objectives: [{ sli: "p95", pass: [{ criteria: ["<=+10%", "<600"] }], warning: [{ criteria: ["<=800"] }] }],
      total_score: { pass: "90%", warning: "50%" },
    };
    const cwd = await gateProject(
      slo,
      [503, 507, 505, 504, 506].map((p95) => ({ p95 })),
    );
    const verdicts = [];
    for (const p95 of [505, 580, 700, 900]) {
      const run = await gate(cwd, { p95 }, STATISTICAL);
      verdicts.push([p95, run.result.objectives[0].status, run.result.result]);
    }
    expect(verdicts).toEqual([
      [505, "pass", "pass"],
      [580, "warning", "warning"],
      [700, "warning", "warning"],
      [900, "fail", "fail"],
    ]);
  });

  it("bootstraps a new history with the quick start's SLO (include_result_with_score: pass): runs the comparison cannot judge yet still become baselines", async () => {
    const slo = {
      comparison: { ...several(3), include_result_with_score: "pass" },
      objectives: [
        { sli: "p95", pass: [{ criteria: ["<=+10%", "<600"] }], warning: [{ criteria: ["<=800"] }] },
        { sli: "errors", key_sli: true, pass: [{ criteria: ["<=1"] }] },
      ],
      total_score: { pass: "90%", warning: "75%" },
    };
    const cwd = await gateProject(slo, []);
    const seen = [];
    for (const p95 of [500, 502, 499, 501, 500]) {
      const run = await gate(cwd, { p95, errors: 0 }, [...STATISTICAL, "--store"]);
      seen.push([run.result.result, run.result.objectives[0].statistics[0].previousRuns]);
    }
    expect(seen).toEqual([
      ["warning", 0],
      ["warning", 1],
      ["warning", 2],
      ["pass", 3],
      ["pass", 3],
    ]);
  });
});
