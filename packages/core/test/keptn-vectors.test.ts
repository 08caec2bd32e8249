import { describe, expect, it } from "vitest";
import { readSloText } from "../src/config/load-slo.js";
import { aggregatePrevious, percentile, previousValuesFor } from "../src/engine/aggregate.js";
import { type Criterion, compareValue, parseCriteria, relativeTarget } from "../src/engine/criteria.js";
import { evaluate } from "../src/engine/evaluate.js";
import { evaluateCriteriaList, evaluateObjectives, takeSliResult } from "../src/engine/objectives.js";
import { calculateScore } from "../src/engine/score.js";
import type { Comparison, IndicatorResult, PreviousEvaluation, SliResult, Slo } from "../src/engine/types.js";
import { resolveWindow } from "../src/window.js";
import { KEPTN_VECTORS, readJson } from "./support.js";

// The public half of the vectors transcribed from Keptn's Go tests; the rules are in
// ../shared/reference/keptn-slo-semantics.md. Every section runs, every case must pass.
// biome-ignore lint/suspicious/noExplicitAny: vectors are external JSON, read field by field as each section defines them
type Vector = Record<string, any>;
const vectors = readJson<Record<string, Vector[]>>(KEPTN_VECTORS);

function cases(section: string): Array<[string, Vector]> {
  const list = vectors[section];
  if (!Array.isArray(list) || list.length === 0) throw new Error(`no vectors in ${section}`);
  return list.map((vector, index) => [`${index + 1}: ${vector.name ?? vector.criteria}`, vector]);
}

function defaultedSlo(slo: Vector): Slo {
  return {
    spec_version: slo.spec_version ?? "",
    filter: slo.filter ?? null,
    comparison: slo.comparison,
    objectives: (slo.objectives ?? []).map((o: Vector) => ({
      sli: o.sli,
      displayName: o.displayName ?? "",
      pass: o.pass ?? null,
      warning: o.warning ?? null,
      weight: o.weight,
      key_sli: o.key_sli ?? false,
    })),
    total_score: slo.total_score ?? null,
  };
}

function previousOf(list: Vector[] | null): PreviousEvaluation[] {
  return (list ?? []).map((p, index) => ({ id: p.id ?? `previous-${index}`, result: p.result, indicatorResults: p.indicatorResults }));
}

/** Indicator results given directly (not wrapped in an evaluation) as one previous evaluation. */
function previousFromResults(results: Vector[] | null): PreviousEvaluation[] {
  return results === null ? [] : [{ id: "previous", result: "pass", indicatorResults: results as PreviousEvaluation["indicatorResults"] }];
}

function expectedIndicators(indicators: Vector[] | null): IndicatorResult[] | null {
  return indicators === null ? null : indicators.map(({ metric: _metric, ...rest }) => rest as IndicatorResult);
}

describe("Keptn vectors: criteria", () => {
  it.each(cases("criteria_parsing_cases"))("parses %s", (_name, vector) => {
    expect(parseCriteria(vector.criteria)).toEqual(vector.expected);
  });

  it.each(cases("operator_cases"))("compares %s", (_name, vector) => {
    if (vector.expected.error) {
      expect(() => compareValue(vector.measured, vector.target, vector.operator)).toThrow(vector.expected.error);
    } else {
      expect(compareValue(vector.measured, vector.target, vector.operator)).toBe(vector.expected.result);
    }
  });

  it.each(cases("fixed_threshold_cases"))("fixed threshold %s", (_name, vector) => {
    const criterion = vector.criteria_object as Criterion;
    expect(criterion.isComparison).toBe(false);
    expect(compareValue(vector.sli_result.value, criterion.value, criterion.operator)).toBe(vector.expected.result);
    expect(criterion.value).toBe(vector.expected.targetValue);
  });

  it.each(cases("comparison_cases"))("comparison %s", (_name, vector) => {
    const criterion = vector.criteria_object as Criterion;
    const aggregate = aggregatePrevious(
      previousValuesFor(vector.sli_result.metric, previousFromResults(vector.previous_results)),
      vector.comparison as Comparison,
    );
    const satisfied =
      aggregate.skip || compareValue(vector.sli_result.value, relativeTarget(criterion, aggregate.value), criterion.operator);
    expect(satisfied).toBe(vector.expected.result);
    // The derived string must parse back to the same criterion the Go test built by hand.
    expect(parseCriteria(vector.equivalent_criteria_string_DERIVED)).toEqual(criterion);
  });

  function contextFor(vector: Vector) {
    const sli = vector.sli_result as SliResult;
    return {
      value: { ...sli, comparedValue: 0 },
      previous: previousValuesFor(sli.metric, previousFromResults(vector.previous_results)),
      comparison: (vector.comparison ?? {
        compare_with: "",
        include_result_with_score: "",
        number_of_comparison_results: 0,
        aggregate_function: "avg",
      }) as Comparison,
    };
  }

  it.each(cases("single_criteria_cases"))("single criterion %s", (_name, vector) => {
    const outcome = evaluateCriteriaList([{ criteria: [vector.criteria] }], contextFor(vector));
    expect(outcome.satisfied).toBe(vector.expected.result);
  });

  it.each(cases("criteria_set_cases"))("criteria set %s", (_name, vector) => {
    const outcome = evaluateCriteriaList([{ criteria: vector.criteria }], contextFor(vector));
    expect(outcome.satisfied).toBe(vector.expected.result);
    expect(outcome.targets).toEqual(vector.expected.targets);
  });

  it.each(cases("or_combined_criteria_cases"))("OR-combined %s", (_name, vector) => {
    const outcome = evaluateCriteriaList(vector.criteria_blocks, contextFor(vector));
    expect(outcome.satisfied).toBe(vector.expected.result);
    expect(outcome.targets).toEqual(vector.expected.targets);
  });
});

describe("Keptn vectors: aggregation", () => {
  it.each(cases("aggregation_cases"))("aggregates %s", (_name, vector) => {
    const values = previousValuesFor("my-test-metric", previousFromResults(vector.previous_results));
    const aggregate = aggregatePrevious(values, vector.comparison);
    expect({ value: aggregate.value, skip: aggregate.skip }).toEqual(vector.expected);
  });

  it.each(cases("percentile_cases"))("percentile %s", (_name, vector) => {
    expect(percentile(vector.values, vector.percentile)).toBe(vector.expected);
  });

  it.each(cases("sli_lookup_cases"))("SLI lookup %s", (_name, vector) => {
    const results = structuredClone(vector.results) as SliResult[];
    expect(takeSliResult(results, vector.sli)).toEqual(vector.expected.found);
    expect(results).toHaveLength(vector.expected.remaining_count);
  });
});

describe("Keptn vectors: slo.yaml parsing", () => {
  it.each(cases("slo_parsing_cases"))("parses %s", (_name, vector) => {
    const reading = readSloText(vector.yaml, "slo.yaml");
    expect(reading.diagnostics).toEqual([]);
    expect(reading.slo).toEqual(vector.expected);
  });
});

describe("Keptn vectors: objectives and score", () => {
  const objectiveCases = cases("evaluation_cases").filter(([, v]) => v.level === "evaluateObjectives");
  it.each(objectiveCases)("evaluates objectives %s", (_name, vector) => {
    const slo = defaultedSlo(vector.slo);
    const outcome = evaluateObjectives(slo, structuredClone(vector.sli_results), previousOf(vector.previous_evaluations));
    expect(outcome.indicators).toEqual(expectedIndicators(vector.expected.indicators));
    expect(outcome.maxScore).toBe(vector.expected.maximum_achievable_score);
    expect(outcome.keySli.failed).toBe(vector.expected.key_sli_failed);
    expect(outcome.message).toBe(vector.expected.message);
    expect(outcome.error).toBe(vector.expected.error);
    if (vector.expected.evaluation_result !== undefined) {
      const whole = evaluate({
        slo,
        sloFileContent: "",
        retrieval: {
          status: vector.get_sli.status ?? "succeeded",
          result: vector.get_sli.result ?? "pass",
          message: "",
          indicatorValues: vector.sli_results,
        },
        previous: previousOf(vector.previous_evaluations),
        window: { start: vector.get_sli.start, end: vector.get_sli.end },
      });
      expect(whole.evaluation.result).toBe(vector.expected.evaluation_result);
      expect(whole.evaluation.score).toBe(vector.expected.evaluation_score);
      expect(whole.result).toBe(vector.expected.event_result);
    }
  });

  it.each(cases("score_cases"))("scores %s", (_name, vector) => {
    const input = vector.input;
    const outcome = calculateScore(input.maximum_achievable_score, input.indicator_results, input.total_score, {
      failed: input.key_sli.failed,
      name: input.key_sli.name ?? "",
      message: input.key_sli.message ?? "",
    });
    if (vector.expected.error) {
      expect(outcome).toEqual({ error: vector.expected.error });
      return;
    }
    expect(outcome).toEqual({
      evaluationResult: vector.expected.evaluation_result,
      score: vector.expected.evaluation_score,
      eventResult: vector.expected.event_result,
      message: vector.expected.message === "" ? undefined : vector.expected.message,
    });
  });
});

describe("Keptn vectors: whole evaluations and event flow", () => {
  const fullCases = cases("evaluation_cases").filter(([, v]) => v.level === "full");
  it.each(fullCases)("evaluates %s", (_name, vector) => {
    const reading = readSloText(vector.slo_yaml, "slo.yaml");
    const outcome = evaluate({
      slo: reading.slo,
      sloFileContent: reading.sloFileContent,
      retrieval: {
        status: vector.get_sli.status,
        result: vector.get_sli.result,
        message: vector.get_sli.message,
        indicatorValues: vector.sli_results,
      },
      previous: previousOf(vector.previous_evaluations),
      window: { start: "2024-01-01T00:00:00.000Z", end: "2024-01-01T00:10:00.000Z" },
    });
    expect(outcome.evaluation.indicatorResults).toEqual(expectedIndicators(vector.expected.indicators));
    expect(outcome.evaluation.result).toBe(vector.expected.evaluation_result);
    expect(outcome.evaluation.score).toBe(vector.expected.evaluation_score);
    expect(outcome.status).toBe(vector.expected.event_status);
    expect(outcome.result).toBe(vector.expected.event_result);
    expect(outcome.evaluation.comparedEvents).toHaveLength(vector.expected.compared_events_count);
    expect(Buffer.from(outcome.evaluation.sloFileContent, "base64").toString("utf8")).toBe(vector.slo_yaml);
  });

  it.each(cases("event_flow_cases"))("event flow %s", (_name, vector) => {
    const reading = readSloText(vector.slo_yaml, "slo.yaml");
    const getSli = vector.get_sli_finished ?? { status: "succeeded", result: "pass", message: "", indicatorValues: [] };
    const firstError = reading.diagnostics.find((d) => d.severity === "error");
    const outcome = evaluate({
      slo: vector.slo_yaml === "invalid" ? null : reading.slo,
      ...(firstError ? { sloError: firstError.message } : {}),
      sloFileContent: reading.sloFileContent,
      retrieval: getSli,
      previous: previousOf(vector.previous_evaluations),
      window: { start: "", end: "" },
    });
    expect(outcome.status).toBe(vector.expected.event_status);
    expect(outcome.result).toBe(vector.expected.event_result);
    if (vector.expected.message !== undefined) expect(outcome.message).toBe(vector.expected.message);
    if (vector.expected.message_not_empty) expect(outcome.message).not.toBe("");
    if (vector.expected.evaluation_result !== undefined) expect(outcome.evaluation.result).toBe(vector.expected.evaluation_result);
    if (vector.expected.evaluation_score !== undefined) expect(outcome.evaluation.score).toBe(vector.expected.evaluation_score);
    if (vector.expected.sloFileContent !== undefined) expect(outcome.evaluation.sloFileContent).toBe(vector.expected.sloFileContent);
    if ("indicatorResults" in vector.expected) expect(outcome.evaluation.indicatorResults).toBe(vector.expected.indicatorResults);
    if ("comparedEvents" in vector.expected) expect(outcome.evaluation.comparedEvents).toEqual([]);
  });

  it.each(cases("evaluation_timeframe_cases"))("window %s", (_name, vector) => {
    const now = new Date("2026-01-01T12:00:00.000Z");
    const triggered = vector.evaluation_triggered;
    const request = {
      ...(triggered.evaluation?.start ? { start: triggered.evaluation.start } : {}),
      ...(triggered.evaluation?.end ? { end: triggered.evaluation.end } : {}),
      ...(triggered.evaluation?.timeframe ? { timeframe: triggered.evaluation.timeframe } : {}),
      ...(triggered.test ? { fallback: triggered.test } : {}),
    };
    if (vector.expected.error) {
      expect(() => resolveWindow(request, now)).toThrow(/timeframe/);
      return;
    }
    const window = resolveWindow(request, now);
    if (vector.expected.start.startsWith("now")) {
      expect(window).toEqual({ start: "2026-01-01T11:50:00.000Z", end: "2026-01-01T12:00:00.000Z" });
    } else {
      expect(window).toEqual({ start: vector.expected.start, end: vector.expected.end });
    }
  });
});
