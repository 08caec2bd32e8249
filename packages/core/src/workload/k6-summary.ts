import { SlogateError } from "../errors.js";
import type { WorkloadOutcome } from "./workload-runner.js";

type Stats = Record<string, unknown>;

/** k6's statistic names that are times, in milliseconds in both summary formats. */
const TIME_STATS = /^(avg|min|med|max|p\(\d+(\.\d+)?\))$/;

/** Names every HTTP workload shares, taken from k6's own metrics when it has them. */
const SHARED_NAMES: Record<string, string> = {
  response_time_p50: "http_req_duration.med",
  response_time_p90: "http_req_duration.p(90)",
  response_time_p95: "http_req_duration.p(95)",
  response_time_p99: "http_req_duration.p(99)",
  response_time_avg: "http_req_duration.avg",
  error_rate: "http_req_failed.rate",
  throughput: "http_reqs.rate",
  requests: "http_reqs.count",
};

export interface K6Summary extends Pick<WorkloadOutcome, "metrics" | "units"> {
  /** Thresholds k6 reported as crossed, as `metric: expression`. */
  crossedThresholds: string[];
}

function crossed(thresholds: unknown): string[] {
  if (!thresholds || typeof thresholds !== "object") return [];
  return Object.entries(thresholds as Record<string, unknown>).flatMap(([expression, state]) => {
    // --summary-export: true when the threshold failed; handleSummary data: { ok: false }.
    const failed = typeof state === "boolean" ? state : (state as { ok?: boolean } | null)?.ok === false;
    return failed ? [expression] : [];
  });
}

/**
 * Reads k6's end-of-test summary: the `--summary-export` file or the data object handed to
 * `handleSummary` (saved as JSON). Each statistic becomes an SLI named `<metric>.<stat>`
 * (`http_req_duration.p(95)`, `http_req_failed.rate`, `checks.rate`, `iterations.rate`).
 */
export function parseK6Summary(text: string, file: string): K6Summary {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SlogateError("INVALID_INPUT", `k6 summary ${file} is not JSON: ${(error as Error).message}`, {
      suggestion: "Point slogate at the file k6 writes with --summary-export, or at handleSummary's data saved as JSON",
    });
  }
  const metricsNode = (data as { metrics?: unknown } | null)?.metrics;
  if (!metricsNode || typeof metricsNode !== "object") {
    throw new SlogateError("INVALID_INPUT", `k6 summary ${file} has no "metrics" object`, {
      suggestion: "Point slogate at the file k6 writes with --summary-export",
    });
  }
  const metrics: Record<string, number> = {};
  const units: Record<string, string> = {};
  const crossedThresholds: string[] = [];
  for (const [name, node] of Object.entries(metricsNode as Record<string, Stats>)) {
    if (!node || typeof node !== "object") continue;
    const summaryData = typeof node.values === "object" && node.values !== null;
    const stats = (summaryData ? node.values : node) as Stats;
    const isRate = summaryData ? node.type === "rate" : "passes" in stats && "fails" in stats;
    const isTime = summaryData ? node.contains === "time" : /duration|http_req_/.test(name);
    for (const [stat, value] of Object.entries(stats)) {
      if (typeof value !== "number") continue;
      // A Rate's share is `value` in --summary-export and `rate` in handleSummary data.
      const statName = isRate && stat === "value" ? "rate" : stat;
      metrics[`${name}.${statName}`] = value;
      if (isTime && TIME_STATS.test(statName)) units[`${name}.${statName}`] = "ms";
    }
    crossedThresholds.push(...crossed(node.thresholds).map((expression) => `${name}: ${expression}`));
  }
  for (const [shared, source] of Object.entries(SHARED_NAMES)) {
    const value = metrics[source];
    if (value === undefined) continue;
    metrics[shared] = value;
    const unit = units[source];
    if (unit) units[shared] = unit;
  }
  return { metrics, units, crossedThresholds };
}
