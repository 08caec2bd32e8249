import type { SliRetrieval } from "../engine/evaluate.js";
import type { ExternalFailure } from "../http/external-error.js";
import type { WorkloadOutcome } from "../workload/workload-runner.js";

export interface SliWindow {
  start: string;
  end: string;
}

export interface SliRequest {
  /** SLI names in objective order (Keptn's `indicators`). */
  indicators: string[];
  window: SliWindow;
  /** The SLO's `filter`, forwarded as Keptn's customFilters. */
  filters: Record<string, string>;
  /** What `slogate run`'s load test measured, for the workload provider; absent outside a load test. */
  workload?: WorkloadOutcome;
  signal?: AbortSignal;
}

/** Why an SLI's backend could not be used: the kind of failure, and the reason without the SLI's query. */
export interface UnreachableSli {
  failure: ExternalFailure;
  reason: string;
}

/** What a provider found, plus what it knows about each value for reports. */
export interface SliAnswer extends SliRetrieval {
  /** The window the values describe, when the source states one (Keptn get-sli.finished start/end). */
  window?: Partial<SliWindow>;
  queries?: Record<string, string>;
  units?: Record<string, string>;
  /** Per-request samples behind an SLI (a load test's latencies), for the statistical comparison. */
  samples?: Record<string, number[]>;
  /** Labels and the project/stage/service a Keptn get-sli.finished event carried, passed on as Keptn did. */
  labels?: Record<string, string>;
  /**
   * SLIs without a value because the backend refused the credentials or did not answer (not for
   * want of data), by SLI: the gate then could not judge, which is not a failed verdict.
   */
  unreachable?: Record<string, UnreachableSli & { service: string }>;
  /**
   * SLIs read one value per series (`perSeries=true`): each such SLI's own SLIs, one per series,
   * with the series' name. The gate judges each by the SLI's objective.
   */
  perSeries?: Record<string, Array<{ sli: string; label: string }>>;
}

/** A source of SLI values. Stateless: configuration in the constructor, the window per call. */
export interface SliProvider {
  readonly id: string;
  fetch(request: SliRequest): Promise<SliAnswer>;
  /** Releases connections; called once the gate is done with the provider. */
  close?(): Promise<void>;
}
