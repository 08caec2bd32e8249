import { nearestKey } from "../config/suggest.js";
import type { SliResult } from "../engine/types.js";
import { backendAnswer, failedSli } from "./answer.js";
import type { SliAnswer, SliProvider, SliRequest } from "./sli-provider.js";

/** A query in sli.yaml that names a workload measurement instead of a backend query. */
export const WORKLOAD_QUERY_PREFIX = "workload:";

export function isWorkloadQuery(query: string): boolean {
  return query.startsWith(WORKLOAD_QUERY_PREFIX);
}

/**
 * SLIs the workload measured on the client side. An SLI's measurement is named by its sli.yaml
 * query (`workload:http_req_duration.p(95)`), else by the SLI's own name (`response_time_p95`).
 * A workload that did not complete gives no value: its numbers describe a partial test.
 */
export class WorkloadSliProvider implements SliProvider {
  readonly id = "workload";

  constructor(private readonly indicators: Record<string, string>) {}

  async fetch(request: SliRequest): Promise<SliAnswer> {
    const outcome = request.workload;
    const queries: Record<string, string> = {};
    const units: Record<string, string> = {};
    const samples: Record<string, number[]> = {};
    const results: SliResult[] = request.indicators.map((sli) => {
      const query = this.indicators[sli];
      const metric = query && isWorkloadQuery(query) ? query.slice(WORKLOAD_QUERY_PREFIX.length).trim() : sli;
      queries[sli] = `${WORKLOAD_QUERY_PREFIX}${metric}`;
      if (!outcome) return failedSli(sli, "no workload ran: workload SLIs come from `slogate run`");
      if (outcome.status !== "completed") {
        return failedSli(
          sli,
          `the ${outcome.runner} workload "${outcome.name}" ${outcome.status.replace("-", " ")}: ${outcome.reason ?? ""}`,
        );
      }
      const value = outcome.metrics[metric];
      if (value === undefined) {
        const near = nearestKey(metric, Object.keys(outcome.metrics));
        return failedSli(
          sli,
          `the ${outcome.runner} workload measured no ${JSON.stringify(metric)}${near ? `; did you mean ${JSON.stringify(near)}?` : ""}`,
        );
      }
      const unit = outcome.units[metric];
      if (unit) units[sli] = unit;
      const kept = outcome.samples?.[metric];
      if (kept) samples[sli] = kept;
      return { metric: sli, value, success: true, message: "" };
    });
    return { ...backendAnswer("the workload", results, queries), units, ...(Object.keys(samples).length > 0 ? { samples } : {}) };
  }
}
