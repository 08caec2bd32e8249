import { SlogateError } from "../errors.js";
import { reportableResult } from "../history/keptn-result.js";
import { recentRuns } from "../history/recent-runs.js";
import { GATE_OPTIONS } from "../options.js";
import { renderReport } from "../report/index.js";
import { historyStore } from "./command-config.js";
import { HTML_RUNS, MARKDOWN_RUNS, positiveCount, stdoutFormat, text } from "./gate-command.js";
import { type CliIo, useColor, writeOutput } from "./io.js";
import { type OptionSpec, parseCommandLine, usageError } from "./usage.js";

export const REPORT_HELP = `Usage: slogate report [--history <file>] [options]

Rebuilds the reports of a stored result from the history, with the heatmap and trends of
the runs before it: slogate's results and Keptn's evaluation.finished events alike. No backend
is asked; nothing is stored.

  --history <file>           JSON Lines history: slogate results (--store) and/or Keptn events; default
                             history.path of slogate.yaml; dynatrace: the gate's results kept in
                             Dynatrace (with --labels project=…,stage=…,service=…)
  --config <file>            slogate.yaml to take history.path from (default: ./slogate.yaml)
  --id <result-id>           the result to report on (default: the newest)
  --runs <n>                 earlier runs in the heatmap and trends (default ${HTML_RUNS}; Markdown ${MARKDOWN_RUNS})
  --html <file>              self-contained HTML: heatmap, trend charts, explanations
  --md <file>                Markdown (job summaries, PR/MR notes)
  --json <file>              the result JSON
  --junit <file>             JUnit XML
  --format <name>            stdout: console (default), explain, json, markdown, junit
  -h, --help                 show this help

Exit status: 0 written, 2 invalid usage or history.
`;

const OPTIONS: OptionSpec = {
  config: { type: "string" },
  history: { type: "string" },
  label: { type: "string", multiple: true },
  labels: { type: "string", multiple: true },
  id: { type: "string" },
  runs: { type: "string" },
  html: { type: "string" },
  md: { type: "string" },
  json: { type: "string" },
  junit: { type: "string" },
  format: { type: "string" },
  help: { type: "boolean", short: "h" },
};

export async function reportCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, OPTIONS, "report");
  if (values.help) {
    io.stdout(REPORT_HELP);
    return 0;
  }
  if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`, "See slogate report --help");
  const store = await historyStore(io, values);
  // Messages name the history as the user wrote it.
  const historyName = text(values, "history") ?? store.location;
  const formatText = text(values, "format");
  const format = stdoutFormat({
    ...(formatText !== undefined ? { format: GATE_OPTIONS.format.parser.parse(formatText, "--format") } : {}),
    ...(values.explain === true ? { explain: true } : {}),
  });
  if (format === "keptn") throw usageError("--format keptn is the answer of an evaluation, not a report", "Use json for the stored result");
  const runs = text(values, "runs") !== undefined ? positiveCount(text(values, "runs") as string, "--runs") : HTML_RUNS;

  const entries = await store.list().finally(() => store.close?.());
  const id = text(values, "id");
  const index = id !== undefined ? entries.findLastIndex((entry) => entry.id === id) : entries.length - 1;
  const entry = entries[index];
  if (!entry) {
    throw new SlogateError("NOT_FOUND", id !== undefined ? `result ${id} is not in ${historyName}` : `${historyName} holds no result`, {
      suggestion:
        id !== undefined
          ? "Run `slogate history list` to see the stored result ids"
          : "Store results with slogate evaluate --history <file> --store",
    });
  }
  const result = reportableResult(entry);
  if (!result) {
    throw new SlogateError("INVALID_INPUT", `result ${entry.id} holds no evaluation to report on`, {
      suggestion: "Run `slogate history list` to see the stored result ids",
    });
  }
  const recent = recentRuns(entries.slice(0, index), runs);
  const outputs: Array<[string, string, typeof recent]> = [
    ["html", "html", recent],
    ["md", "markdown", recent.slice(-MARKDOWN_RUNS)],
    ["json", "json", []],
    ["junit", "junit", []],
  ];
  for (const [option, renderer, shown] of outputs) {
    const path = text(values, option);
    if (path !== undefined) await writeOutput(io, path, renderReport(renderer, result, { recent: shown }));
  }
  io.stdout(renderReport(format, result, { color: useColor(io), recent: recent.slice(-MARKDOWN_RUNS) }));
  return 0;
}
