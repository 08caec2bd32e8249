import { formatDiagnostic } from "../config/diagnostics.js";
import { commandLineSpec, type GateCommand, type GateOptions, readCommandLine, windowOf } from "../options.js";
import { outcomePolicy } from "../outcome.js";
import { runPipelineGate } from "../pipeline-gate.js";
import { loadPlan } from "../plan.js";
import { type GatePublisher, HTML_RUNS, MARKDOWN_RUNS, publishGate, type ReportKind } from "../publish.js";
import { renderReport } from "../report/index.js";
import type { RecentRun } from "../report/report-renderer.js";
import { resolvePlaceholders } from "../sli/placeholders.js";
import { resolveWindow } from "../window.js";
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
  if (options.dryRun) return dryRun(command, options, io);
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
  // Keptn's answer (also for an invalid SLO) is part of the contract; slogate's own reports are
  // not written for a run whose configuration is wrong, so no one mistakes one for a verdict.
  if (gate.run && format === "keptn") io.stdout(`${JSON.stringify(gate.run.keptn)}\n`);
  const outcome = await publishGate(
    gate,
    outcomePolicy(options.failOn, options.warningExitCode ?? configured ?? 0),
    cliPublisher(io, options, gate.run?.recent ?? []),
  );
  return outcome.exitCode;
}

/** The report files a command line asked for, by kind. */
function requestedReports(options: GateOptions): Partial<Record<ReportKind, string>> {
  const paths: Partial<Record<ReportKind, string>> = {};
  if (options.reportJson !== undefined) paths.json = options.reportJson;
  if (options.reportMd !== undefined) paths.markdown = options.reportMd;
  if (options.reportHtml !== undefined) paths.html = options.reportHtml;
  if (options.reportJunit !== undefined) paths.junit = options.reportJunit;
  return paths;
}

/** The terminal's verbs for a gate's answer: the report on stdout, files asked for, findings and the end on stderr. */
function cliPublisher(io: CliIo, options: GateOptions, recent: readonly RecentRun[]): GatePublisher {
  const format = stdoutFormat(options);
  const paths = requestedReports(options);
  return {
    // A file on disk is not a comment: the whole report, every finding.
    summaryLimit: Number.MAX_SAFE_INTEGER,
    problemLimit: Number.MAX_SAFE_INTEGER,
    reports: Object.keys(paths) as ReportKind[],
    output: () => {},
    async artifact(kind, _name, text) {
      const path = paths[kind] ?? "";
      await writeOutput(io, path, text);
      return path;
    },
    // The console report lists every objective; everything else is said on stderr.
    problem(problem) {
      if (problem.kind === "objective") return;
      io.stderr(`slogate: ${problem.severity === "notice" ? "" : `${problem.severity}: `}${problem.message}\n`);
    },
    async summary(_markdown, result) {
      if (format === "keptn") return;
      io.stdout(renderReport(format, result, { color: useColor(io, options.color === true), recent: recent.slice(-MARKDOWN_RUNS) }));
    },
    finish(outcome) {
      if (outcome.state === "errored") io.stderr(`${outcome.headline}; exit status ${outcome.exitCode}\n`);
      else if (outcome.state === "invalid" || outcome.state === "cancelled")
        io.stderr(`${outcome.headline}, exit status ${outcome.exitCode}\n`);
      else if (outcome.state === "failed" && outcome.verdict !== "fail") io.stderr(`${outcome.headline}; exit status 1\n`);
    },
  };
}

/**
 * --dry-run: what the gate would do, resolved as far as it can be without a backend — the files,
 * the window, each SLI's source and query with its placeholders filled, history and events.
 */
async function dryRun(command: GateCommand, options: GateOptions, io: CliIo): Promise<number> {
  const loaded = await loadPlan({ ...options, cwd: io.cwd, env: io.env, ...(command === "run" ? { afterLoadTest: true } : {}) });
  const { plan, routing, config } = loaded;
  const lines: string[] = [`slogate ${command} --dry-run: nothing is queried, stored or sent`];
  if (config) lines.push(`config      ${config.file}`);
  lines.push(`slo         ${plan.slo.file}`);
  const window =
    command === "run"
      ? { start: "<the load test's start>", end: "<its end>" }
      : Object.keys(windowOf(options)).length > 0
        ? resolveWindow(windowOf(options), io.now())
        : { start: "<the values' own window, else now>", end: "" };
  lines.push(`window      ${window.start}${window.end ? ` → ${window.end}` : ""}`);
  const labels = Object.entries(plan.labels);
  lines.push(`labels      ${labels.length > 0 ? labels.map(([k, v]) => `${k}=${v}`).join(", ") : "none"}`);
  lines.push("SLIs:");
  for (const objective of plan.slo.slo?.objectives ?? []) {
    const provider = routing.overrides[objective.sli] ?? routing.defaultProvider;
    const written = routing.indicators[objective.sli];
    let query = "(no query in sli.yaml: the provider's own value or default, if it has one)";
    if (written !== undefined) {
      const resolved = resolvePlaceholders(written, {
        window: { start: window.start, end: window.end },
        labels: plan.labels,
        filters: plan.slo.slo?.filter ?? {},
        env: io.env,
      });
      query = `${resolved.query}${resolved.missing.length > 0 ? `   (no value for ${resolved.missing.join(", ")})` : ""}`;
    }
    lines.push(`  ${objective.sli.padEnd(24)} ${provider.padEnd(10)} ${query}`);
  }
  lines.push(
    `history     ${plan.history ? `${plan.history.location}${plan.storeHistory ? " (this result would be stored)" : " (read only)"}` : "none"}`,
  );
  lines.push(`events      ${plan.events ? `Dynatrace${plan.eventsRequired ? " (required)" : ""}` : "none"}`);
  io.stdout(`${lines.join("\n")}\n`);
  return 0;
}
