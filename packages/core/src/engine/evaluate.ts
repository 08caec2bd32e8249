import { evaluateObjectives, type ObjectiveOutcome } from "./objectives.js";
import { calculateScore } from "./score.js";
import { applyStatistics, type StatisticalInput } from "./statistical.js";
import type { IndicatorResult, PreviousEvaluation, SliResult, Slo, Verdict } from "./types.js";

/** What an SLI provider answered, shaped like Keptn's get-sli.finished `data`. */
export interface SliRetrieval {
  /** `succeeded`, or `aborted` / `errored` when retrieval as a whole broke down. */
  status: string;
  /** `fail` when the provider reports that some values could not be fetched. */
  result: string;
  message: string;
  indicatorValues: SliResult[];
}

/** What to do when an SLI has no usable value. Keptn's rule is the default. */
export type MissingSliPolicy = "keptn" | "fail";

export interface EvaluationInput {
  /** null when the SLO file could not be read as an SLO; `sloError` then says why. */
  slo: Slo | null;
  sloError?: string;
  /** Base64 of the raw slo.yaml text, reported as Keptn's `sloFileContent`. */
  sloFileContent: string;
  retrieval: SliRetrieval;
  /** Previous evaluations, already selected for comparison, newest first. */
  previous: readonly PreviousEvaluation[];
  window: { start: string; end: string };
  missingSli?: MissingSliPolicy;
  /** The statistical comparison of relative criteria (an extension; Keptn's is the default). */
  statistics?: StatisticalInput;
}

export type EvaluationStatus = "succeeded" | "errored";

/**
 * The outcome of one evaluation: Keptn's evaluation.finished `data` fields, plus the deciding
 * rule of each objective. `invalidConfig` marks outcomes caused by the SLO itself.
 */
export interface EvaluationOutcome {
  status: EvaluationStatus;
  result: Verdict;
  message: string;
  evaluation: {
    timeStart: string;
    timeEnd: string;
    result: Verdict;
    score: number;
    sloFileContent: string;
    comparedEvents: string[];
    indicatorResults: IndicatorResult[] | null;
  };
  objectives: ObjectiveOutcome[];
  invalidConfig: boolean;
  /**
   * Set when inconclusive objectives capped the result at warning: the result the gate would have
   * had otherwise. Such a run still counts as that result where history selects baselines
   * (include_result_with_score), so a new history grows baselines instead of warning forever.
   */
  uncappedResult?: Verdict;
}

function erroredOutcome(
  input: EvaluationInput,
  message: string,
  overrides: Partial<EvaluationOutcome["evaluation"]> = {},
): EvaluationOutcome {
  return {
    status: "errored",
    result: "fail",
    message,
    evaluation: {
      timeStart: input.window.start,
      timeEnd: input.window.end,
      result: "fail",
      score: 0,
      sloFileContent: input.sloFileContent,
      comparedEvents: [],
      indicatorResults: null,
      ...overrides,
    },
    objectives: [],
    invalidConfig: false,
  };
}

/** Keptn's message for an errored SLI retrieval, before the retrieval's own message. */
export const ERRORED_RETRIEVAL = "evaluation performed by lighthouse received an unexpected error: ";

/**
 * Runs one evaluation with Keptn's rules (lighthouse-service `processGetSliFinishedEvent`,
 * 1.x-final), in Keptn's order of checks. Pure: time, ids and history arrive as data.
 */
export function evaluate(input: EvaluationInput): EvaluationOutcome {
  const { retrieval } = input;
  if (retrieval.status === "aborted") {
    // Keptn leaves evaluation.result at its initial "pass" here; the event result is what counts.
    return erroredOutcome(input, "evaluation performed by lighthouse was aborted", { result: "pass", sloFileContent: "" });
  }
  if (retrieval.status === "errored") {
    return erroredOutcome(input, `${ERRORED_RETRIEVAL}${retrieval.message}`, {
      result: "pass",
      sloFileContent: "",
    });
  }
  if (input.slo === null) {
    return { ...erroredOutcome(input, input.sloError ?? "could not parse SLO file", { sloFileContent: "" }), invalidConfig: true };
  }
  const slo = input.slo;
  if (
    slo.comparison.compare_with === "several_results" &&
    (slo.comparison.number_of_comparison_results < 1 || slo.comparison.number_of_comparison_results > 100)
  ) {
    // Keptn's datastore refuses a limit below 1, and lighthouse reports the failed query.
    return { ...erroredOutcome(input, "could not retrieve previous evaluation.finished events"), invalidConfig: true };
  }
  const comparedEvents = input.previous.map((evaluation) => evaluation.id);
  const keptnObjectives = evaluateObjectives(slo, retrieval.indicatorValues, input.previous);
  const objectives = input.statistics ? applyStatistics(keptnObjectives, input.previous, input.statistics) : keptnObjectives;
  const base = {
    timeStart: input.window.start,
    timeEnd: input.window.end,
    sloFileContent: input.sloFileContent,
    comparedEvents,
  };
  if (objectives.error !== null) {
    return {
      status: "succeeded",
      result: "fail",
      message: objectives.error,
      evaluation: { ...base, result: "fail", score: 0, indicatorResults: null },
      objectives: [],
      invalidConfig: true,
    };
  }
  const score = calculateScore(objectives.maxScore, objectives.indicators, slo.total_score, objectives.keySli);
  if ("error" in score) {
    return { ...erroredOutcome(input, score.error), invalidConfig: true };
  }
  let result = score.eventResult;
  let message = score.message ?? objectives.message;
  if (slo.objectives.length === 0) {
    result = "fail";
    message = "lighthouse failed because no SLO objective was provided";
  } else if (retrieval.result === "fail") {
    result = "fail";
    message = `lighthouse failed because SLI failed with message ${retrieval.message}`;
  }
  const outcome: EvaluationOutcome = {
    status: "succeeded",
    result,
    message,
    evaluation: { ...base, result: score.evaluationResult, score: score.score, indicatorResults: objectives.indicators },
    objectives: objectives.outcomes,
    invalidConfig: false,
  };
  const judged = input.missingSli === "fail" ? failOnMissingSli(outcome) : outcome;
  return capInconclusive(judged);
}

/**
 * An objective the statistical comparison could not decide keeps the points of its better status,
 * so noise alone never fails a build; the gate then says warning, never pass, and names why.
 */
function capInconclusive(outcome: EvaluationOutcome): EvaluationOutcome {
  const undecided = outcome.objectives.filter((objective) => objective.inconclusive !== undefined);
  if (undecided.length === 0 || outcome.result !== "pass") return outcome;
  const names = undecided.map((objective) => objective.objective.displayName || objective.objective.sli).join(", ");
  return {
    ...outcome,
    result: "warning",
    message: `Evaluation returned a warning: the statistical comparison could not decide ${names} (evaluation.statistics.inconclusive: fail makes such an objective fail instead)`,
    evaluation: { ...outcome.evaluation, result: "warning" },
    uncappedResult: outcome.result,
  };
}

/**
 * The `missing-sli: fail` extension: any objective without a usable value fails the gate, including
 * informational ones, which Keptn would report as info with no value.
 */
function failOnMissingSli(outcome: EvaluationOutcome): EvaluationOutcome {
  const missing = outcome.objectives.filter((o) => o.indicator.value === null || !o.indicator.value.success);
  if (missing.length === 0 || outcome.result === "fail") return outcome;
  const names = missing.map((o) => o.objective.sli).join(", ");
  return {
    ...outcome,
    result: "fail",
    message: `slogate failed the gate because these SLIs have no usable value (missing-sli: fail): ${names}`,
  };
}
