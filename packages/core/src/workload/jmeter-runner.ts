import { join } from "node:path";
import { describeEnd, type ProcessSpec, runToolWithResults } from "./child-process.js";
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
    const { command = ["jmeter"], args = [], plan, properties = {}, name: _name, ...process } = this.workload;
    const run = await runToolWithResults(
      "slogate-jmeter-",
      "results.jtl",
      (results, directory) => ({
        ...process,
        argv: [
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
        ],
      }),
      context,
    );
    const described = describeEnd(run.ended, "JMeter", this.workload.timeoutMs);
    // The CSV reader loads with the first JTL, not with every gate.
    const summary = run.results === null ? null : (await import("./jtl.js")).parseJtl(run.results, run.resultsFile);
    const empty = summary === null || summary.samples === 0;
    const failed = described.status === "completed" && empty;
    return {
      runner: this.type,
      name: this.name,
      start: run.start,
      end: run.end,
      status: failed ? "failed" : described.status,
      exitCode: run.ended.exitCode,
      ...(failed
        ? { reason: `JMeter wrote no results (${run.results === null ? "no JTL file" : "no samples"}): see its output above for why` }
        : described.reason
          ? { reason: described.reason }
          : {}),
      metrics: summary?.metrics ?? {},
      units: summary?.units ?? {},
      ...(summary && Object.keys(summary.kept).length > 0 ? { samples: summary.kept } : {}),
      notes: [],
    };
  }
}
