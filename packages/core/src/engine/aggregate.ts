import type { Comparison, PreviousEvaluation } from "./types.js";

/**
 * The previous values of one SLI and the evaluations they came from, in the order Keptn reads
 * them: evaluations newest first, within each the indicator results in order. Kept as parallel
 * arrays: a comparison over thousands of results touches millions of values.
 */
export interface PreviousSeries {
  evaluationIds: string[];
  values: number[];
  success: boolean[];
}

export interface Aggregate {
  value: number;
  /** True when nothing usable was found: relative criteria are then satisfied (Keptn rule). */
  skip: boolean;
  /** Ids of the evaluations whose values went into `value`. */
  sourceIds: string[];
}

const EMPTY_SERIES: PreviousSeries = { evaluationIds: [], values: [], success: [] };

/** Null values are skipped; the previous status is not looked at (Keptn filters on the evaluation's result only). */
export function previousValuesFor(sli: string, previous: readonly PreviousEvaluation[]): PreviousSeries {
  return indexPreviousValues(previous).get(sli) ?? EMPTY_SERIES;
}

/** The previous values of every SLI in one pass, in the same order `previousValuesFor` gives. */
export function indexPreviousValues(previous: readonly PreviousEvaluation[]): Map<string, PreviousSeries> {
  const index = new Map<string, PreviousSeries>();
  for (const evaluation of previous) {
    for (const indicator of evaluation.indicatorResults ?? []) {
      const value = indicator.value;
      if (!value) continue;
      let series = index.get(value.metric);
      if (!series) {
        series = { evaluationIds: [], values: [], success: [] };
        index.set(value.metric, series);
      }
      series.evaluationIds.push(evaluation.id);
      series.values.push(value.value);
      series.success.push(value.success);
    }
  }
  return index;
}

/** Keptn's `aggregateValues`: an unknown function yields 0 without skipping (a Keptn quirk). */
export function aggregatePrevious(series: PreviousSeries, comparison: Comparison | null): Aggregate {
  const numbers: number[] = [];
  const sourceIds: string[] = [];
  for (let i = 0; i < series.values.length; i++) {
    if (!series.success[i]) continue;
    numbers.push(series.values[i] as number);
    // Values of one evaluation sit next to each other, so a repeat is always the last id.
    const id = series.evaluationIds[i] as string;
    if (sourceIds[sourceIds.length - 1] !== id) sourceIds.push(id);
  }
  if (numbers.length === 0) return { value: 0, skip: true, sourceIds: [] };
  switch (comparison?.aggregate_function) {
    case "avg": {
      let sum = 0;
      for (const n of numbers) sum += n;
      return { value: sum / numbers.length, skip: false, sourceIds };
    }
    case "p50":
      return { value: percentile(numbers, 0.5), skip: false, sourceIds };
    case "p90":
      return { value: percentile(numbers, 0.9), skip: false, sourceIds };
    case "p95":
      return { value: percentile(numbers, 0.95), skip: false, sourceIds };
    default:
      return { value: 0, skip: false, sourceIds };
  }
}

/** Keptn's `calculatePercentile`: interpolation over n+1 positions. */
export function percentile(values: readonly number[], p: number): number {
  // Go's sort.Float64s puts NaN first; a plain a - b comparator would leave the order undefined.
  const sorted = Float64Array.from(values).sort();
  if (sorted.some(Number.isNaN)) sorted.sort((a, b) => (Number.isNaN(a) ? -1 : Number.isNaN(b) ? 1 : a - b));
  const n = sorted.length;
  const position = p * (n + 1);
  if (position < 1) return sorted[0] as number;
  if (position >= n) return sorted[n - 1] as number;
  const index = Math.floor(position);
  const lower = sorted[index - 1] as number;
  const upper = sorted[index] as number;
  return lower + (position - index) * (upper - lower);
}
