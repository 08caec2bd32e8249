import type { Comparison, PreviousEvaluation } from "../engine/types.js";
import type { SlogateResult } from "../result/result.js";
import type { StoredEvaluation } from "./records.js";

export interface SelectionOptions {
  comparison: Comparison;
  /** Pin the comparison to this one stored result instead of Keptn's selection. */
  baseline?: string;
  /** Only results stored before this one count (re-scoring a stored run compares it with its past). */
  olderThan?: string;
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
}
