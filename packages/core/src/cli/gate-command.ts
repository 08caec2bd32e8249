import { formatDiagnostic } from "../config/diagnostics.js";
import { commandLineSpec, type GateCommand, type GateOptions, readCommandLine } from "../options.js";
import { decideOutcome, outcomePolicy } from "../outcome.js";
import { gateFacts, runPipelineGate } from "../pipeline-gate.js";
import { HTML_RUNS, MARKDOWN_RUNS } from "../publish.js";
import { renderReport } from "../report/index.js";
import { type CliIo, useColor, writeOutput } from "./io.js";
import { parseCommandLine, usageError } from "./usage.js";

export { HTML_RUNS, MARKDOWN_RUNS } from "../publish.js";

export type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

export function text(values: Values, name: string): string | undefined {
  return typeof values[name] === "string" ? (values[name] as string) : undefined;
}

/** The stdout format asked for. */
export function stdoutFormat(options: Pick<GateOptions, "format" | "explain">): NonNullable<GateOptions["format"]> {
  return options.format ?? (options.explain ? "explain" : "console");
}

/**
 * Progress of long work: one live line on a terminal, a line every `intervalMs` in CI logs
 * (which keep every line), so neither floods nor goes silent.
 */
export function progressPrinter(io: CliIo, intervalMs = 10_000): (message: string, done?: boolean) => void {
  let lastPrinted = Number.NEGATIVE_INFINITY;
  return (message, done = false) => {
    if (io.stderrIsTTY ?? io.isTTY) {
      io.stderr(`\r\u001b[Kslogate: ${message}${done ? "\n" : ""}`);
      return;
    }
    const now = io.now().getTime();
    if (now - lastPrinted < intervalMs && !done) return;
    lastPrinted = now;
    io.stderr(`slogate: ${message}\n`);
  };
}

export function positiveCount(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw usageError(`${option} ${JSON.stringify(value)} is not a count`, "Use a whole number of at least 1");
  return n;
}

/** Heatmaps show the last runs; reading them costs a pass over the history, so only when shown. */
function recentRunsWanted(options: GateOptions): number {
  if (options.reportHtml !== undefined) return HTML_RUNS;
  return stdoutFormat(options) === "markdown" || options.reportMd !== undefined ? MARKDOWN_RUNS : 0;
}

/**
 * `slogate evaluate` and `slogate run`: the command line read through the options table, the
 * gate run on the same path as every CI adapter, the outcome decided by the one policy.
 */
export async function gateCommand(command: GateCommand, args: string[], io: CliIo, help: string): Promise<number> {
  const separator = command === "run" ? args.indexOf("--") : -1;
  const own = separator >= 0 ? args.slice(0, separator) : args;
  const trailing = separator >= 0 ? args.slice(separator + 1) : [];
  const { values, positionals } = parseCommandLine(own, { ...commandLineSpec(command), help: { type: "boolean", short: "h" } }, command);
  if (values.help) {
    io.stdout(help);
    return 0;
  }
  if (positionals.length > 0) {
    throw usageError(
      `unexpected argument ${JSON.stringify(positionals[0])}`,
      command === "run"
        ? "Put the load tool's command after --, e.g. slogate run --slo slo.yaml -- k6 run test.js"
        : `See slogate ${command} --help`,
    );
  }
  const options = readCommandLine(values, command, trailing);
  const format = stdoutFormat(options);
  const tty = io.stderrIsTTY ?? io.isTTY;
  const gate = await runPipelineGate({
    mode: command,
    options,
    cwd: io.cwd,
    env: io.env,
    recentRuns: recentRunsWanted(options),
    ...(command === "run" ? { signal: io.cancelSignal?.() ?? new AbortController().signal } : {}),
    onDiagnostic: (diagnostic) => io.stderr(`${formatDiagnostic(diagnostic)}\n`),
    onWarning: (message) => io.stderr(`${message}\n`),
    onProgress: progressPrinter(io),
    // A live progress line is cleared before any other line takes its place.
    log: (line) => io.stderr(`${tty ? "\r\u001b[K" : ""}${line}\n`),
    onWorkloadProgress: progressPrinter(io, 5_000),
    now: io.now,
  });
  const configured = gate.loaded.config?.evaluation.warningExitCode ?? undefined;
  const outcome = decideOutcome(gateFacts(gate), outcomePolicy(options.failOn, options.warningExitCode ?? configured ?? 0));
  const run = gate.run;
  // Keptn's answer (also for an invalid SLO) is part of the contract; slogate's own reports are
  // not written for a run whose configuration is wrong, so no one mistakes one for a verdict.
  if (run && format === "keptn") io.stdout(`${JSON.stringify(run.keptn)}\n`);
  if (run && outcome.state !== "invalid") {
    const { result } = run;
    const recent = run.recent.slice(-MARKDOWN_RUNS);
    if (format !== "keptn") io.stdout(renderReport(format, result, { color: useColor(io), recent }));
    if (options.reportJson !== undefined) await writeOutput(io, options.reportJson, renderReport("json", result));
    if (options.reportMd !== undefined) await writeOutput(io, options.reportMd, renderReport("markdown", result, { recent }));
    if (options.reportJunit !== undefined) await writeOutput(io, options.reportJunit, renderReport("junit", result));
    if (options.reportHtml !== undefined) await writeOutput(io, options.reportHtml, renderReport("html", result, { recent: run.recent }));
  }
  // The console report lists every objective; everything else is said here.
  for (const problem of outcome.problems.filter((p) => p.kind !== "objective")) {
    io.stderr(`slogate: ${problem.severity === "notice" ? "" : `${problem.severity}: `}${problem.message}\n`);
  }
  if (outcome.state === "errored") io.stderr(`${outcome.headline}; exit status ${outcome.exitCode}\n`);
  else if (outcome.state === "invalid" || outcome.state === "cancelled")
    io.stderr(`${outcome.headline}, exit status ${outcome.exitCode}\n`);
  else if (outcome.state === "failed" && outcome.verdict !== "fail") io.stderr(`${outcome.headline}; exit status 1\n`);
  return outcome.exitCode;
}
