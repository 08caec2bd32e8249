import type { WorkloadOutcome } from "./workload-runner.js";

/** The percentiles every HTTP workload reports, as `response_time_p<n>` in milliseconds. */
export const RESPONSE_TIME_PERCENTILES = [50, 90, 95, 99] as const;

/** Client-side request measurements, as any HTTP load tool can report them. */
export interface RequestTally {
  requests: number;
  /** Non-2xx/3xx responses and transport errors. */
  errors: number;
  /** Seconds from the first request's start to the last one's end. */
  durationSeconds: number;
  /** Response time at each of RESPONSE_TIME_PERCENTILES, in milliseconds; absent without samples. */
  percentiles: Partial<Record<(typeof RESPONSE_TIME_PERCENTILES)[number], number>>;
  meanMs?: number;
  /** Responses by status code; `transport_errors` for requests that got none. */
  statusCounts?: Record<string, number>;
}

/** Fewer decimals than a float carries, so that reports and comparisons stay readable. */
function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * The SLI names of a request tally: `throughput` (requests/s), `error_rate` (0..1),
 * `response_time_p50/p90/p95/p99` (ms), `requests`, `errors`, `status_<code>`. With a suffix
 * (`:<label>`) for the per-label values of JMeter.
 */
export function requestMetrics(tally: RequestTally, suffix = ""): Pick<WorkloadOutcome, "metrics" | "units"> {
  const metrics: Record<string, number> = {};
  const units: Record<string, string> = {};
  const put = (name: string, value: number, unit: string) => {
    metrics[`${name}${suffix}`] = value;
    units[`${name}${suffix}`] = unit;
  };
  put("requests", tally.requests, "count");
  put("errors", tally.errors, "count");
  if (tally.requests > 0) put("error_rate", round(tally.errors / tally.requests, 6), "ratio");
  if (tally.durationSeconds > 0) put("throughput", round(tally.requests / tally.durationSeconds), "requests/s");
  for (const p of RESPONSE_TIME_PERCENTILES) {
    const value = tally.percentiles[p];
    if (value !== undefined) put(`response_time_p${p}`, round(value), "ms");
  }
  if (tally.meanMs !== undefined) put("response_time_avg", round(tally.meanMs), "ms");
  for (const [status, count] of Object.entries(tally.statusCounts ?? {})) put(`status_${status}`, count, "count");
  return { metrics, units };
}

/** Nearest-rank percentile of sorted values (the definition HDR histograms and JMeter use). */
export function percentileOfSorted(sorted: ArrayLike<number>, percentile: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** Per-request samples kept with a result: enough for rank tests, small enough for history. */
export const SAMPLE_CAPACITY = 500;

/**
 * A uniform random sample of a stream of values (reservoir sampling, algorithm R): every
 * request has the same chance to be kept, however long the test runs.
 */
export class Reservoir {
  private readonly kept: number[] = [];
  private seen = 0;

  constructor(
    private readonly capacity = SAMPLE_CAPACITY,
    private readonly random: () => number = Math.random,
  ) {}

  add(value: number): void {
    this.seen++;
    if (this.kept.length < this.capacity) this.kept.push(value);
    else {
      const slot = Math.floor(this.random() * this.seen);
      if (slot < this.capacity) this.kept[slot] = value;
    }
  }

  /** The kept values, in the order kept. */
  values(): readonly number[] {
    return this.kept;
  }

  /** The kept values, rounded to microseconds, as the response-time SLIs' samples. */
  responseTimeSamples(): Record<string, number[]> {
    if (this.kept.length === 0) return {};
    const values = this.kept.map((v) => Math.round(v * 1000) / 1000);
    return Object.fromEntries(
      [...RESPONSE_TIME_PERCENTILES.map((p) => `response_time_p${p}`), "response_time_avg"].map((name) => [name, values]),
    );
  }
}
