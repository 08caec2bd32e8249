import { AlphaSpending, lookAtRunningTest } from "../engine/sequential.js";
import type { Slo, Verdict } from "../engine/types.js";
import { isWorkloadQuery, WORKLOAD_QUERY_PREFIX } from "../sli/workload-provider.js";
import { responseTimeStatistic } from "./paired-slices.js";
import type { RunningTest } from "./workload-runner.js";

/**
 * The first tenth of a test is never judged: a service warming up (cold caches, a JIT, a pool
 * filling) answers slower than it will, and stopping on that would fail a good build.
 */
export const WARM_UP_FRACTION = 0.1;

/** Where the gate's SLIs come from: the provider each is routed to, and sli.yaml's queries. */
export interface SliRouting {
  defaultProvider: string;
  overrides: Record<string, string>;
  indicators: Record<string, string>;
}

/** The workload measurement an SLI is, or null when the SLI comes from a backend. */
export function workloadMeasurementOf(sli: string, routing: SliRouting): string | null {
  if ((routing.overrides[sli] ?? routing.defaultProvider) !== "workload") return null;
  const query = routing.indicators[sli];
  return query && isWorkloadQuery(query) ? query.slice(WORKLOAD_QUERY_PREFIX.length).trim() : sli;
}

/**
 * Fail-fast for a running load test: at each look, the SLO's objectives on the workload's
 * measurements so far, by the sequential test of engine/sequential.ts. Objectives on backend SLIs
 * (Dynatrace, Prometheus) are judged at the gate only: their data is not there during the test.
 */
export class FailFastWatch {
  /** The gate's result on the data so far, for progress lines; null before the first look. */
  running: Verdict | null = null;
  private readonly spending: AlphaSpending;

  constructor(
    private readonly slo: Slo,
    private readonly routing: SliRouting,
    alpha: number,
  ) {
    this.spending = new AlphaSpending(alpha);
  }

  /** True when the SLO has an objective fail-fast can judge during the test. */
  judgesAnything(): boolean {
    return this.slo.objectives.some((objective) => (objective.pass?.length ?? 0) > 0 && this.measurementOf(objective.sli) !== null);
  }

  readonly look = (test: RunningTest): string | null => {
    if (test.fraction < WARM_UP_FRACTION) return null;
    const fraction = Math.min(1, test.fraction);
    const look = lookAtRunningTest({
      slo: this.slo,
      measurementOf: (sli) => this.measurementOf(sli),
      pairedStatistic: (measurement) => (test.live.slices ? responseTimeStatistic(measurement) : null),
      live: test.live,
      spend: this.spending.available(fraction),
    });
    if (look.tested > 0) this.spending.commit(fraction);
    if (look.running !== null) this.running = look.running;
    return look.stop;
  };

  private measurementOf(sli: string): string | null {
    return workloadMeasurementOf(sli, this.routing);
  }
}
