import type { Diagnostic } from "./config/diagnostics.js";
import { usageError } from "./errors.js";
import type { EventReceipt } from "./events/event-sink.js";
import type { GateRun } from "./gate.js";
import { runGate } from "./gate.js";
import { type GateCommand, type GateOptions, windowOf } from "./options.js";
import type { GateFacts } from "./outcome.js";
import { type LoadedPlan, loadPlan } from "./plan.js";
import { evaluationWindow } from "./window.js";
import type { WorkloadOutcome } from "./workload/workload-runner.js";

/** A gate as a surface (the CLI, a CI adapter) asks for it: its options, where it runs, where its lines go. */
export interface PipelineGateRequest {
  mode: GateCommand;
  options: GateOptions;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Earlier runs for the reports' heatmaps. */
  recentRuns?: number;
  signal?: AbortSignal;
  /** Each finding in the configuration, once, before the run. */
  onDiagnostic?: (diagnostic: Diagnostic) => void;
  onWarning?: (message: string) => void;
  /** Settle waits and other long work; `done` ends a live line. */
  onProgress?: (message: string, done?: boolean) => void;
  /** Load-test lines: the tool's output, periodic progress, the outcome. */
  log: (line: string) => void;
  /** Load-test progress on a terminal (one live line); without it, `log` gets a line every 5 s. */
  onWorkloadProgress?: (line: string) => void;
  now?: () => Date;
}

export interface PipelineGate {
  loaded: LoadedPlan;
  /** null when a load test was cancelled: a partial test gets no verdict. */
  run: GateRun | null;
  workload: WorkloadOutcome | null;
  testEvents: Array<{ kind: string; receipt: EventReceipt }>;
}

/** The facts the outcome policy judges, from a pipeline gate. */
export function gateFacts(gate: PipelineGate): GateFacts {
  return {
    result: gate.run?.result ?? null,
    invalidConfig: gate.run?.invalidConfig ?? false,
    resultEvent: gate.run?.event ?? null,
    testEvents: gate.testEvents,
    eventsRequired: gate.loaded.plan.eventsRequired ?? false,
    workload: gate.workload,
    notStored: gate.run?.notStored ?? null,
  };
}

/**
 * The one gate path: the plan from the options, then either the evaluation over a window or the
 * load test and the evaluation over its window. The CLI and every CI adapter run it; none of them
 * re-implements a step of it.
 */
export async function runPipelineGate(request: PipelineGateRequest): Promise<PipelineGate> {
  const { options } = request;
  const now = request.now ?? (() => new Date());
  const loaded = await loadPlan({
    ...options,
    cwd: request.cwd,
    env: request.env,
    ...(request.mode === "run" ? { afterLoadTest: true } : {}),
    ...(request.onWarning ? { onWarning: request.onWarning } : {}),
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
  const { plan } = loaded;
  const diagnostics = [...plan.diagnostics, ...plan.slo.diagnostics];
  for (const diagnostic of diagnostics.filter((d, i) => diagnostics.indexOf(d) === i)) request.onDiagnostic?.(diagnostic);
  const common = {
    ...(options.baseline ? { baseline: options.baseline } : {}),
    ...(request.recentRuns ? { recentRuns: request.recentRuns } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    now,
  };
  const result = { loaded };
  if (request.mode === "evaluate") {
    const window = windowOf(options);
    if (loaded.queriesBackend && options.replay === undefined && Object.keys(window).length === 0) {
      throw usageError("querying a backend needs the evaluation window", "Give start and end, or a timeframe (e.g. 10m)");
    }
    const run = await runGate(plan, {
      ...common,
      ...evaluationWindow(window, now()),
      ...(options.replay !== undefined ? { olderThan: options.replay } : {}),
    });
    return { ...result, run, workload: null, testEvents: [] };
  }

  // The load-test modules (runners, the generator, fail-fast) load only for a load test.
  const { runLoadTestGate } = await import("./pipeline-load-test.js");
  return { ...result, ...(await runLoadTestGate(request, loaded, common)) };
}
