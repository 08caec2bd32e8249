/**
 * The engine's vocabulary. Field names follow Keptn's slo.yaml and evaluation.finished JSON so a
 * value can travel between Keptn's shapes and ours without renaming.
 */

export type Verdict = "pass" | "warning" | "fail";
export type IndicatorStatus = Verdict | "info";
export type Operator = "<" | "<=" | "=" | ">=" | ">";

export interface CriteriaBlock {
  criteria: string[];
}

export interface Objective {
  sli: string;
  displayName: string;
  /** null: the key was absent; []: present but empty. Both make the objective informational. */
  pass: CriteriaBlock[] | null;
  warning: CriteriaBlock[] | null;
  weight: number;
  key_sli: boolean;
}

export interface Comparison {
  compare_with: string;
  include_result_with_score: string;
  number_of_comparison_results: number;
  aggregate_function: string;
}

export interface TotalScore {
  pass: string;
  warning: string;
}

/** An SLO after Keptn's defaults were applied (see `applyKeptnDefaults`). */
export interface Slo {
  spec_version: string;
  filter: Record<string, string> | null;
  comparison: Comparison;
  objectives: Objective[];
  total_score: TotalScore | null;
}

/** One value from an SLI provider, as in get-sli.finished `indicatorValues`. */
export interface SliResult {
  metric: string;
  value: number;
  success: boolean;
  message: string;
  comparedValue?: number;
}

export interface Target {
  criteria: string;
  targetValue: number;
  violated: boolean;
}

export interface IndicatorResult {
  score: number;
  status: IndicatorStatus;
  displayName: string;
  /** Keptn's flag, bug-compatible: stays false for a key SLI whose value failed. */
  keySli: boolean;
  value: (SliResult & { comparedValue: number }) | null;
  passTargets: Target[] | null;
  warningTargets: Target[] | null;
}

/** A previous evaluation the comparison may draw on, already selected (newest first). */
export interface PreviousEvaluation {
  id: string;
  /** Event-level result (Keptn `data.result`): what include_result_with_score filters on. */
  result: string;
  indicatorResults: Array<{ value: { metric: string; value: number; success: boolean } | null }> | null;
  /** Per-request samples the run kept, by SLI (for the statistical comparison). */
  samples?: Record<string, number[]>;
}

export interface KeySliState {
  failed: boolean;
  name: string;
  message: string;
}
