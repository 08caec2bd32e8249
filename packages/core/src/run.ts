import type { DeliveryEvent, EventReceipt } from "./events/event-sink.js";
import { type GateRun, type Plan, type RunOptions, runGate } from "./gate.js";
import type { SliProvider } from "./sli/sli-provider.js";
import type { WorkloadContext, WorkloadOutcome, WorkloadRunner } from "./workload/workload-runner.js";

export interface WorkloadRunOptions extends Omit<RunOptions, "window" | "windowFromValues" | "workload"> {
  runner: WorkloadRunner;
  /** Marks a deployment before the test starts. */
  deployment?: { name: string; version?: string };
  onOutput?: WorkloadContext["onOutput"];
  onWorkloadProgress?: WorkloadContext["onProgress"];
  /** Fail-fast: judges the running test at each look (see workload/fail-fast.ts). */
  look?: WorkloadContext["look"];
  /** Each delivery event's receipt, as it is sent. */
  onEvent?: (event: DeliveryEvent, receipt: EventReceipt) => void;
}

export interface WorkloadGateRun {
  workload: WorkloadOutcome;
  /** null when the run was cancelled: a partial test gets no verdict. */
  gate: GateRun | null;
  /** The delivery events sent around the test (deployment, test start, test finish). */
  events: Array<{ event: DeliveryEvent; receipt: EventReceipt }>;
}

/**
 * Performance as a self-service: deployment event → test-start event → workload → test-finish
 * event (always, also after a failure, timeout or cancel) → the gate over exactly the test's
 * window (backend providers wait for ingestion themselves) → history → result event.
 */
export async function runWorkloadGate(plan: Plan, options: WorkloadRunOptions): Promise<WorkloadGateRun> {
  const now = options.now ?? (() => new Date());
  const sent: WorkloadGateRun["events"] = [];
  const send = async (event: DeliveryEvent) => {
    if (!plan.events) return;
    const receipt = await plan.events.send({ event, context: plan.context ?? { platform: "local" } });
    sent.push({ event, receipt });
    options.onEvent?.(event, receipt);
  };
  const { runner } = options;
  let workload: WorkloadOutcome | undefined;
  try {
    if (options.deployment) await send({ kind: "deployment", ...options.deployment });
    await send({ kind: "test-start", name: runner.name, start: now().toISOString() });
    const start = now().toISOString();
    try {
      workload = await runner.run({
        signal: options.signal ?? new AbortController().signal,
        now,
        ...(options.onOutput ? { onOutput: options.onOutput } : {}),
        ...(options.onWorkloadProgress ? { onProgress: options.onWorkloadProgress } : {}),
        ...(options.look ? { look: options.look } : {}),
      });
    } finally {
      await send({ kind: "test-finish", name: runner.name, start: workload?.start ?? start, end: workload?.end ?? now().toISOString() });
    }
  } catch (error) {
    await plan.events?.close?.();
    throw error;
  }
  if (workload.status === "cancelled") {
    await plan.events?.close?.();
    await plan.provider.close?.();
    return { workload, gate: null, events: sent };
  }
  const { runner: _runner, deployment: _deployment, onOutput: _o, onWorkloadProgress: _p, onEvent: _e, look: _l, ...gateOptions } = options;
  const gate = await runGate(workload.status === "completed" ? plan : { ...plan, provider: failingWith(plan.provider, workload) }, {
    ...gateOptions,
    window: { start: workload.start, end: workload.end },
    workload,
  });
  return { workload, gate, events: sent };
}

/**
 * A test that did not complete cannot pass a gate, whatever its partial window shows: the SLI
 * retrieval is reported as failed, which fails the evaluation the way Keptn fails it.
 */
function failingWith(provider: SliProvider, workload: WorkloadOutcome): SliProvider {
  const why = `the ${workload.runner} workload "${workload.name}" ${workload.status.replace("-", " ")}: ${workload.reason ?? ""}`;
  return {
    id: provider.id,
    async fetch(request) {
      const answer = await provider.fetch(request);
      return { ...answer, result: "fail", message: [why, answer.message].filter(Boolean).join("; ") };
    },
    ...(provider.close ? { close: () => provider.close?.() ?? Promise.resolve() } : {}),
  };
}
