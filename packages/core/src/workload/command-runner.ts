import { describeEnd, type ProcessSpec, runProcess } from "./child-process.js";
import type { WorkloadContext, WorkloadOutcome, WorkloadRunner } from "./workload-runner.js";

export interface CommandWorkload extends ProcessSpec {
  name: string;
}

/**
 * Any load tool, run as a process. slogate measures nothing itself: the window it ran in is what
 * the gate evaluates, with SLIs from the backend.
 */
export class CommandRunner implements WorkloadRunner {
  readonly type = "command";
  readonly name: string;

  constructor(private readonly workload: CommandWorkload) {
    this.name = workload.name;
  }

  async run(context: WorkloadContext): Promise<WorkloadOutcome> {
    const now = context.now ?? (() => new Date());
    const start = now().toISOString();
    const progress = context.onProgress
      ? setInterval(() => context.onProgress?.({ elapsedMs: now().getTime() - Date.parse(start) }), 1000)
      : undefined;
    try {
      const end = await runProcess(this.workload, context.signal, context.onOutput ?? (() => {}));
      const { status, reason } = describeEnd(end, `command ${this.workload.argv[0] ?? ""}`, this.workload.timeoutMs);
      return {
        runner: this.type,
        name: this.name,
        start,
        end: now().toISOString(),
        status,
        exitCode: end.exitCode,
        ...(reason ? { reason } : {}),
        metrics: {},
        units: {},
        notes: [],
      };
    } finally {
      if (progress) clearInterval(progress);
    }
  }
}
