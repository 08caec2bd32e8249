import type { EvaluationOutcome, EvaluationStatus } from "../engine/evaluate.js";
import { NO_VALUE_MESSAGE, type ObjectiveOutcome } from "../engine/objectives.js";
import type { StatisticalFinding } from "../engine/statistical.js";
import type { IndicatorStatus, SliResult, Target, Verdict } from "../engine/types.js";
import { explainRule } from "./explain.js";

export const RESULT_SCHEMA_VERSION = 1;

/** One objective in a stored result: what was measured, against what, and why it scored so. */
export interface ObjectiveResult {
  sli: string;
  displayName: string;
  value: number | null;
  unit: string | null;
  success: boolean;
  status: IndicatorStatus;
  score: number;
  weight: number;
  keySli: boolean;
  passTargets: Target[];
  warningTargets: Target[];
  comparedValue: number | null;
  /** Ids of the previous results whose values make up comparedValue. */
  comparedWith: string[];
  query: string | null;
  error: string | null;
  /** The rule that decided the status, in words. */
  explanation: string;
  /** The statistical comparison's findings (evaluation.comparison: statistical). */
  statistics?: StatisticalFinding[];
  /** Per-request samples kept for later statistical comparisons (bounded reservoir). */
  samples?: number[];
  /** Why the statistical comparison could not decide this objective. */
  inconclusive?: string;
}

/** A slogate result: the `--report-json` document and one line of a history file. */
export interface SlogateResult {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  id: string;
  time: string;
  window: { start: string; end: string };
  labels: Record<string, string>;
  result: Verdict;
  status: EvaluationStatus;
  score: number;
  message: string;
  comparedEvents: string[];
  objectives: ObjectiveResult[];
  /** Where the run happened (CI platform, branch, commit, event, run URL), so later runs can pick their baseline by it. */
  source?: ResultSource;
  /**
   * The result before inconclusive objectives capped it at warning; history selects baselines by
   * it (include_result_with_score), so runs the comparison could not judge still become baselines.
   */
  uncappedResult?: Verdict;
  /** SLIs read one value per series, and the SLI each series became: what a replay needs to judge them again. */
  perSeries?: Record<string, Array<{ sli: string; label: string }>>;
}

/** The code and the run a result came from. */
export interface ResultSource {
  platform: string;
  branch?: string;
  commit?: string;
  event?: string;
  pullRequest?: string;
  runUrl?: string;
}

export interface ResultMetadata {
  id: string;
  time: string;
  labels: Record<string, string>;
  /** Resolved provider queries and units per SLI, where the provider knows them. */
  queries?: Record<string, string>;
  units?: Record<string, string>;
  /** Per-request samples to keep with the result, by SLI. */
  samples?: Record<string, number[]>;
  source?: ResultSource;
  perSeries?: Record<string, Array<{ sli: string; label: string }>>;
}

function objectiveResult(outcome: ObjectiveOutcome, metadata: ResultMetadata): ObjectiveResult {
  const { objective, indicator } = outcome;
  const value = indicator.value;
  let error: string | null = null;
  if (value === null) error = NO_VALUE_MESSAGE;
  else if (!value.success) error = value.message || NO_VALUE_MESSAGE;
  return {
    sli: objective.sli,
    displayName: objective.displayName,
    value: value?.success ? value.value : null,
    unit: metadata.units?.[objective.sli] ?? null,
    success: value?.success ?? false,
    status: indicator.status,
    score: indicator.score,
    weight: objective.weight,
    keySli: objective.key_sli,
    passTargets: indicator.passTargets ?? [],
    warningTargets: indicator.warningTargets ?? [],
    comparedValue: outcome.comparedWith.length > 0 && value ? value.comparedValue : null,
    comparedWith: outcome.comparedWith,
    query: metadata.queries?.[objective.sli] ?? null,
    error,
    explanation: explainRule(outcome),
    ...(outcome.statistics ? { statistics: outcome.statistics } : {}),
    ...(metadata.samples?.[objective.sli] ? { samples: metadata.samples[objective.sli] } : {}),
    ...(outcome.inconclusive ? { inconclusive: outcome.inconclusive } : {}),
  };
}

export function buildResult(outcome: EvaluationOutcome, metadata: ResultMetadata): SlogateResult {
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    id: metadata.id,
    time: metadata.time,
    window: { start: outcome.evaluation.timeStart, end: outcome.evaluation.timeEnd },
    labels: metadata.labels,
    result: outcome.result,
    status: outcome.status,
    score: outcome.evaluation.score,
    message: outcome.message,
    comparedEvents: outcome.evaluation.comparedEvents,
    objectives: outcome.objectives.map((objective) => objectiveResult(objective, metadata)),
    ...(metadata.source ? { source: metadata.source } : {}),
    ...(outcome.uncappedResult ? { uncappedResult: outcome.uncappedResult } : {}),
    ...(metadata.perSeries && Object.keys(metadata.perSeries).length > 0 ? { perSeries: metadata.perSeries } : {}),
  };
}

/**
 * Keptn's evaluation.finished `data`, for tools built around Keptn. Empty `message` and
 * `comparedEvents` are left out, as Keptn's JSON (omitempty) did.
 */
export function toKeptnFinishedData(outcome: EvaluationOutcome, labels: Record<string, string> = {}): Record<string, unknown> {
  const evaluation: Record<string, unknown> = {
    timeStart: outcome.evaluation.timeStart,
    timeEnd: outcome.evaluation.timeEnd,
    result: outcome.evaluation.result,
    score: outcome.evaluation.score,
    sloFileContent: outcome.evaluation.sloFileContent,
    indicatorResults:
      outcome.evaluation.indicatorResults?.map((indicator) => ({
        score: indicator.score,
        status: indicator.status,
        displayName: indicator.displayName,
        keySli: indicator.keySli,
        value: indicator.value === null ? null : keptnValue(indicator.value),
        passTargets: indicator.passTargets,
        warningTargets: indicator.warningTargets,
      })) ?? null,
  };
  if (outcome.evaluation.comparedEvents.length > 0) evaluation.comparedEvents = outcome.evaluation.comparedEvents;
  // Keptn's event data names the project, stage and service at the top level.
  const data: Record<string, unknown> = {};
  for (const key of ["project", "stage", "service"]) if (labels[key] !== undefined) data[key] = labels[key];
  Object.assign(data, { labels, status: outcome.status, result: outcome.result });
  if (outcome.message) data.message = outcome.message;
  data.evaluation = evaluation;
  return data;
}

/** Keptn's SLI value object, with `message` left out when empty (omitempty). */
function keptnValue(value: SliResult & { comparedValue: number }): Record<string, unknown> {
  const shaped: Record<string, unknown> = {
    metric: value.metric,
    value: value.value,
    comparedValue: value.comparedValue,
    success: value.success,
  };
  if (value.message) shaped.message = value.message;
  return shaped;
}
