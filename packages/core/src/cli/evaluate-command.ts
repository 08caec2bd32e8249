import { optionsHelp } from "../options.js";
import { gateCommand } from "./gate-command.js";
import type { CliIo } from "./io.js";

export const EVALUATE_HELP = `Usage: slogate evaluate [options]

Scores SLI values against SLO objectives (Keptn slo.yaml semantics) and answers
pass, warning or fail.

${optionsHelp("evaluate", ["sources", "history", "window", "outcome", "events"])}
  -h, --help                 show this help

Exit status: 0 pass (and warning by default), 1 fail, 2 invalid input, config or
usage, n for warning with --warning-exit-code n.
`;

export function evaluateCommand(args: string[], io: CliIo): Promise<number> {
  return gateCommand("evaluate", args, io, EVALUATE_HELP);
}
