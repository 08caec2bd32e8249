import type { EventReceipt } from "./events/event-sink.js";
import type { GateRun, Plan } from "./gate.js";
import { runGate } from "./gate.js";
import { type LoadedPlan, loadPlan, type PlanOptions } from "./plan.js";
import { runWorkloadGate, WorkloadMeasurements } from "./run.js";
import { evaluationWindow, type WindowRequest } from "./window.js";
import { createWorkloadRunner } from "./workload/create-runner.js";
import { describeOutcome, describeProgress, type WorkloadOutcome } from "./workload/workload-runner.js";
import { resolveWorkloadSettings, type WorkloadOverrides } from "./workload/workload-settings.js";

/** How often a CI log gets a progress line of a running load test. */
const PROGRESS_EVERY_MS = 5_000;

/** The inputs every CI adapter offers, under the core's names; absent ones come from slogate.yaml. */
export type CommonGateInputs = Pick<PlanOptions, "config" | "slo" | "sli" | "sliValues" | "provider" | "settle"> &
  WindowRequest & {
    /** A history file; results are stored to it. */
    history?: string;
    labels: Record<string, string>;
    sendEvent: boolean;
  };

/** An object without its undefined entries (exactOptionalPropertyTypes forbids passing them). */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/** The plan and window parts of a request, from an adapter's common inputs. */
export function commonGateRequest(
  inputs: CommonGateInputs,
  where: Pick<PlanOptions, "cwd" | "env" | "onWarning" | "onProgress">,
): Pick<PipelineGateRequest, "plan" | "window"> {
  return {
    plan: {
      ...where,
      ...defined({
        config: inputs.config,
        slo: inputs.slo,
        sli: inputs.sli,
        sliValues: inputs.sliValues,
        provider: inputs.provider,
        history: inputs.history,
        settle: inputs.settle,
      }),
      ...(inputs.history ? { store: true } : {}),
      labels: inputs.labels,
      sendEvent: inputs.sendEvent,
    },
    window: defined({ start: inputs.start, end: inputs.end, timeframe: inputs.timeframe }),
  };
}

/** A CI adapter's request: its inputs, translated, and where its log lines go. */
export interface PipelineGateRequest {
  mode: "evaluate" | "run";
  plan: Omit<PlanOptions, "workload">;
  /** evaluate: the window (none: the values' own window, else now). */
  window?: WindowRequest;
  /** run: the load test, over slogate.yaml's workload. */
  workload?: WorkloadOverrides;
  baseline?: string;
  /** Earlier runs for the reports' heatmaps. */
  recentRuns?: number;
  signal?: AbortSignal;
  /** Swaps parts of the loaded plan before it runs (e.g. an adapter's own history store). */
  adjust?: (plan: Plan) => void;
  log: (line: string) => void;
  onEventWarning?: (kind: string, warning: string) => void;
}

export interface PipelineGate {
  loaded: LoadedPlan;
  /** null when a load test was cancelled: a partial test gets no verdict. */
  run: GateRun | null;
  workload: WorkloadOutcome | null;
  testEvents: EventReceipt[];
}

/**
 * The gate as a CI step runs it: the plan from the step's inputs, then either the evaluation over
 * a window or the load test and the evaluation over its window. Adapters translate inputs and
 * outputs around this; none of them re-implements a step of it.
 */
export async function runPipelineGate(request: PipelineGateRequest): Promise<PipelineGate> {
  const measurements = new WorkloadMeasurements();
  const loaded = await loadPlan({ ...request.plan, ...(request.mode === "run" ? { workload: measurements.read } : {}) });
  request.adjust?.(loaded.plan);
  const common = {
    ...(request.baseline ? { baseline: request.baseline } : {}),
    ...(request.recentRuns ? { recentRuns: request.recentRuns } : {}),
  };
  if (request.mode === "evaluate") {
    const run = await runGate(loaded.plan, {
      ...common,
      ...evaluationWindow(request.window ?? {}, new Date()),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    return { loaded, run, workload: null, testEvents: [] };
  }
  const settings = resolveWorkloadSettings(loaded.config?.workload ?? null, request.workload ?? {}, request.plan.cwd);
  const runner = createWorkloadRunner(settings, request.plan.env);
  request.log(`Running the load test "${runner.name}" (${runner.type}).`);
  let lastProgress = Number.NEGATIVE_INFINITY;
  const outcome = await runWorkloadGate(loaded.plan, {
    ...common,
    runner,
    measurements,
    ...(request.signal ? { signal: request.signal } : {}),
    onOutput: request.log,
    onWorkloadProgress: (progress) => {
      if (progress.elapsedMs - lastProgress < PROGRESS_EVERY_MS) return;
      lastProgress = progress.elapsedMs;
      request.log(describeProgress(runner.name, progress));
    },
    onEvent: (event, receipt) => {
      for (const warning of receipt.warnings) request.onEventWarning?.(event.kind, warning);
    },
  });
  const { workload } = outcome;
  request.log(describeOutcome(workload));
  return { loaded, run: outcome.gate, workload, testEvents: outcome.events.map((e) => e.receipt) };
}
