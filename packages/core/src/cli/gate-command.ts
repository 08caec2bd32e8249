import { formatDiagnostic } from "../config/diagnostics.js";
import type { SlogateConfig } from "../config/load-config.js";
import type { GateRun, Plan } from "../gate.js";
import { loadPlan, type PlanOptions } from "../plan.js";
import { renderReport } from "../report/index.js";
import { type CliIo, useColor, writeOutput } from "./io.js";
import { type OptionSpec, parseExitCode, parseLabels, usageError } from "./usage.js";

/** Options every gate-running command shares (evaluate, run). */
export const GATE_OPTIONS: OptionSpec = {
  config: { type: "string" },
  slo: { type: "string" },
  sli: { type: "string" },
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
  "history-branch": { type: "string" },
  "history-remote": { type: "string" },
  store: { type: "boolean" },
  baseline: { type: "string" },
  explain: { type: "boolean" },
  label: { type: "string", multiple: true },
  format: { type: "string" },
  "report-json": { type: "string" },
  "report-md": { type: "string" },
  "report-junit": { type: "string" },
  "report-html": { type: "string" },
  "missing-sli": { type: "string" },
  comparison: { type: "string" },
  "warning-exit-code": { type: "string" },
  help: { type: "boolean", short: "h" },
};

const STDOUT_FORMATS = ["console", "explain", "json", "keptn", "markdown", "junit"];

export type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

export function text(values: Values, name: string): string | undefined {
  return typeof values[name] === "string" ? (values[name] as string) : undefined;
}

/** The stdout format asked for, checked before any work is done. */
export function stdoutFormat(values: Values): string {
  const format = text(values, "format") ?? (values.explain ? "explain" : "console");
  if (!STDOUT_FORMATS.includes(format)) {
    throw usageError(`--format ${JSON.stringify(format)} is not one slogate prints`, `Use one of ${STDOUT_FORMATS.join(", ")}`);
  }
  return format;
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

export async function buildPlan(values: Values, io: CliIo, extra: Partial<PlanOptions> = {}) {
  const options: PlanOptions = {
    cwd: io.cwd,
    env: io.env,
    onWarning: (message) => io.stderr(`${message}\n`),
    onProgress: progressPrinter(io),
    ...extra,
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
    ["comparison", "comparison"],
    ["history-branch", "historyBranch"],
    ["history-remote", "historyRemote"],
  ] as const) {
    const value = text(values, option);
    if (value !== undefined) options[key] = value;
  }
  if (values.store === true) options.store = true;
  if (values["send-event"] === true) options.sendEvent = true;
  if (values["events-required"] === true) options.eventsRequired = true;
  const entitySelector = text(values, "entity-selector");
  if (entitySelector !== undefined) options.entitySelector = entitySelector;
  options.labels = parseLabels(values.label as string[] | undefined);
  for (const name of ["project", "stage", "service", "deployment"] as const) {
    const value = text(values, name);
    if (value !== undefined) options.labels[name] = value;
  }
  const concurrency = text(values, "concurrency");
  if (concurrency !== undefined) options.concurrency = positiveCount(concurrency, "--concurrency");
  return loadPlan(options);
}

export function positiveCount(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw usageError(`${option} ${JSON.stringify(value)} is not a count`, "Use a whole number of at least 1");
  return n;
}

/** Prints the configuration's diagnostics once each, before the run. */
export function printDiagnostics(plan: Plan, io: CliIo): void {
  const diagnostics = [...plan.diagnostics, ...plan.slo.diagnostics];
  for (const diagnostic of diagnostics.filter((d, i) => diagnostics.indexOf(d) === i)) io.stderr(`${formatDiagnostic(diagnostic)}\n`);
}

/** Writes a gate run's reports and warnings and turns its verdict into the exit status. */
export async function reportGate(run: GateRun, plan: Plan, config: SlogateConfig | null, values: Values, io: CliIo): Promise<number> {
  const format = stdoutFormat(values);
  const warningExitCodeOption = parseExitCode(text(values, "warning-exit-code"), "--warning-exit-code");
  const { result } = run;
  if (run.invalidConfig) {
    // Keptn's answer for an invalid SLO is part of the contract; slogate's own reports are not
    // written for a run whose configuration is wrong, so no one mistakes one for a verdict.
    if (format === "keptn") io.stdout(`${JSON.stringify(run.keptn)}\n`);
    io.stderr("slogate: the configuration is invalid (see the errors above); no verdict, exit status 2\n");
    return 2;
  }
  if (format === "keptn") io.stdout(`${JSON.stringify(run.keptn)}\n`);
  else io.stdout(renderReport(format, result, { color: useColor(io), recent: run.recent.slice(-MARKDOWN_RUNS) }));
  const reportJson = text(values, "report-json");
  const reportMd = text(values, "report-md");
  const reportJunit = text(values, "report-junit");
  const reportHtml = text(values, "report-html");
  if (reportJson !== undefined) await writeOutput(io, reportJson, renderReport("json", result));
  if (reportMd !== undefined)
    await writeOutput(io, reportMd, renderReport("markdown", result, { recent: run.recent.slice(-MARKDOWN_RUNS) }));
  if (reportJunit !== undefined) await writeOutput(io, reportJunit, renderReport("junit", result));
  if (reportHtml !== undefined) await writeOutput(io, reportHtml, renderReport("html", result, { recent: run.recent }));

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

/** Earlier runs in the Markdown heatmap (a PR comment stays readable) and in the HTML report. */
export const MARKDOWN_RUNS = 10;
export const HTML_RUNS = 29;

/** Heatmaps show the last runs; reading them costs a pass over the history, so only when shown. */
export function recentRunsWanted(values: Values): number {
  if (text(values, "report-html") !== undefined) return HTML_RUNS;
  return stdoutFormat(values) === "markdown" || text(values, "report-md") !== undefined ? MARKDOWN_RUNS : 0;
}
