import { randomUUID } from "node:crypto";
import type { CiContext } from "./ci/ci-context.js";
import { type Diagnostic, hasErrors } from "./config/diagnostics.js";
import type { SloReading } from "./config/load-slo.js";
import { DEFAULT_COMPARISON } from "./config/load-slo.js";
import { type EvaluationOutcome, evaluate, type MissingSliPolicy } from "./engine/evaluate.js";
import { objectivesPerSeries } from "./engine/per-series.js";
import { DEFAULT_STATISTICAL_SETTINGS, type StatisticalSettings } from "./engine/statistical.js";
import type { PreviousEvaluation } from "./engine/types.js";
import { isSlogateError } from "./errors.js";
import type { EventReceipt, EventSink } from "./events/event-sink.js";
import type { BaselineFilter, HistoryStore } from "./history/history-store.js";
import { recentRuns } from "./history/recent-runs.js";
import type { RecentRun } from "./report/report-renderer.js";
import { buildResult, type ResultSource, type SlogateResult, toKeptnFinishedData } from "./result/result.js";
import { judgeReachability } from "./sli/answer.js";
import type { SliProvider, SliWindow } from "./sli/sli-provider.js";
import { pairedComparison } from "./workload/paired-slices.js";
import type { WorkloadOutcome } from "./workload/workload-runner.js";

/** Everything a gate run needs, resolved from slogate.yaml and command-line options. */
export interface Plan {
  slo: SloReading & { file: string };
  provider: SliProvider;
  history: HistoryStore | null;
  storeHistory: boolean;
  labels: Record<string, string>;
  missingSli: MissingSliPolicy;
  /** The statistical comparison of relative criteria; null keeps Keptn's. */
  statistics?: StatisticalSettings | null;
  /** Where the gate's result is sent as an event; null sends none. */
  events?: EventSink | null;
  /** An event that cannot be delivered fails the run instead of warning. */
  eventsRequired?: boolean;
  context?: CiContext;
  /** Which earlier results are the baseline (the same gate's, the same branch's). */
  baselineFilter?: BaselineFilter;
  /** Problems found while loading; errors make the run refuse to store a result. */
  diagnostics: Diagnostic[];
}

export type GateProgress =
  | { phase: "retrieving"; indicators: number }
  | { phase: "comparing"; previous: number }
  | { phase: "evaluated"; result: string; score: number }
  | { phase: "stored"; id: string }
  | { phase: "event"; delivered: boolean; warnings: string[] };

export interface RunOptions {
  window: SliWindow;
  /** Let a window stated by the SLI source (Keptn get-sli.finished start/end) replace `window`. */
  windowFromValues?: boolean;
  baseline?: string;
  /** How many earlier runs to return for a heatmap (reads the whole history; 0: none). */
  recentRuns?: number;
  /** Compare only with results stored before this one (replaying a stored run). */
  olderThan?: string;
  /** What the load test before this gate measured, for the workload provider. */
  workload?: WorkloadOutcome;
  signal?: AbortSignal;
  onProgress?: (progress: GateProgress) => void;
  /** Injected for reproducible runs and tests. */
  now?: () => Date;
  newId?: () => string;
}

export interface GateRun {
  outcome: EvaluationOutcome;
  result: SlogateResult;
  /** Keptn's evaluation.finished `data` for the same evaluation. */
  keptn: Record<string, unknown>;
  /** True when the SLO itself is invalid: the verdict is Keptn's, but the exit status is 2. */
  invalidConfig: boolean;
  previous: PreviousEvaluation[];
  /** What became of the gate-result event, when one was sent. */
  event: EventReceipt | null;
  /** Earlier runs, oldest first, when asked for with `recentRuns`. */
  recent: RecentRun[];
  /** Why the result could not be stored, when it could not: the verdict stands, said with a warning. */
  notStored: string | null;
}

/** The code and run a result came from, as the CI context tells it. */
function resultSource(context: CiContext): ResultSource {
  const { platform, branch, commit, event, pullRequest, runUrl } = context;
  return Object.fromEntries(
    Object.entries({ platform, branch, commit, event, pullRequest, runUrl }).filter(([, value]) => value !== undefined),
  ) as unknown as ResultSource;
}

/** Runs a plan end to end: retrieve SLIs, select history, evaluate, store. */
export async function runGate(plan: Plan, options: RunOptions): Promise<GateRun> {
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  const slo = plan.slo.slo;
  const indicators = slo?.objectives.map((objective) => objective.sli) ?? [];
  options.onProgress?.({ phase: "retrieving", indicators: indicators.length });
  let answer: Awaited<ReturnType<SliProvider["fetch"]>>;
  try {
    answer = judgeReachability(
      await plan.provider.fetch({
        indicators,
        window: options.window,
        filters: slo?.filter ?? {},
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.workload ? { workload: options.workload } : {}),
      }),
    );
  } finally {
    await plan.provider.close?.();
  }
  const stated = options.windowFromValues && answer.window?.start && answer.window.end;
  const window = stated ? { start: answer.window?.start ?? "", end: answer.window?.end ?? "" } : options.window;
  // A paired load test compares with the baseline it loaded in the same moments, not with history.
  const paired = options.workload?.baseline ? pairedComparison(indicators, answer.queries ?? {}, options.workload.baseline) : null;
  const previous = paired
    ? [paired.previous]
    : plan.history && slo
      ? await plan.history.selectPrevious({
          comparison: slo.comparison ?? DEFAULT_COMPARISON,
          ...(options.baseline ? { baseline: options.baseline } : {}),
          ...(options.olderThan ? { olderThan: options.olderThan } : {}),
          ...(plan.baselineFilter ? { filter: plan.baselineFilter } : {}),
        })
      : [];
  options.onProgress?.({ phase: "comparing", previous: previous.length });
  const invalidSlo = hasErrors(plan.slo.diagnostics);
  const firstError = plan.slo.diagnostics.find((d) => d.severity === "error");
  // A split SLI answered one value per series: its objective is judged per series.
  const judged = slo && answer.perSeries ? objectivesPerSeries(slo, answer.perSeries) : slo;
  const outcome = evaluate({
    slo: judged,
    ...(firstError ? { sloError: firstError.message } : {}),
    sloFileContent: plan.slo.sloFileContent,
    retrieval: answer,
    previous,
    window,
    missingSli: plan.missingSli,
    ...(plan.statistics || paired
      ? {
          statistics: {
            settings: plan.statistics ?? DEFAULT_STATISTICAL_SETTINGS,
            samples: answer.samples ?? {},
            ...(paired ? { paired: paired.paired } : {}),
          },
        }
      : {}),
  });
  // Labels the values arrived with (Keptn's get-sli.finished) come first; the plan's own win.
  const labels = { ...(answer.labels ?? {}), ...plan.labels };
  const result = buildResult(outcome, {
    id: newId(),
    time: now().toISOString(),
    labels,
    ...(answer.queries ? { queries: answer.queries } : {}),
    ...(answer.units ? { units: answer.units } : {}),
    ...(plan.context && plan.context.platform !== "local" ? { source: resultSource(plan.context) } : {}),
    // Samples are kept for later comparisons only where the statistical comparison uses them.
    ...(plan.statistics && answer.samples ? { samples: answer.samples } : {}),
    ...(answer.perSeries ? { perSeries: answer.perSeries } : {}),
  });
  options.onProgress?.({ phase: "evaluated", result: result.result, score: result.score });
  const invalidConfig = invalidSlo || outcome.invalidConfig || hasErrors(plan.diagnostics);
  const recent = plan.history && (options.recentRuns ?? 0) > 0 ? recentRuns(await plan.history.list(), options.recentRuns ?? 0) : [];
  let notStored: string | null = null;
  if (plan.history && plan.storeHistory && !invalidConfig) {
    try {
      await plan.history.append(result);
      options.onProgress?.({ phase: "stored", id: result.id });
    } catch (error) {
      // A history that refuses the result (a read-only token, a held lock) must not cost the verdict.
      if (!isSlogateError(error) || (error.code !== "HISTORY_IO" && error.code !== "HISTORY_LOCKED")) throw error;
      notStored = `${error.message}${error.suggestion ? `. ${error.suggestion}` : ""}`;
    }
  }
  let event: EventReceipt | null = null;
  if (plan.events && !invalidConfig) {
    try {
      event = await plan.events.send({
        event: { kind: "gate-result", result },
        context: plan.context ?? { platform: "local" },
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } finally {
      await plan.events.close?.();
    }
    options.onProgress?.({ phase: "event", delivered: event.delivered, warnings: event.warnings });
  }
  await plan.history?.close?.();
  return { outcome, result, keptn: toKeptnFinishedData(outcome, labels), invalidConfig, previous, event, recent, notStored };
}
