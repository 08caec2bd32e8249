import { formatGoFloat, parseGoFloat } from "./go-number.js";
import type { IndicatorResult, KeySliState, TotalScore, Verdict } from "./types.js";

export interface ScoreOutcome {
  evaluationResult: Verdict;
  score: number;
  eventResult: Verdict;
  /** Replaces the objectives' message when set (warning and fail); undefined keeps it (pass). */
  message: string | undefined;
}

export type ScoreError = "no target score defined" | "could not parse pass target percentage" | "could not parse warning target percentage";

/** `"90%"` → 90; one trailing `%` is removed and nothing is trimmed (Keptn's rule). */
export function parsePercentage(text: string): number | undefined {
  return parseGoFloat(text.endsWith("%") ? text.slice(0, -1) : text);
}

/** Keptn's `calculateScore` (1.x-final): thresholds inclusive, no rounding, a failed key SLI forces fail. */
export function calculateScore(
  maxScore: number,
  indicators: readonly IndicatorResult[] | null,
  totalScore: TotalScore | null,
  keySli: KeySliState,
): ScoreOutcome | { error: ScoreError } {
  if (!totalScore || totalScore.pass === "") return { error: "no target score defined" };
  const passPercent = parsePercentage(totalScore.pass);
  if (passPercent === undefined) return { error: "could not parse pass target percentage" };
  const hasWarning = totalScore.warning !== "";
  const warningPercent = hasWarning ? parsePercentage(totalScore.warning) : undefined;
  if (hasWarning && warningPercent === undefined) return { error: "could not parse warning target percentage" };

  if (maxScore === 0) return { evaluationResult: "pass", score: 100, eventResult: "pass", message: undefined };

  let achieved = 0;
  for (const indicator of indicators ?? []) {
    if (indicator.passTargets && indicator.passTargets.length > 0) achieved += indicator.score;
  }
  const score = 100.0 * (achieved / maxScore);

  if (score >= passPercent && !keySli.failed) {
    return { evaluationResult: "pass", score, eventResult: "pass", message: undefined };
  }
  if (hasWarning && warningPercent !== undefined && !keySli.failed) {
    if (score >= warningPercent) {
      return {
        evaluationResult: "warning",
        score,
        eventResult: "warning",
        message: `Evaluation returned a warning: the calculated score of ${formatGoFloat(score)} is close to the warning target value of ${formatGoFloat(warningPercent)}`,
      };
    }
    return {
      evaluationResult: "fail",
      score,
      eventResult: "fail",
      message: `Evaluation failed since the calculated score of ${formatGoFloat(score)} is below the warning value of ${formatGoFloat(warningPercent)}`,
    };
  }
  if (keySli.failed) {
    return {
      evaluationResult: "fail",
      score,
      eventResult: "fail",
      message: `Evaluation failed due to key_sli objective '${keySli.name}': ${keySli.message}`,
    };
  }
  return {
    evaluationResult: "fail",
    score,
    eventResult: "fail",
    message: `Evaluation failed since the calculated score of ${formatGoFloat(score)} is below the target value of ${formatGoFloat(passPercent)}`,
  };
}
