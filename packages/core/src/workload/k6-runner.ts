import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeEnd, type ProcessSpec, runProcess } from "./child-process.js";
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
    const now = context.now ?? (() => new Date());
    const directory = await mkdtemp(join(tmpdir(), "slogate-k6-"));
    const summaryFile = join(directory, "summary.json");
    const { command = ["k6"], args = [], script, name: _name, ...process } = this.workload;
    const start = now().toISOString();
    try {
      const end = await runProcess(
        { ...process, argv: [...command, "run", "--summary-export", summaryFile, ...args, script] },
        context.signal,
        context.onOutput ?? (() => {}),
      );
      const finished = now().toISOString();
      const thresholdsCrossed = end.exitCode === K6_THRESHOLDS_CROSSED && !end.timedOut && !end.cancelled;
      const described = thresholdsCrossed ? { status: "completed" as const } : describeEnd(end, "k6", this.workload.timeoutMs);
      let text: string | null = null;
      try {
        text = await readFile(summaryFile, "utf8");
      } catch {
        text = null;
      }
      const summary = text === null ? null : parseK6Summary(text, summaryFile);
      const notes = summary?.crossedThresholds.map((threshold) => `k6 threshold crossed: ${threshold}`) ?? [];
      if (thresholdsCrossed) notes.unshift(`k6 exited with ${K6_THRESHOLDS_CROSSED}: thresholds were crossed; the test itself ran`);
      const noSummary = described.status === "completed" && summary === null;
      return {
        runner: this.type,
        name: this.name,
        start,
        end: finished,
        status: noSummary ? "failed" : described.status,
        exitCode: end.exitCode,
        ...(noSummary
          ? { reason: "k6 wrote no summary: there are no measurements of this run" }
          : described.reason
            ? { reason: described.reason }
            : {}),
        metrics: summary?.metrics ?? {},
        units: summary?.units ?? {},
        notes,
      };
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }
}
