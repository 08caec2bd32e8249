import { runGate } from "../gate.js";
import { evaluationWindow, type WindowRequest } from "../window.js";
import { buildPlan, GATE_OPTIONS, printDiagnostics, recentRunsWanted, reportGate, stdoutFormat, type Values } from "./gate-command.js";
import type { CliIo } from "./io.js";
import { type OptionSpec, parseCommandLine, parseExitCode, usageError } from "./usage.js";

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
  --history-branch <name>    keep history in this git branch instead (one commit per result;
                             --history-remote <url> or this directory's repository; an https
                             remote authenticates with SLOGATE_GIT_TOKEN)
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
  --report-html <file>       also write the HTML report (heatmap and trends of the last 30 runs)
  --send-event               send the result to Dynatrace as an event (DT_URL, DT_API_TOKEN)
  --entity-selector <sel>    entities the event attaches to (placeholders allowed)
  --events-required          fail the run when the event cannot be delivered (default: warn)
  --missing-sli <policy>     keptn (default): a missing SLI scores 0 for its objective;
                             fail: any missing SLI fails the gate
  --comparison <mode>        keptn (default) or statistical: a relative criterion fails only
                             when the change is beyond the run-to-run noise of the earlier
                             runs AND beyond its tolerance; else pass, or inconclusive
  --warning-exit-code <n>    exit with n on warning (default 0)
  -h, --help                 show this help

Exit status: 0 pass (and warning by default), 1 fail, 2 invalid input, config or
usage, n for warning with --warning-exit-code n.
`;

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

const OPTIONS: OptionSpec = {
  ...GATE_OPTIONS,
  "sli-values": { type: "string" },
  replay: { type: "string" },
  start: { type: "string" },
  end: { type: "string" },
  timeframe: { type: "string" },
};

export async function evaluateCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandLine(args, OPTIONS, "evaluate");
  if (values.help) {
    io.stdout(EVALUATE_HELP);
    return 0;
  }
  stdoutFormat(values);
  parseExitCode(values["warning-exit-code"] as string | undefined, "--warning-exit-code");
  const request = windowRequest(values);
  const explicit = Object.keys(request).length > 0;
  const { plan, config, queriesBackend } = await buildPlan(values, io);
  if (queriesBackend && !explicit) {
    throw usageError("querying a backend needs the evaluation window", "Give --start and --end, or --timeframe (e.g. 10m)");
  }
  printDiagnostics(plan, io);
  const run = await runGate(plan, {
    ...evaluationWindow(request, io.now()),
    ...(typeof values.baseline === "string" ? { baseline: values.baseline } : {}),
    ...(typeof values.replay === "string" ? { olderThan: values.replay } : {}),
    recentRuns: recentRunsWanted(values),
    now: io.now,
  });
  return reportGate(run, plan, config, values, io);
}
