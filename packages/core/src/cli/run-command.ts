import { runWorkloadGate, WorkloadMeasurements } from "../run.js";
import { createWorkloadRunner } from "../workload/create-runner.js";
import { describeOutcome, describeProgress } from "../workload/workload-runner.js";
import { resolveWorkloadSettings, type WorkloadOverrides } from "../workload/workload-settings.js";
import {
  buildPlan,
  GATE_OPTIONS,
  positiveCount,
  printDiagnostics,
  progressPrinter,
  recentRunsWanted,
  reportGate,
  stdoutFormat,
  text,
  type Values,
} from "./gate-command.js";
import { CANCELLED_EXIT_CODE, type CliIo } from "./io.js";
import { type OptionSpec, parseCommandLine, parseExitCode, usageError } from "./usage.js";

export const RUN_HELP = `Usage: slogate run [options] [-- <command> [args...]]

Performance as a self-service: runs a load test, marks its start and end in Dynatrace,
evaluates the SLOs over exactly the test's window, and answers pass, warning or fail.

The workload (command-line options override slogate.yaml's workload):
  --target <url>             built-in HTTP load generator: GET this URL
  --duration <d>             how long, e.g. 30s, 5m
  --requests <n>             or stop after n requests
  --vus <n>                  closed model: n virtual users (default 1)
  --rate <n>                 open model: n requests started per second
  --method <m>, --header <name: value> (repeatable), --body <text>
                             the request the built-in generator sends
  -- <command> [args...]     any load tool, run as given (no shell); its window is gated
  --shell                    run the command after -- with sh -c (its metacharacters then count)
  --timeout <d>              stop the workload after this long (TERM to its process tree,
                             KILL 5 s later)
  --test-name <name>         the test's name in events and in the x-dynatrace-test header

SLIs: the built-in generator measures throughput (requests/s), error_rate (0..1),
response_time_p50/_p90/_p95/_p99 (ms), requests, errors and status_<code>; k6 and JMeter
workloads (slogate.yaml) report their own measurements. They are the SLI source unless
another provider is given; an sli.yaml query workload:<name> mixes them with backend SLIs.

Gate options, as for slogate evaluate:
  --config, --slo, --sli, --provider, --settle, --concurrency, --history, --store,
  --history-branch, --history-remote,
  --baseline, --label, --project, --stage, --service, --deployment, --missing-sli, --comparison,
  --format, --explain, --report-json, --report-md, --report-junit, --report-html,
  --warning-exit-code
Events (Dynatrace, DT_URL and DT_API_TOKEN):
  --send-event               test start and finish, and the result, as events
  --deployment-event         also a deployment event before the test (name from --deployment
                             or --service)
  --entity-selector <sel>, --events-required
  -h, --help                 show this help

Exit status: 0 pass (and warning by default), 1 fail (also when the workload did not
complete), 2 invalid input, config or usage, 130 cancelled; n for warning with
--warning-exit-code n.
`;

const OPTIONS: OptionSpec = {
  ...GATE_OPTIONS,
  target: { type: "string" },
  duration: { type: "string" },
  requests: { type: "string" },
  vus: { type: "string" },
  rate: { type: "string" },
  method: { type: "string" },
  header: { type: "string", multiple: true },
  body: { type: "string" },
  shell: { type: "boolean" },
  timeout: { type: "string" },
  "test-name": { type: "string" },
  "deployment-event": { type: "boolean" },
};

function headers(values: Values): Record<string, string> | undefined {
  const list = values.header as string[] | undefined;
  if (!list) return undefined;
  return Object.fromEntries(
    list.map((header) => {
      const index = header.indexOf(":");
      if (index <= 0)
        throw usageError(`--header ${JSON.stringify(header)} is not name: value`, 'Write it as --header "accept: application/json"');
      return [header.slice(0, index).trim(), header.slice(index + 1).trim()];
    }),
  );
}

/** The command line's workload options, laid over slogate.yaml's workload by the core. */
function workloadOverrides(values: Values, command: string[]): WorkloadOverrides {
  const count = (name: string) => {
    const value = text(values, name);
    return value !== undefined ? positiveCount(value, `--${name}`) : undefined;
  };
  const rate = text(values, "rate");
  if (rate !== undefined && !(Number(rate) > 0))
    throw usageError(`--rate ${JSON.stringify(rate)} is not a rate`, "Give requests per second, e.g. 50");
  const overrides: WorkloadOverrides = { command, ...(values.shell === true ? { shell: true } : {}) };
  const requestHeaders = headers(values);
  if (requestHeaders) overrides.headers = requestHeaders;
  if (rate !== undefined) overrides.rate = Number(rate);
  for (const [name, value] of [
    ["requests", count("requests")],
    ["vus", count("vus")],
  ] as const) {
    if (value !== undefined) overrides[name] = value;
  }
  for (const [option, key] of [
    ["target", "target"],
    ["duration", "duration"],
    ["timeout", "timeout"],
    ["test-name", "name"],
    ["method", "method"],
    ["body", "body"],
  ] as const) {
    const value = text(values, option);
    if (value !== undefined) overrides[key] = value;
  }
  return overrides;
}

export async function runCommand(args: string[], io: CliIo): Promise<number> {
  const separator = args.indexOf("--");
  const own = separator >= 0 ? args.slice(0, separator) : args;
  const command = separator >= 0 ? args.slice(separator + 1) : [];
  const { values, positionals } = parseCommandLine(own, OPTIONS, "run");
  if (values.help) {
    io.stdout(RUN_HELP);
    return 0;
  }
  if (positionals.length > 0) {
    throw usageError(
      `unexpected argument ${JSON.stringify(positionals[0])}`,
      "Put the load tool's command after --, e.g. slogate run --slo slo.yaml -- k6 run test.js",
    );
  }
  stdoutFormat(values);
  parseExitCode(text(values, "warning-exit-code"), "--warning-exit-code");
  const measurements = new WorkloadMeasurements();
  const { plan, config } = await buildPlan(values, io, { workload: measurements.read });
  const settings = resolveWorkloadSettings(config?.workload ?? null, workloadOverrides(values, command), io.cwd);
  const runner = createWorkloadRunner(settings, io.env);
  printDiagnostics(plan, io);

  const deploymentName = plan.labels.deployment ?? plan.labels.service;
  if (values["deployment-event"] === true && !plan.events) {
    throw usageError("--deployment-event needs events to be sent", "Add --send-event (or events.dynatrace in slogate.yaml)");
  }
  if (values["deployment-event"] === true && !deploymentName) {
    throw usageError("the deployment event needs a name", "Pass --deployment <name> or --service <name>");
  }
  const progress = progressPrinter(io, 5_000);
  io.stderr(`slogate: running workload "${runner.name}" (${runner.type})\n`);
  const signal = io.cancelSignal?.() ?? new AbortController().signal;
  const run = await runWorkloadGate(plan, {
    runner,
    measurements,
    signal,
    ...(values["deployment-event"] === true && deploymentName ? { deployment: { name: deploymentName } } : {}),
    onOutput: (line) => io.stderr(`${line}\n`),
    onWorkloadProgress: (status) => progress(describeProgress(runner.name, status)),
    onEvent: (event, receipt) => {
      for (const warning of receipt.warnings) io.stderr(`slogate: warning: ${event.kind} event: ${warning}\n`);
    },
    ...(typeof values.baseline === "string" ? { baseline: values.baseline } : {}),
    recentRuns: recentRunsWanted(values),
    now: io.now,
  });
  if (io.stderrIsTTY ?? io.isTTY) io.stderr("\r\u001b[K");
  io.stderr(`slogate: ${describeOutcome(run.workload)}\n`);
  for (const note of run.workload.notes) io.stderr(`slogate: ${note}\n`);
  if (run.workload.reason) io.stderr(`slogate: ${run.workload.reason}\n`);
  if (plan.eventsRequired && run.events.some(({ receipt }) => !receipt.delivered)) {
    io.stderr("slogate: a test event was not delivered and events are required; exit status 1\n");
    return run.gate ? Math.max(1, await reportGate(run.gate, plan, config, values, io)) : 1;
  }
  if (!run.gate) {
    io.stderr("slogate: cancelled: no verdict for a partial test\n");
    return CANCELLED_EXIT_CODE;
  }
  return reportGate(run.gate, plan, config, values, io);
}
