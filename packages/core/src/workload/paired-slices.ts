import type { PairedSlice, StatisticalInput } from "../engine/statistical.js";
import type { PreviousEvaluation } from "../engine/types.js";
import { baselineTargetId } from "../result/baseline-target.js";
import { isWorkloadQuery, WORKLOAD_QUERY_PREFIX } from "../sli/workload-provider.js";
import { percentileOfSorted, Reservoir } from "./request-metrics.js";
import type { PairedBaseline } from "./workload-runner.js";

/** Response times kept per target and time slice: enough for the paired test, bounded per slice. */
const PER_SLICE = 128;

/**
 * The latencies of a candidate and a baseline loaded in the same moments, cut into time slices.
 * Drift that both targets share (a noisy neighbour, a CI runner's CPU steal) moves both sides of
 * a slice together, so comparing slice by slice cancels it.
 */
export class PairedSlices {
  private readonly slices: Array<{ candidate: Reservoir; baseline: Reservoir }> = [];

  constructor(
    private readonly startedAt: number,
    private readonly sliceMs: number,
  ) {}

  add(side: "candidate" | "baseline", at: number, latencyMs: number): void {
    const index = Math.max(0, Math.floor((at - this.startedAt) / this.sliceMs));
    let slice = this.slices[index];
    if (!slice) {
      slice = { candidate: new Reservoir(PER_SLICE), baseline: new Reservoir(PER_SLICE) };
      this.slices[index] = slice;
    }
    slice[side].add(latencyMs);
  }

  /** The slices in which both targets answered, oldest first. */
  result(): PairedSlice[] {
    return this.slices
      .filter((slice) => slice !== undefined)
      .map((slice) => ({ candidate: [...slice.candidate.values()], baseline: [...slice.baseline.values()] }))
      .filter((slice) => slice.candidate.length > 0 && slice.baseline.length > 0);
  }
}

/** Slices of about a sixtieth of the test, at least 200 ms: enough slices for the test, enough requests in each. */
export function sliceLength(durationMs: number | undefined): number {
  return durationMs === undefined ? 1000 : Math.max(200, durationMs / 60);
}

/** The statistic a response-time measurement is (`response_time_p95` → the 95th percentile), or null. */
export function responseTimeStatistic(metric: string): ((sorted: readonly number[]) => number) | null {
  if (metric === "response_time_avg") return (sorted) => sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  const percentile = /^response_time_p(\d+)$/.exec(metric)?.[1];
  if (percentile === undefined) return null;
  return (sorted) => percentileOfSorted(sorted, Number(percentile)) ?? Number.NaN;
}

/**
 * The baseline of a paired load test as the gate compares with it: one earlier result made of the
 * baseline target's measurements (so Keptn's compared value is the baseline's), and, for each
 * response-time SLI, the slices the paired test judges.
 */
export function pairedComparison(
  indicators: readonly string[],
  queries: Record<string, string>,
  baseline: PairedBaseline,
): { previous: PreviousEvaluation; paired: NonNullable<StatisticalInput["paired"]> } {
  const paired: NonNullable<StatisticalInput["paired"]> = {};
  const indicatorResults = indicators.map((sli) => {
    const query = queries[sli] ?? "";
    const metric = isWorkloadQuery(query) ? query.slice(WORKLOAD_QUERY_PREFIX.length) : sli;
    const statistic = responseTimeStatistic(metric);
    if (statistic) paired[sli] = { statistic, slices: baseline.slices };
    const value = baseline.metrics[metric];
    return { value: { metric: sli, value: value ?? 0, success: value !== undefined } };
  });
  return { previous: { id: baselineTargetId(baseline.target), result: "pass", indicatorResults }, paired };
}
