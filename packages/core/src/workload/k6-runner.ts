import { describeEnd, type ProcessSpec, runToolWithResults } from "./child-process.js";
import { parseK6Summary } from "./k6-summary.js";
import type { WorkloadContext, WorkloadOutcome, WorkloadRunner } from "./workload-runner.js";

/** k6's exit code when the test ran but thresholds were crossed: a verdict, not a crash. */
export const K6_THRESHOLDS_CROSSED = 99;

export interface K6Workload extends Omit<ProcessSpec, "argv" | "shell"> {
  name: string;
  script: string;
  /** Extra arguments for `k6 run`, before the script. */
  args?: string[];
  /** How to start k6 (default `k6`), e.g. a path or `["docker", "run", …, "grafana/k6"]`. */
  command?: string[];
}

/** Runs `k6 run --summary-export`; k6's own metrics become SLIs. */
export class K6Runner implements WorkloadRunner {
  readonly type = "k6";
  readonly name: string;

  constructor(private readonly workload: K6Workload) {
    this.name = workload.name;
  }

  async run(context: WorkloadContext): Promise<WorkloadOutcome> {
    const { command = ["k6"], args = [], script, name: _name, ...process } = this.workload;
    const run = await runToolWithResults(
      "slogate-k6-",
      "summary.json",
      (summaryFile) => ({ ...process, argv: [...command, "run", "--summary-export", summaryFile, ...args, script] }),
      context,
    );
    const { ended } = run;
    const thresholdsCrossed = ended.exitCode === K6_THRESHOLDS_CROSSED && !ended.timedOut && !ended.cancelled;
    const described = thresholdsCrossed ? { status: "completed" as const } : describeEnd(ended, "k6", this.workload.timeoutMs);
    const summary = run.results === null ? null : parseK6Summary(run.results, run.resultsFile);
    const notes = summary?.crossedThresholds.map((threshold) => `k6 threshold crossed: ${threshold}`) ?? [];
    if (thresholdsCrossed) notes.unshift(`k6 exited with ${K6_THRESHOLDS_CROSSED}: thresholds were crossed; the test itself ran`);
    const noSummary = described.status === "completed" && summary === null;
    return {
      runner: this.type,
      name: this.name,
      start: run.start,
      end: run.end,
      status: noSummary ? "failed" : described.status,
      exitCode: ended.exitCode,
      ...(noSummary
        ? { reason: "k6 wrote no summary: there are no measurements of this run" }
        : described.reason
          ? { reason: described.reason }
          : {}),
      metrics: summary?.metrics ?? {},
      units: summary?.units ?? {},
      notes,
    };
  }
}
