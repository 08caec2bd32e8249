import type { Comparison, PreviousEvaluation } from "../engine/types.js";
import { SlogateError } from "../errors.js";
import type { HistoryLine, StoredEvaluation } from "./records.js";

/** How many previous evaluations Keptn compares with: any unknown compare_with means 3. */
export function comparisonLimit(comparison: Comparison): number {
  if (comparison.compare_with === "single_result") return 1;
  if (comparison.compare_with === "several_results") return comparison.number_of_comparison_results;
  return 3;
}

/** Keptn's include_result_with_score, applied to the event-level result. */
export function includesResult(comparison: Comparison, result: string): boolean {
  switch (comparison.include_result_with_score.toLowerCase()) {
    case "pass":
      return result === "pass";
    case "pass_or_warn":
      return result === "pass" || result === "warning";
    default:
      return true;
  }
}

/** Ids and Keptn triggeredids withdrawn by invalidation lines. */
export interface Invalidations {
  ids: Set<string>;
  triggeredIds: Set<string>;
}

export function emptyInvalidations(): Invalidations {
  return { ids: new Set(), triggeredIds: new Set() };
}

export function noteInvalidation(invalidations: Invalidations, line: HistoryLine): void {
  if (line.kind !== "invalidation") return;
  (line.byTriggeredId ? invalidations.triggeredIds : invalidations.ids).add(line.target);
}

export function isInvalidated(invalidations: Invalidations, entry: StoredEvaluation): boolean {
  return invalidations.ids.has(entry.id) || (entry.triggeredId !== null && invalidations.triggeredIds.has(entry.triggeredId));
}

/**
 * Keeps the newest N evaluations that Keptn's datastore query would return (filtered by result,
 * invalidated ones excluded) while entries stream past oldest first: memory stays at N entries.
 */
export class PreviousSelector {
  private readonly kept: PreviousEvaluation[] = [];
  private readonly limit: number;
  private baselineFound: PreviousEvaluation | null = null;
  private baselineInvalidated = false;

  constructor(
    private readonly comparison: Comparison,
    private readonly invalidations: Invalidations,
    private readonly baseline?: string,
  ) {
    this.limit = comparisonLimit(comparison);
  }

  offer(entry: StoredEvaluation): void {
    if (this.baseline !== undefined) {
      if (entry.id === this.baseline) {
        this.baselineFound = entry.previous;
        this.baselineInvalidated = isInvalidated(this.invalidations, entry);
      }
      return;
    }
    if (isInvalidated(this.invalidations, entry) || !includesResult(this.comparison, entry.result)) return;
    this.kept.push(entry.previous);
    // Trim in batches so a long history costs amortised O(1) per entry.
    if (this.kept.length >= 2 * this.limit + 64) this.kept.splice(0, this.kept.length - this.limit);
  }

  /** Newest first, as Keptn hands them to the evaluator. */
  selected(): PreviousEvaluation[] {
    if (this.baseline !== undefined) {
      if (!this.baselineFound) {
        throw new SlogateError("NOT_FOUND", `baseline ${this.baseline} is not in the history`, {
          suggestion: "Run `slogate history list` to see the stored result ids",
        });
      }
      if (this.baselineInvalidated) {
        throw new SlogateError("INVALID_INPUT", `baseline ${this.baseline} was invalidated`, {
          suggestion: "Pick another baseline from `slogate history list`",
        });
      }
      return [this.baselineFound];
    }
    return this.kept.slice(-Math.max(this.limit, 0)).reverse();
  }
}

/** Selection over entries already in memory (oldest first). */
export function selectPrevious(lines: readonly HistoryLine[], comparison: Comparison, baseline?: string): PreviousEvaluation[] {
  const invalidations = emptyInvalidations();
  for (const line of lines) noteInvalidation(invalidations, line);
  const selector = new PreviousSelector(comparison, invalidations, baseline);
  for (const line of lines) if (line.kind === "evaluation") selector.offer(line);
  return selector.selected();
}
