import { DEFAULT_STATISTICAL_SETTINGS } from "./engine/statistical.js";
import { usageError } from "./errors.js";
import type { GateRun } from "./gate.js";
import { workloadOverridesOf } from "./options.js";
import type { PipelineGate, PipelineGateRequest } from "./pipeline-gate.js";
import type { LoadedPlan } from "./plan.js";
import { runWorkloadGate } from "./run.js";
import { createWorkloadRunner } from "./workload/create-runner.js";
import { FailFastWatch } from "./workload/fail-fast.js";
import { describeOutcome, describeProgress } from "./workload/workload-runner.js";
import { resolveWorkloadSettings } from "./workload/workload-settings.js";

/** How often a CI log gets a progress line of a running load test. */
const PROGRESS_EVERY_MS = 5_000;

/** The gate path's load-test half: the test, its events, then the evaluation over its window. */
export async function runLoadTestGate(
  request: PipelineGateRequest,
  loaded: LoadedPlan,
  common: { baseline?: string; recentRuns?: number; signal?: AbortSignal; now: () => Date },
): Promise<Omit<PipelineGate, "loaded">> {
  const { options } = request;
  const { plan } = loaded;
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
    run: outcome.gate as GateRun | null,
    workload,
    testEvents: outcome.events.map(({ event, receipt }) => ({ kind: event.kind, receipt })),
  };
}
