import { formatDiagnostic } from "../config/diagnostics.js";
import { runGate } from "../gate.js";
import { loadPlan, type PlanOptions } from "../plan.js";
import { renderReport } from "../report/index.js";
import { resolveWindow, type WindowRequest } from "../window.js";
import { type CliIo, useColor, writeOutput } from "./io.js";
import { type OptionSpec, parseCommandLine, parseExitCode, parseLabels, usageError } from "./usage.js";

export const EVALUATE_HELP = `Usage: slogate evaluate [options]

Scores SLI values against SLO objectives (Keptn slo.yaml semantics) and answers
pass, warning or fail.

Where things come from (command-line options override slogate.yaml):
  --config <file>            slogate.yaml (default: ./slogate.yaml when it exists)
  --slo <file>               Keptn slo.yaml
  --provider <name>          where SLI values come from: file (default with --sli-values)
                             or prometheus (URL from PROMETHEUS_URL or slogate.yaml)
  --sli <file>               Keptn sli.yaml: the query for each SLI (prometheus, dynatrace)
                             dynatrace: DT_URL and DT_API_TOKEN (or DT_PLATFORM_TOKEN, or
                             DT_CLIENT_ID, DT_CLIENT_SECRET, DT_ACCOUNT_URN) in the environment
  --settle <duration>        wait this long after the window for Dynatrace to ingest data
                             (default 2m; 0 skips)
  --concurrency <n>          requests in flight at once (default 8)
  --sli-values <file>        SLI values as JSON: {"sli": number}, Keptn indicatorValues,
                             or a get-sli.finished data object
  --history <file>           JSON Lines history (slogate results or Keptn
                             evaluation.finished events), oldest first
  --store                    append this result to --history (slogate.yaml: history.store)
  --baseline <id>            compare with this one stored result only
  --replay <id>              re-score that stored result's SLI values (e.g. with a changed
                             --slo), compared with the results stored before it; stores nothing

Window and labels:
  --start <time> --end <time>  ISO 8601 window of the evaluation
  --timeframe <duration>     window ending now, e.g. 10m, 1h30m
  --label <key=value>        label stored with the result (repeatable); $LABEL.<key> in queries
  --project, --stage, --service, --deployment <name>
                             labels behind $PROJECT, $STAGE, $SERVICE, $DEPLOYMENT

Outcome:
  --format <name>            stdout: console (default), explain, json, keptn, markdown, junit
  --explain                  the same as --format explain: for each objective the query, value,
                             targets, compared value and the runs behind it, the deciding rule
                             and its share of the score
  --report-json <file>       also write the result JSON
  --report-md <file>         also write the Markdown report
  --report-junit <file>      also write JUnit XML (one test case per objective)
  --send-event               send the result to Dynatrace as an event (DT_URL, DT_API_TOKEN)
  --entity-selector <sel>    entities the event attaches to (placeholders allowed)
  --events-required          fail the run when the event cannot be delivered (default: warn)
  --missing-sli <policy>     keptn (default): a missing SLI scores 0 for its objective;
                             fail: any missing SLI fails the gate
  --warning-exit-code <n>    exit with n on warning (default 0)
  -h, --help                 show this help

Exit status: 0 pass (and warning by default), 1 fail, 2 invalid input, config or
usage, n for warning with --warning-exit-code n.
`;

const OPTIONS: OptionSpec = {
  config: { type: "string" },
  slo: { type: "string" },
  sli: { type: "string" },
  "sli-values": { type: "string" },
  provider: { type: "string" },
  settle: { type: "string" },
  concurrency: { type: "string" },
  project: { type: "string" },
  stage: { type: "string" },
  service: { type: "string" },
  deployment: { type: "string" },
  "send-event": { type: "boolean" },
  "entity-selector": { type: "string" },
  "events-required": { type: "boolean" },
  history: { type: "string" },
  store: { type: "boolean" },
  baseline: { type: "string" },
  replay: { type: "string" },
  explain: { type: "boolean" },
  start: { type: "string" },
  end: { type: "string" },
  timeframe: { type: "string" },
  label: { type: "string", multiple: true },
  format: { type: "string" },
  "report-json": { type: "string" },
  "report-md": { type: "string" },
  "report-junit": { type: "string" },
  "missing-sli": { type: "string" },
  "warning-exit-code": { type: "string" },
  help: { type: "boolean", short: "h" },
};

const STDOUT_FORMATS = ["console", "explain", "json", "keptn", "markdown", "junit"];

type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

/**
 * Progress of long waits: one live line on a terminal, a line every 10 s in CI logs (which keep
 * every line), so neither floods nor goes silent.
 */
function progressPrinter(io: CliIo): (message: string, done?: boolean) => void {
  let lastPrinted = Number.NEGATIVE_INFINITY;
  return (message, done = false) => {
    if (io.stderrIsTTY ?? io.isTTY) {
      io.stderr(`\r\u001b[Kslogate: ${message}${done ? "\n" : ""}`);
      return;
    }
    const now = io.now().getTime();
    if (now - lastPrinted < 10_000) return;
    lastPrinted = now;
    io.stderr(`slogate: ${message}\n`);
  };
}

async function buildPlan(values: Values, io: CliIo) {
  const text = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  const options: PlanOptions = {
    cwd: io.cwd,
    env: io.env,
    onWarning: (message) => io.stderr(`${message}\n`),
    onProgress: progressPrinter(io),
  };
  for (const [option, key] of [
    ["config", "config"],
    ["slo", "slo"],
    ["sli", "sli"],
    ["sli-values", "sliValues"],
    ["provider", "provider"],
    ["history", "history"],
    ["missing-sli", "missingSli"],
    ["settle", "settle"],
    ["replay", "replay"],
  ] as const) {
    const value = text(option);
    if (value !== undefined) options[key] = value;
  }
  if (values.store === true) options.store = true;
  if (values["send-event"] === true) options.sendEvent = true;
  if (values["events-required"] === true) options.eventsRequired = true;
  const entitySelector = text("entity-selector");
  if (entitySelector !== undefined) options.entitySelector = entitySelector;
  options.labels = parseLabels(values.label as string[] | undefined);
  for (const name of ["project", "stage", "service", "deployment"] as const) {
    const value = text(name);
    if (value !== undefined) options.labels[name] = value;
  }
  const concurrency = text("concurrency");
  if (concurrency !== undefined) {
    const n = Number(concurrency);
    if (!Number.isInteger(n) || n < 1)
      throw usageError(`--concurrency ${JSON.stringify(concurrency)} is not a count`, "Use a whole number of at least 1");
    options.concurrency = n;
  }
  return loadPlan(options);
}

/**
 * The window from the options. Without any, the evaluation is of values measured elsewhere: the
 * window the values file states is used, else the moment of evaluation.
 */
function windowRequest(values: Values): WindowRequest {
  return {
    ...(typeof values.start === "string" ? { start: values.start } : {}),
    ...(typeof values.end === "string" ? { end: values.end } : {}),
    ...(typeof values.timeframe === "string" ? { timeframe: values.timeframe } : {}),
  };
}

export async function evaluateCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandLine(args, OPTIONS, "evaluate");
  if (values.help) {
    io.stdout(EVALUATE_HELP);
    return 0;
  }
  const format = (values.format as string | undefined) ?? (values.explain ? "explain" : "console");
  if (!STDOUT_FORMATS.includes(format)) {
    throw usageError(`--format ${JSON.stringify(format)} is not one slogate prints`, `Use one of ${STDOUT_FORMATS.join(", ")}`);
  }
  const warningExitCodeOption = parseExitCode(values["warning-exit-code"] as string | undefined, "--warning-exit-code");
  const request = windowRequest(values);
  const explicit = Object.keys(request).length > 0;
  const { plan, config, queriesBackend } = await buildPlan(values, io);
  if (queriesBackend && !explicit) {
    throw usageError("querying a backend needs the evaluation window", "Give --start and --end, or --timeframe (e.g. 10m)");
  }
  const now = io.now().toISOString();
  const window = resolveWindow(explicit ? request : { fallback: { start: now, end: now } }, io.now());
  const diagnostics = [...plan.diagnostics, ...plan.slo.diagnostics];
  for (const diagnostic of diagnostics.filter((d, i) => diagnostics.indexOf(d) === i)) io.stderr(`${formatDiagnostic(diagnostic)}\n`);

  const run = await runGate(plan, {
    window,
    ...(typeof values.baseline === "string" ? { baseline: values.baseline } : {}),
    windowFromValues: !explicit,
    ...(typeof values.replay === "string" ? { olderThan: values.replay } : {}),
    // The Markdown report shows a heatmap of the last runs; reading them costs a pass over history.
    ...(format === "markdown" || typeof values["report-md"] === "string" ? { recentRuns: 10 } : {}),
    now: io.now,
  });
  const { result } = run;

  if (run.invalidConfig) {
    // Keptn's answer for an invalid SLO is part of the contract; slogate's own reports are not
    // written for a run whose configuration is wrong, so no one mistakes one for a verdict.
    if (format === "keptn") io.stdout(`${JSON.stringify(run.keptn)}\n`);
    io.stderr("slogate: the configuration is invalid (see the errors above); no verdict, exit status 2\n");
    return 2;
  }
  if (format === "keptn") io.stdout(`${JSON.stringify(run.keptn)}\n`);
  else io.stdout(renderReport(format, result, { color: useColor(io), recent: run.recent }));
  if (typeof values["report-json"] === "string") await writeOutput(io, values["report-json"], renderReport("json", result));
  if (typeof values["report-md"] === "string")
    await writeOutput(io, values["report-md"], renderReport("markdown", result, { recent: run.recent }));
  if (typeof values["report-junit"] === "string") await writeOutput(io, values["report-junit"], renderReport("junit", result));

  // A value that could not be fetched is never passed over in silence, whatever the verdict.
  for (const objective of result.objectives) {
    if (objective.error) io.stderr(`slogate: warning: SLI ${objective.sli} has no usable value: ${objective.error}\n`);
  }
  for (const warning of run.event?.warnings ?? []) io.stderr(`slogate: warning: ${warning}\n`);
  if (run.event && !run.event.delivered && plan.eventsRequired) {
    io.stderr("slogate: the gate-result event was not delivered and events are required; exit status 1\n");
    return 1;
  }
  if (result.result === "fail") return 1;
  if (result.result === "warning") return warningExitCodeOption ?? config?.evaluation.warningExitCode ?? 0;
  return 0;
}
