import type { Comparison, PreviousEvaluation } from "./types.js";

/** One previous value of an SLI and the evaluation it came from. */
export interface PreviousValue {
  evaluationId: string;
  value: number;
  success: boolean;
}

export interface Aggregate {
  value: number;
  /** True when nothing usable was found: relative criteria are then satisfied (Keptn rule). */
  skip: boolean;
  /** Ids of the evaluations whose values went into `value`. */
  sourceIds: string[];
}

/**
 * The previous values of one SLI, in the order Keptn reads them: evaluations newest first, and
 * within each the indicator results in order. Null values are skipped; the previous status is not
 * looked at (Keptn filters on the evaluation's result only).
 */
export function previousValuesFor(sli: string, previous: readonly PreviousEvaluation[]): PreviousValue[] {
  const values: PreviousValue[] = [];
  for (const evaluation of previous) {
    for (const indicator of evaluation.indicatorResults ?? []) {
      const value = indicator.value;
      if (value && value.metric === sli) {
        values.push({ evaluationId: evaluation.id, value: value.value, success: value.success });
      }
    }
  }
  return values;
}

/** Keptn's `aggregateValues`: an unknown function yields 0 without skipping (a Keptn quirk). */
export function aggregatePrevious(values: readonly PreviousValue[], comparison: Comparison | null): Aggregate {
  const usable = values.filter((entry) => entry.success);
  if (usable.length === 0) return { value: 0, skip: true, sourceIds: [] };
  const numbers = usable.map((entry) => entry.value);
  const sourceIds = [...new Set(usable.map((entry) => entry.evaluationId))];
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
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const position = p * (n + 1);
  if (position < 1) return sorted[0] as number;
  if (position >= n) return sorted[n - 1] as number;
  const index = Math.floor(position);
  const lower = sorted[index - 1] as number;
  const upper = sorted[index] as number;
  return lower + (position - index) * (upper - lower);
}
