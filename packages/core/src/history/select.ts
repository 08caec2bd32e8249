import type { Comparison, PreviousEvaluation } from "../engine/types.js";
import { SlogateError } from "../errors.js";
import { type BaselineFilter, matchesBaseline } from "./history-store.js";
import type { HistoryLine, StoredEvaluation } from "./records.js";

/** How many previous evaluations Keptn compares with: any unknown compare_with means 3. */
export function comparisonLimit(comparison: Comparison): number {
  if (comparison.compare_with === "single_result") return 1;
  if (comparison.compare_with === "several_results") return comparison.number_of_comparison_results;
  return 3;
}

/**
 * Keptn's include_result_with_score, applied to the event-level result (for a slogate result
 * capped at warning by an inconclusive comparison, the result it had before the cap).
 */
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
 * Takes evaluations newest first and keeps what Keptn's datastore query would return (filtered by
 * result, invalidated ones excluded, at most N), so a reader can stop as soon as it is done.
 */
export class NewestFirstSelector {
  private readonly kept: PreviousEvaluation[] = [];
  private readonly limit: number;
  private baselineEntry: StoredEvaluation | null = null;
  private reachedStart: boolean;

  constructor(
    private readonly comparison: Comparison,
    private readonly invalidations: Invalidations,
    private readonly baseline?: string,
    private readonly olderThan?: string,
    private readonly filter?: BaselineFilter,
  ) {
    this.limit = comparisonLimit(comparison);
    this.reachedStart = olderThan === undefined;
  }

  /** Returns true when nothing older can change the selection. */
  offer(entry: StoredEvaluation): boolean {
    if (!this.reachedStart) {
      // Newer results and the starting one itself are not its past.
      this.reachedStart = entry.id === this.olderThan;
      return false;
    }
    if (this.baseline !== undefined) {
      if (entry.id !== this.baseline) return false;
      this.baselineEntry = entry;
      return true;
    }
    if (this.kept.length >= this.limit) return true;
    if (this.filter && !matchesBaseline(entry, this.filter)) return false;
    if (!isInvalidated(this.invalidations, entry) && includesResult(this.comparison, entry.previous.result)) this.kept.push(entry.previous);
    return this.kept.length >= this.limit;
  }

  selected(): PreviousEvaluation[] {
    if (!this.reachedStart) {
      throw new SlogateError("NOT_FOUND", `result ${this.olderThan} is not in the history`, {
        suggestion: "Run `slogate history list` to see the stored result ids",
      });
    }
    if (this.baseline === undefined) return [...this.kept];
    if (!this.baselineEntry) {
      throw new SlogateError("NOT_FOUND", `baseline ${this.baseline} is not in the history`, {
        suggestion: "Run `slogate history list` to see the stored result ids",
      });
    }
    if (isInvalidated(this.invalidations, this.baselineEntry)) {
      throw new SlogateError("INVALID_INPUT", `baseline ${this.baseline} was invalidated`, {
        suggestion: "Pick another baseline from `slogate history list`",
      });
    }
    return [this.baselineEntry.previous];
  }
}

/** Selection over lines already in memory (oldest first, as stored). */
export function selectPrevious(lines: readonly HistoryLine[], comparison: Comparison, baseline?: string): PreviousEvaluation[] {
  const invalidations = emptyInvalidations();
  const selector = new NewestFirstSelector(comparison, invalidations, baseline);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] as HistoryLine;
    if (line.kind === "invalidation") noteInvalidation(invalidations, line);
    else if (selector.offer(line)) break;
  }
  return selector.selected();
}
