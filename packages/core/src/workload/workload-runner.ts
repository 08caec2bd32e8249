import type { LiveMeasurements } from "../engine/sequential.js";
import type { PairedSlice } from "../engine/statistical.js";

/**
 * How a workload ended. Only `completed` means its measurements describe the whole test;
 * `stopped` is a test fail-fast ended early because the gate could no longer pass.
 */
export type WorkloadStatus = "completed" | "failed" | "timed-out" | "cancelled" | "stopped";

/** What a runner measured and how the run ended. */
export interface WorkloadOutcome {
  runner: string;
  /** The test's name, as marked in the monitoring backend and sent with every request. */
  name: string;
  /** The window the workload ran in: the evaluation window of the gate. */
  start: string;
  end: string;
  status: WorkloadStatus;
  /** The tool's exit code, when it was a process that exited. */
  exitCode: number | null;
  /** Why the workload is not `completed`, in words a user can act on. */
  reason?: string;
  /** Client-side measurements by SLI name (`response_time_p95`, `http_req_duration.p(95)`, …). */
  metrics: Record<string, number>;
  units: Record<string, string>;
  /** Per-request samples behind measurements (latencies in ms for response_time_*), bounded. */
  samples?: Record<string, number[]>;
  /** Things worth telling that do not change the status (k6 thresholds crossed, …). */
  notes: string[];
  /** A baseline loaded in the same moments with the same users (paired comparison). */
  baseline?: PairedBaseline;
}

/** What the baseline target measured during the same test, and both targets' latencies by time slice. */
export interface PairedBaseline {
  target: string;
  metrics: Record<string, number>;
  units: Record<string, string>;
  slices: PairedSlice[];
}

/** A snapshot of a running workload, for progress lines. */
export interface WorkloadProgress {
  elapsedMs: number;
  requests?: number;
  errors?: number;
  rps?: number;
  p95Ms?: number;
  /** Fail-fast: the gate's result on the data so far. */
  verdict?: string;
}

/** A fail-fast look at a running test: how far it is, and what it measured so far. */
export interface RunningTest {
  /** Share of the planned test done (by time, or by requests when no duration is set). */
  fraction: number;
  elapsedMs: number;
  live: LiveMeasurements;
}

export interface WorkloadContext {
  /** Aborted on cancel (SIGINT/SIGTERM to slogate): the runner stops its work and returns. */
  signal: AbortSignal;
  /** A line the tool wrote, to pass on to the log. */
  onOutput?: (line: string) => void;
  onProgress?: (progress: WorkloadProgress) => void;
  now?: () => Date;
  /** Fail-fast: told what the test measured at each look; a reason returned stops the test early. */
  look?: (running: RunningTest) => string | null;
}

/** One way of putting load on a service. One implementation per tool, in src/workload/. */
export interface WorkloadRunner {
  readonly type: string;
  readonly name: string;
  run(context: WorkloadContext): Promise<WorkloadOutcome>;
}

/** A progress line: elapsed time, and for HTTP workloads requests, rate, errors and p95. */
export function describeProgress(name: string, progress: WorkloadProgress): string {
  const parts = [`${name}: ${Math.round(progress.elapsedMs / 1000)} s`];
  if (progress.requests !== undefined) parts.push(`${progress.requests} requests`);
  if (progress.rps !== undefined) parts.push(`${progress.rps.toFixed(1)} req/s`);
  if (progress.errors !== undefined) parts.push(`${progress.errors} errors`);
  if (progress.p95Ms !== undefined) parts.push(`p95 ${progress.p95Ms.toFixed(1)} ms`);
  if (progress.verdict !== undefined) parts.push(`running verdict ${progress.verdict}`);
  return parts.join(" · ");
}

/** How a workload ended, in one line: status, duration, exit code and the window it ran in. */
export function describeOutcome(workload: WorkloadOutcome): string {
  const seconds = ((Date.parse(workload.end) - Date.parse(workload.start)) / 1000).toFixed(1);
  const exit = workload.exitCode !== null ? `, exit code ${workload.exitCode}` : "";
  return `workload "${workload.name}" (${workload.runner}) ${workload.status} in ${seconds} s${exit}; window ${workload.start} – ${workload.end}`;
}
