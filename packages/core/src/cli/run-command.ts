import { optionsHelp } from "../options.js";
import { gateCommand } from "./gate-command.js";
import type { CliIo } from "./io.js";

export const RUN_HELP = `Usage: slogate run [options] [-- <command> [args...]]

Performance as a self-service: runs a load test, marks its start and end in Dynatrace,
evaluates the SLOs over exactly the test's window, and answers pass, warning or fail.

SLIs: the built-in generator measures throughput (requests/s), error_rate (0..1),
response_time_p50/_p90/_p95/_p99 (ms), requests, errors and status_<code>; k6 and JMeter
workloads (slogate.yaml) report their own measurements. They are the SLI source unless
another provider is given; an sli.yaml query workload:<name> mixes them with backend SLIs.

${optionsHelp("run", ["workload", "sources", "history", "window", "outcome", "events"])}
  -h, --help                 show this help

Exit status: 0 pass (and warning by default), 1 fail (also when the workload did not
complete), 2 invalid input, config or usage, 130 cancelled; n for warning with
--warning-exit-code n.
`;

export function runCommand(args: string[], io: CliIo): Promise<number> {
  return gateCommand("run", args, io, RUN_HELP);
}
