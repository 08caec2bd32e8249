import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeEnd, type ProcessSpec, runProcess } from "./child-process.js";
import { parseJtl } from "./jtl.js";
import type { WorkloadContext, WorkloadOutcome, WorkloadRunner } from "./workload-runner.js";

export interface JmeterWorkload extends Omit<ProcessSpec, "argv" | "shell"> {
  name: string;
  /** The test plan (.jmx). */
  plan: string;
  /** JMeter properties, passed as -J<name>=<value>. */
  properties?: Record<string, string>;
  args?: string[];
  /** How to start JMeter (default `jmeter`), e.g. a launcher script. */
  command?: string[];
}

/**
 * Runs JMeter without its GUI and reads the JTL it writes. JMeter exits 0 even when it could not
 * load the plan, so the results file decides: a run without samples is a failed workload.
 */
export class JmeterRunner implements WorkloadRunner {
  readonly type = "jmeter";
  readonly name: string;

  constructor(private readonly workload: JmeterWorkload) {
    this.name = workload.name;
  }

  async run(context: WorkloadContext): Promise<WorkloadOutcome> {
    const now = context.now ?? (() => new Date());
    const directory = await mkdtemp(join(tmpdir(), "slogate-jmeter-"));
    const results = join(directory, "results.jtl");
    const { command = ["jmeter"], args = [], plan, properties = {}, name: _name, ...process } = this.workload;
    const argv = [
      ...command,
      "-n",
      "-t",
      plan,
      "-l",
      results,
      "-j",
      join(directory, "jmeter.log"),
      // No UDP shutdown listener on all interfaces, and a header line in the JTL.
      "-Jjmeterengine.nongui.port=0",
      "-Jjmeter.save.saveservice.output_format=csv",
      "-Jjmeter.save.saveservice.print_field_names=true",
      ...Object.entries(properties).map(([key, value]) => `-J${key}=${value}`),
      ...args,
    ];
    const start = now().toISOString();
    try {
      const end = await runProcess({ ...process, argv }, context.signal, context.onOutput ?? (() => {}));
      const finished = now().toISOString();
      const described = describeEnd(end, "JMeter", this.workload.timeoutMs);
      let text: string | null;
      try {
        text = await readFile(results, "utf8");
      } catch {
        text = null;
      }
      const summary = text === null ? null : parseJtl(text, results);
      const empty = summary === null || summary.samples === 0;
      const failed = described.status === "completed" && empty;
      return {
        runner: this.type,
        name: this.name,
        start,
        end: finished,
        status: failed ? "failed" : described.status,
        exitCode: end.exitCode,
        ...(failed
          ? { reason: `JMeter wrote no results (${text === null ? "no JTL file" : "no samples"}): see its output above for why` }
          : described.reason
            ? { reason: described.reason }
            : {}),
        metrics: summary?.metrics ?? {},
        units: summary?.units ?? {},
        ...(summary && Object.keys(summary.kept).length > 0 ? { samples: summary.kept } : {}),
        notes: [],
      };
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }
}
