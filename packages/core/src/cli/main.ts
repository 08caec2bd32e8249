import { formatDiagnostic } from "../config/diagnostics.js";
import { nearestKey } from "../config/suggest.js";
import { describeFailure } from "../failure.js";
import { VERSION } from "../version.js";
import { EVALUATE_HELP, evaluateCommand } from "./evaluate-command.js";
import { EVENT_HELP, eventCommand } from "./event-command.js";
import { HISTORY_HELP, historyCommand } from "./history-command.js";
import { INIT_HELP, initCommand } from "./init-command.js";
import type { CliIo } from "./io.js";
import { REPORT_HELP, reportCommand } from "./report-command.js";
import { RUN_HELP, runCommand } from "./run-command.js";
import { VALIDATE_HELP, validateCommand } from "./validate-command.js";

const COMMANDS = {
  evaluate: { run: evaluateCommand, help: EVALUATE_HELP, summary: "score SLI values against SLOs: pass, warning or fail" },
  run: { run: runCommand, help: RUN_HELP, summary: "run a load test, mark it in Dynatrace, gate on its window" },
  report: {
    run: reportCommand,
    help: REPORT_HELP,
    summary: "rebuild reports (HTML heatmap and trends, Markdown, JUnit) from stored results",
  },
  validate: { run: validateCommand, help: VALIDATE_HELP, summary: "check slogate.yaml, slo.yaml and sli.yaml files" },
  init: { run: initCommand, help: INIT_HELP, summary: "write a starting slogate.yaml, slo.yaml and sli.yaml here" },
  history: { run: historyCommand, help: HISTORY_HELP, summary: "list stored results, invalidate one" },
  event: { run: eventCommand, help: EVENT_HELP, summary: "send a delivery event (deployment, test start/finish, info) to Dynatrace" },
} as const;

export const MAIN_HELP = `Usage: slogate <command> [options]

SLI/SLO quality gates for CI pipelines, with Keptn's slo.yaml semantics.

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`)
  .join("\n")}

Run slogate <command> --help for the options of a command.
Exit status: 0 pass (and warning by default), 1 fail or could not evaluate (a backend or the
history unreachable), 2 invalid input, config, usage or a refused token.
`;

/** Runs the CLI and returns the exit status; never exits the process itself. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(MAIN_HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name as keyof typeof COMMANDS];
  if (!command) {
    const near = nearestKey(name, Object.keys(COMMANDS));
    io.stderr(`slogate: unknown command ${JSON.stringify(name)}${near ? `. Did you mean "${near}"?` : ""} See slogate --help\n`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    const failure = describeFailure(error, Boolean(io.env.SLOGATE_DEBUG));
    if (failure.diagnostics.length > 0) for (const diagnostic of failure.diagnostics) io.stderr(`${formatDiagnostic(diagnostic)}\n`);
    else io.stderr(`slogate: ${failure.message}\n`);
    return failure.exitCode;
  }
}
