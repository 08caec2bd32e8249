import { describe, expect, it } from "vitest";
import { percentile } from "./aggregate.js";
import { type EvaluationInput, evaluate } from "./evaluate.js";
import type { Objective, PreviousEvaluation, SliResult, Slo } from "./types.js";

const WINDOW = { start: "2024-01-01T00:00:00.000Z", end: "2024-01-01T00:10:00.000Z" };

function objective(sli: string, fields: Partial<Objective> = {}): Objective {
  return { sli, displayName: "", pass: [{ criteria: ["<100"] }], warning: null, weight: 1, key_sli: false, ...fields };
}

function slo(objectives: Objective[], fields: Partial<Slo> = {}): Slo {
  return {
    spec_version: "1.0",
    filter: null,
    comparison: {
      compare_with: "single_result",
      include_result_with_score: "all",
      number_of_comparison_results: 1,
      aggregate_function: "avg",
    },
    objectives,
    total_score: { pass: "90%", warning: "75%" },
    ...fields,
  };
}

function value(metric: string, v: number, success = true, message = ""): SliResult {
  return { metric, value: v, success, message };
}

function previous(id: string, values: Record<string, number>, result = "pass"): PreviousEvaluation {
  return { id, result, indicatorResults: Object.entries(values).map(([metric, v]) => ({ value: { metric, value: v, success: true } })) };
}

function run(input: Partial<EvaluationInput> & { slo: Slo; values: SliResult[] }) {
  return evaluate({
    sloFileContent: "",
    retrieval: { status: "succeeded", result: "pass", message: "", indicatorValues: input.values },
    previous: input.previous ?? [],
    window: WINDOW,
    ...input,
  });
}

describe("evaluate: Keptn's edge cases", () => {
  it("passes every relative criterion on the first evaluation, but keeps absolute ones", () => {
    const outcome = run({ slo: slo([objective("rt", { pass: [{ criteria: ["<=+10%", "<100"] }] })]), values: [value("rt", 150)] });
    expect(outcome.evaluation.indicatorResults?.[0]?.passTargets).toEqual([
      { criteria: "<=+10%", targetValue: 0, violated: false },
      { criteria: "<100", targetValue: 100, violated: true },
    ]);
    expect(outcome.result).toBe("fail");
    expect(outcome.message).toBe("Evaluation failed since the calculated score of 0 is below the warning value of 75");
  });

  it("compares against the previous value and names the results it came from", () => {
    const outcome = run({
      slo: slo([objective("rt", { pass: [{ criteria: ["<=+10%"] }] })], {
        comparison: {
          compare_with: "several_results",
          include_result_with_score: "all",
          number_of_comparison_results: 2,
          aggregate_function: "avg",
        },
      }),
      values: [value("rt", 105)],
      previous: [previous("b", { rt: 100 }), previous("a", { rt: 90 })],
    });
    expect(outcome.evaluation.indicatorResults?.[0]?.value?.comparedValue).toBe(95);
    expect(outcome.evaluation.indicatorResults?.[0]?.passTargets).toEqual([{ criteria: "<=+10%", targetValue: 104.5, violated: true }]);
    expect(outcome.objectives[0]?.comparedWith).toEqual(["b", "a"]);
    expect(outcome.evaluation.comparedEvents).toEqual(["b", "a"]);
  });

  it("gives a missing SLI status fail, score 0, Keptn's message, and lets a key SLI fail the evaluation", () => {
    const outcome = run({
      slo: slo([objective("rt", { key_sli: true, displayName: "Response time" }), objective("errors")]),
      values: [value("errors", 1)],
    });
    const [rt] = outcome.evaluation.indicatorResults ?? [];
    expect(rt).toEqual({
      score: 0,
      status: "fail",
      displayName: "Response time",
      keySli: false,
      value: { metric: "rt", value: 0, comparedValue: 0, success: false, message: "no value received from SLI provider" },
      passTargets: [{ criteria: "<100", targetValue: 100, violated: true }],
      warningTargets: [],
    });
    expect(outcome.evaluation.score).toBe(50);
    expect(outcome.result).toBe("fail");
    expect(outcome.message).toBe("Evaluation failed due to key_sli objective 'Response time': no value received from SLI provider");
  });

  it("consumes one value per objective: a second objective on the same SLI finds none", () => {
    const outcome = run({ slo: slo([objective("rt"), objective("rt", { pass: [{ criteria: [">0"] }] })]), values: [value("rt", 5)] });
    expect(outcome.evaluation.indicatorResults?.map((i) => i.status)).toEqual(["pass", "fail"]);
  });

  it("reports extra SLIs in the order Keptn's swap-removal leaves them", () => {
    const outcome = run({ slo: slo([objective("a")]), values: [value("a", 1), value("b", 1), value("c", 1)] });
    // Taking "a" (index 0) swaps in the last entry: [c, b].
    expect(outcome.message).toBe(
      "Lighthouse received additional SLIs, which are not specified as SLO: c, b . Please consider using them as an SLO.",
    );
    expect(outcome.result).toBe("pass");
  });

  it("ignores an unparsable warning list but stops on an unparsable pass list", () => {
    const warningBroken = run({ slo: slo([objective("rt", { warning: [{ criteria: ["fast"] }] })]), values: [value("rt", 500)] });
    expect(warningBroken.evaluation.indicatorResults?.[0]?.warningTargets).toBeNull();
    expect(warningBroken.result).toBe("fail");
    const passBroken = run({
      slo: slo([objective("rt", { displayName: "RT", pass: [{ criteria: ["<5ms"] }] })]),
      values: [value("rt", 1)],
    });
    expect(passBroken).toMatchObject({
      status: "succeeded",
      result: "fail",
      message: "error with RT: could not parse criteria target value",
      invalidConfig: true,
    });
    expect(passBroken.evaluation.indicatorResults).toBeNull();
  });

  it("reports null targets for a block without criteria, as Keptn's nil list; the block holds but scores nothing", () => {
    const outcome = run({ slo: slo([objective("rt", { pass: [{ criteria: [] }] })]), values: [value("rt", 5)] });
    expect(outcome.evaluation.indicatorResults?.[0]).toMatchObject({ status: "pass", score: 1, passTargets: null });
    expect(outcome.evaluation).toMatchObject({ result: "fail", score: 0 });
  });

  it("scores only-informational SLOs as pass 100, and a missing info value as info with no value", () => {
    const outcome = run({ slo: slo([objective("cpu", { pass: null })]), values: [] });
    expect(outcome.evaluation).toMatchObject({ result: "pass", score: 100 });
    expect(outcome.evaluation.indicatorResults?.[0]).toMatchObject({ status: "info", value: null, passTargets: [] });
  });

  it("uses an aggregate of 0 for an unknown aggregate function instead of skipping", () => {
    const outcome = run({
      slo: slo([objective("rt", { pass: [{ criteria: ["<=+10%"] }] })], {
        comparison: {
          compare_with: "single_result",
          include_result_with_score: "all",
          number_of_comparison_results: 1,
          aggregate_function: "median",
        },
      }),
      values: [value("rt", 1)],
      previous: [previous("a", { rt: 100 })],
    });
    expect(outcome.evaluation.indicatorResults?.[0]?.passTargets).toEqual([{ criteria: "<=+10%", targetValue: 0, violated: true }]);
  });

  it("reports the scoring error of a missing total_score as Keptn's errored outcome", () => {
    const outcome = run({ slo: slo([objective("rt")], { total_score: null }), values: [value("rt", 1)] });
    expect(outcome).toMatchObject({ status: "errored", result: "fail", message: "no target score defined", invalidConfig: true });
  });

  it("ends errored, as Keptn's refused datastore query did, for several_results with fewer than 1 result", () => {
    const outcome = run({
      slo: slo([objective("rt")], {
        comparison: {
          compare_with: "several_results",
          include_result_with_score: "all",
          number_of_comparison_results: -2,
          aggregate_function: "avg",
        },
      }),
      values: [value("rt", 1)],
    });
    expect(outcome).toMatchObject({
      status: "errored",
      result: "fail",
      message: "could not retrieve previous evaluation.finished events",
      invalidConfig: true,
    });
  });

  it("forces the event result to fail when retrieval reported a failure, keeping the computed evaluation", () => {
    const outcome = evaluate({
      slo: slo([objective("rt")]),
      sloFileContent: "",
      retrieval: { status: "succeeded", result: "fail", message: "one query timed out", indicatorValues: [value("rt", 1)] },
      previous: [],
      window: WINDOW,
    });
    expect(outcome).toMatchObject({ result: "fail", message: "lighthouse failed because SLI failed with message one query timed out" });
    expect(outcome.evaluation).toMatchObject({ result: "pass", score: 100 });
  });
});

describe("evaluate: the missing-sli extension", () => {
  const target = slo([objective("rt"), objective("errors"), objective("cpu", { pass: null })], {
    total_score: { pass: "50%", warning: "" },
  });

  it("under Keptn's rule a missing SLI can still leave the gate passing", () => {
    const outcome = run({ slo: target, values: [value("rt", 1), value("errors", 0, false, "query failed")] });
    expect(outcome.result).toBe("pass");
    expect(outcome.objectives[1]?.rule).toEqual({ kind: "sli-failed", reason: "query failed" });
  });

  it("with missing-sli: fail any SLI without a value fails the gate, informational ones included", () => {
    const failedValue = run({
      slo: target,
      values: [value("rt", 1), value("errors", 0, false, "query failed"), value("cpu", 3)],
      missingSli: "fail",
    });
    expect(failedValue).toMatchObject({
      result: "fail",
      message: "slogate failed the gate because these SLIs have no usable value (missing-sli: fail): errors",
    });
    const missingInfo = run({ slo: target, values: [value("rt", 1), value("errors", 1)], missingSli: "fail" });
    expect(missingInfo.result).toBe("fail");
    expect(missingInfo.message).toContain(": cpu");
    const complete = run({ slo: target, values: [value("rt", 1), value("errors", 1), value("cpu", 3)], missingSli: "fail" });
    expect(complete.result).toBe("pass");
  });
});

describe("percentile over n+1 positions", () => {
  it.each([
    [[5], 0.95, 5],
    [[1, 3], 0.5, 2],
    [[1, 3], 0.9, 3],
    [[3, 1, 2], 0.5, 2],
    [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5, 5],
    [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95, 10],
    [[10, 20, 30, 40], 0.1, 10],
  ])("%j at %d is %d", (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });
});
