import type { Comparison, PreviousEvaluation } from "../engine/types.js";
import type { SlogateResult } from "../result/result.js";
import type { StoredEvaluation } from "./records.js";

export interface SelectionOptions {
  comparison: Comparison;
  /** Pin the comparison to this one stored result instead of Keptn's selection. */
  baseline?: string;
  /** Only results stored before this one count (re-scoring a stored run compares it with its past). */
  olderThan?: string;
  /** Only results of the same gate and code count: see `BaselineFilter`. */
  filter?: BaselineFilter;
}

/**
 * Which earlier results are this run's baseline. As Keptn's datastore query did, only results of
 * the same project, stage and service count; with a branch, only results of code on that branch —
 * a pull request is compared with the code it merges into, never with other pull requests. A
 * result that does not say (stored before results recorded their source, or a Keptn line) is
 * kept: it cannot be told apart.
 */
export interface BaselineFilter {
  labels: Record<string, string>;
  branch?: string;
}

/** The labels that tell one gate's results from another's in a shared history. */
const IDENTITY_LABELS = ["project", "stage", "service"] as const;

export function matchesBaseline(entry: { labels: Record<string, string>; branch: string | null }, filter: BaselineFilter): boolean {
  for (const key of IDENTITY_LABELS) {
    const wanted = filter.labels[key];
    const stored = entry.labels[key];
    if (wanted !== undefined && stored !== undefined && wanted !== stored) return false;
  }
  return filter.branch === undefined || entry.branch === null || entry.branch === filter.branch;
}

/** Where results are kept between runs. One implementation per backend (file, git branch, …). */
export interface HistoryStore {
  /** Where the history is kept, in words for messages (a path, a repository's branch). */
  readonly location: string;
  /** Every entry, oldest first, with invalidation marks applied. */
  list(): Promise<StoredEvaluation[]>;
  /** The previous evaluations the comparison needs, newest first, reading no more than that. */
  selectPrevious(options: SelectionOptions): Promise<PreviousEvaluation[]>;
  append(result: SlogateResult): Promise<void>;
  invalidate(id: string, reason: string, time: string): Promise<void>;
  /** Ends connections a remote store keeps open. */
  close?(): Promise<void>;
}
