import type { IndicatorStatus, Target } from "../engine/types.js";
import { baselineTargetOf } from "../result/baseline-target.js";
import { NO_EARLIER_RESULT, withoutEarlierResult } from "../result/first-run.js";
import { formatNumber } from "../result/format-number.js";
import type { ObjectiveResult, SlogateResult } from "../result/result.js";

/** Words and marks shared by the renderers, so every report says a status the same way. */
export const STATUS_MARK: Record<IndicatorStatus, string> = {
  pass: "✅",
  warning: "⚠️",
  fail: "❌",
  info: "ℹ️",
};

/** The verdict in one word; ERROR when the gate could not judge (never FAIL, which reads as a regression). */
export function verdictWord(result: Pick<SlogateResult, "result" | "status">): string {
  return result.status === "errored" ? "ERROR" : result.result.toUpperCase();
}

export function objectiveName(objective: ObjectiveResult): string {
  return objective.displayName || objective.sli;
}

export function valueText(objective: ObjectiveResult): string {
  if (objective.value === null) return objective.error ? "no value" : "–";
  return `${formatNumber(objective.value)}${objective.unit ? ` ${objective.unit}` : ""}`;
}

export function comparedText(objective: ObjectiveResult): string {
  if (objective.comparedValue === null) return "–";
  if (baselineTargetOf(objective.comparedWith) !== null) return `${formatNumber(objective.comparedValue)} (baseline)`;
  const runs = objective.comparedWith.length;
  return `${formatNumber(objective.comparedValue)} (${runs} run${runs === 1 ? "" : "s"})`;
}

/**
 * Each target as `✓ <=+10% → 532.987` (or `→ no earlier result …` on a first run); `code` wraps
 * the criterion (Markdown code span).
 */
export function targetsText(targets: readonly Target[], comparedWith: readonly string[], code = false): string {
  if (targets.length === 0) return "–";
  const criterion = (text: string) => (code ? `\`${text}\`` : text);
  return targets
    .map(
      (t) =>
        `${t.violated ? "✗" : "✓"} ${criterion(t.criteria)} ${withoutEarlierResult(t, comparedWith) ? `(${NO_EARLIER_RESULT})` : `→ ${formatNumber(t.targetValue)}`}`,
    )
    .join(", ");
}

export function scoreText(objective: ObjectiveResult): string {
  if (objective.status === "info") return "–";
  return `${formatNumber(objective.score)}/${objective.weight}`;
}

/** An objective's part of the total score, in words. */
export function scoreShare(objective: ObjectiveResult, totalWeight: number): string {
  if (objective.status === "info" || totalWeight === 0) return "not scored";
  return `${formatNumber(objective.score)} of weight ${objective.weight} = ${formatNumber((100 * objective.score) / totalWeight)}% of the total`;
}

/** The weight the scored (non-informational) objectives add up to. */
export function scoredWeight(objectives: readonly ObjectiveResult[]): number {
  return objectives.filter((o) => o.status !== "info").reduce((sum, o) => sum + o.weight, 0);
}
