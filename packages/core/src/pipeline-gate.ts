import type { Diagnostic } from "./config/diagnostics.js";
import { DEFAULT_STATISTICAL_SETTINGS } from "./engine/statistical.js";
import { usageError } from "./errors.js";
import type { EventReceipt } from "./events/event-sink.js";
import type { GateRun } from "./gate.js";
import { runGate } from "./gate.js";
import { type GateCommand, type GateOptions, windowOf, workloadOverridesOf } from "./options.js";
import type { GateFacts } from "./outcome.js";
import { type LoadedPlan, loadPlan } from "./plan.js";
import { runWorkloadGate } from "./run.js";
import { evaluationWindow } from "./window.js";
import { createWorkloadRunner } from "./workload/create-runner.js";
import { FailFastWatch } from "./workload/fail-fast.js";
import { describeOutcome, describeProgress, type WorkloadOutcome } from "./workload/workload-runner.js";
import { resolveWorkloadSettings } from "./workload/workload-settings.js";

/** How often a CI log gets a progress line of a running load test. */
const PROGRESS_EVERY_MS = 5_000;

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

  const settings = resolveWorkloadSettings(loaded.config?.workload ?? null, workloadOverridesOf(options), request.cwd);
  const runner = createWorkloadRunner(settings, request.env);
  const deploymentName = plan.labels.deployment ?? plan.labels.service;
  if (options.deploymentEvent && !plan.events) {
    throw usageError("--deployment-event needs events to be sent", "Add --send-event (or events.dynatrace in slogate.yaml)");
  }
  if (options.deploymentEvent && !deploymentName) {
    throw usageError("the deployment event needs a name", "Pass --deployment <name> or --service <name>");
  }
  const watch =
    settings["fail-fast"] === true && plan.slo.slo
      ? new FailFastWatch(plan.slo.slo, loaded.routing, (plan.statistics ?? DEFAULT_STATISTICAL_SETTINGS).alpha)
      : null;
  if (watch && !watch.judgesAnything()) {
    request.onWarning?.(
      "fail-fast has nothing to judge while the test runs: no objective with pass criteria is on a workload measurement (response_time_*, error_rate); the gate judges after the test as usual",
    );
  }
  request.log(`slogate: running workload "${runner.name}" (${runner.type})${watch ? ", fail-fast" : ""}`);
  let lastProgress = Number.NEGATIVE_INFINITY;
  const outcome = await runWorkloadGate(plan, {
    ...common,
    runner,
    ...(options.deploymentEvent && deploymentName ? { deployment: { name: deploymentName } } : {}),
    onOutput: request.log,
    ...(watch ? { look: watch.look } : {}),
    onWorkloadProgress: (progress) => {
      const line = describeProgress(runner.name, watch?.running ? { ...progress, verdict: watch.running } : progress);
      if (request.onWorkloadProgress) return request.onWorkloadProgress(line);
      if (progress.elapsedMs - lastProgress < PROGRESS_EVERY_MS) return;
      lastProgress = progress.elapsedMs;
      request.log(`slogate: ${line}`);
    },
  });
  const { workload } = outcome;
  request.log(`slogate: ${describeOutcome(workload)}`);
  return {
    ...result,
    run: outcome.gate,
    workload,
    testEvents: outcome.events.map(({ event, receipt }) => ({ kind: event.kind, receipt })),
  };
}
