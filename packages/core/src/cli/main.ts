import { formatDiagnostic } from "../config/diagnostics.js";
import { nearestKey } from "../config/suggest.js";
import { describeFailure } from "../failure.js";
import { VERSION } from "../version.js";
import type { CliIo } from "./io.js";

type Command = (args: string[], io: CliIo) => Promise<number>;

/**
 * Each command's module is loaded when that command runs: `slogate --version` and `--help` start
 * without YAML, schema validation or HTTP, and a gate loads only what it uses.
 */
const COMMANDS: Record<string, { load: () => Promise<Command>; summary: string }> = {
  evaluate: {
    load: async () => (await import("./evaluate-command.js")).evaluateCommand,
    summary: "score SLI values against SLOs: pass, warning or fail",
  },
  run: {
    load: async () => (await import("./run-command.js")).runCommand,
    summary: "run a load test, mark it in Dynatrace, gate on its window",
  },
  report: {
    load: async () => (await import("./report-command.js")).reportCommand,
    summary: "rebuild reports (HTML heatmap and trends, Markdown, JUnit) from stored results",
  },
  validate: {
    load: async () => (await import("./validate-command.js")).validateCommand,
    summary: "check slogate.yaml, slo.yaml and sli.yaml files",
  },
  init: {
    load: async () => (await import("./init-command.js")).initCommand,
    summary: "write a starting slogate.yaml, slo.yaml and sli.yaml here",
  },
  history: {
    load: async () => (await import("./history-command.js")).historyCommand,
    summary: "list stored results, invalidate one, import Keptn's evaluations",
  },
  remediate: {
    load: async () => (await import("./remediate-command.js")).remediateCommand,
    summary: "run remediation.yaml's actions for a Dynatrace problem until the gate passes",
  },
  monitoring: {
    load: async () => (await import("./monitoring-command.js")).monitoringCommand,
    summary: "plan or apply the gate's quality-gate dashboard in Dynatrace (monitoring as code)",
  },
  import: {
    load: async () => (await import("./import-command.js")).importCommand,
    summary: "write slo.yaml and sli.yaml from Keptn v2 Analysis resources or a Site Reliability Guardian",
  },
  synthetic: {
    load: async () => (await import("./synthetic-command.js")).syntheticCommand,
    summary: "check a new deployment with a Dynatrace synthetic monitor; its availability and response time as SLIs",
  },
  event: {
    load: async () => (await import("./event-command.js")).eventCommand,
    summary: "send a delivery event (deployment, test start/finish, info) to Dynatrace",
  },
};

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
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const near = nearestKey(name, Object.keys(COMMANDS));
    io.stderr(`slogate: unknown command ${JSON.stringify(name)}${near ? `. Did you mean "${near}"?` : ""} See slogate --help\n`);
    return 2;
  }
  try {
    return await (await command.load())(args, io);
  } catch (error) {
    const failure = describeFailure(error, Boolean(io.env.SLOGATE_DEBUG));
    if (failure.diagnostics.length > 0) for (const diagnostic of failure.diagnostics) io.stderr(`${formatDiagnostic(diagnostic)}\n`);
    else io.stderr(`slogate: ${failure.message}\n`);
    return failure.exitCode;
  }
}
