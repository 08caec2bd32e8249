import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as core from "@actions/core";
import {
  ConfigError,
  commonGateRequest,
  type DeliveryEvent,
  type Diagnostic,
  DynatraceEventSink,
  dynatraceConnection,
  ExternalServiceError,
  type GateRun,
  GitBranchHistoryStore,
  isSlogateError,
  type Plan,
  readCiContext,
  renderMarkdownWithin,
  renderReport,
  runPipelineGate,
  terminationSignal,
} from "@slogate/core";
import { type ActionInputs, InputError, readInputs } from "./inputs.js";
import { COMMENT_LIMIT, upsertPullRequestComment } from "./pull-request-comment.js";

/** GitHub drops a job summary over 1 MiB; stay under it. */
const SUMMARY_LIMIT = 1_000_000;
/** GitHub shows 10 error and 10 warning annotations per step. */
const ANNOTATION_LIMIT = 10;
/** Earlier runs in the summary's heatmap, and in the HTML report's. */
const MARKDOWN_RUNS = 10;
const HTML_RUNS = 29;

function environment(inputs: ActionInputs): Record<string, string | undefined> {
  const env = { ...process.env };
  if (inputs.dynatraceUrl) env.DT_URL = inputs.dynatraceUrl;
  if (inputs.dynatraceToken) env.DT_API_TOKEN = inputs.dynatraceToken;
  if (inputs.prometheusUrl) env.PROMETHEUS_URL = inputs.prometheusUrl;
  return env;
}

function annotate(diagnostic: Diagnostic): void {
  const properties = { file: diagnostic.position.file, startLine: diagnostic.position.line, startColumn: diagnostic.position.column };
  const text = `${diagnostic.message}${diagnostic.expected ? `; expected ${diagnostic.expected}` : ""}${diagnostic.suggestion ? `. ${diagnostic.suggestion}` : ""}`;
  if (diagnostic.severity === "error") core.error(text, properties);
  else core.warning(text, properties);
}

function historyBranchStore(inputs: ActionInputs) {
  if (!inputs.historyBranch) return null;
  const remote = inputs.historyRemote ?? `${process.env.GITHUB_SERVER_URL ?? "https://github.com"}/${process.env.GITHUB_REPOSITORY}.git`;
  const authHeader = inputs.githubToken
    ? `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${inputs.githubToken}`).toString("base64")}`
    : undefined;
  if (authHeader) core.setSecret(authHeader);
  return new GitBranchHistoryStore({
    remote,
    branch: inputs.historyBranch,
    ...(authHeader ? { authHeader } : {}),
    onWarning: (m) => core.info(m),
  });
}

async function writeReports(run: GateRun): Promise<{ json: string; markdown: string; html: string }> {
  const { result } = run;
  const directory = join(process.env.RUNNER_TEMP ?? process.cwd(), "slogate");
  await mkdir(directory, { recursive: true });
  const json = join(directory, `${result.id}.json`);
  const markdown = join(directory, `${result.id}.md`);
  const html = join(directory, `${result.id}.html`);
  await writeFile(json, renderReport("json", result));
  await writeFile(markdown, renderReport("markdown", result, { recent: run.recent.slice(-MARKDOWN_RUNS) }));
  await writeFile(html, renderReport("html", result, { recent: run.recent }));
  return { json, markdown, html };
}

/** mode: evaluate and mode: run — the core runs the gate; this translates inputs and outputs. */
async function gate(inputs: ActionInputs): Promise<void> {
  const w = inputs.workload;
  const branch = historyBranchStore(inputs);
  const { loaded, run, workload } = await runPipelineGate({
    mode: inputs.mode === "run" ? "run" : "evaluate",
    ...commonGateRequest(inputs, {
      cwd: process.env.GITHUB_WORKSPACE ?? process.cwd(),
      env: environment(inputs),
      onWarning: (message) => core.warning(message),
      onProgress: (message) => core.info(message),
    }),
    workload: {
      ...(w.target !== undefined ? { target: w.target } : {}),
      ...(w.command.length > 0 ? { command: w.command } : {}),
      ...(w.duration !== undefined ? { duration: w.duration } : {}),
      ...(w.vus !== undefined ? { vus: w.vus } : {}),
      ...(w.rate !== undefined ? { rate: w.rate } : {}),
      ...(w.requests !== undefined ? { requests: w.requests } : {}),
      ...(w.timeout !== undefined ? { timeout: w.timeout } : {}),
      ...(w.name !== undefined ? { name: w.name } : {}),
    },
    ...(inputs.baseline ? { baseline: inputs.baseline } : {}),
    recentRuns: HTML_RUNS,
    ...(inputs.mode === "run" ? { signal: terminationSignal((signal) => core.warning(`${signal} received: stopping the load test`)) } : {}),
    adjust: (plan) => {
      if (branch) {
        plan.history = branch;
        plan.storeHistory = true;
      }
      for (const diagnostic of [...plan.diagnostics, ...plan.slo.diagnostics]) annotate(diagnostic);
    },
    log: (line) => core.info(line),
    onEventWarning: (kind, warning) => core.warning(`${kind} event: ${warning}`),
  });
  if (workload) {
    core.setOutput("workload-status", workload.status);
    core.setOutput("window-start", workload.start);
    core.setOutput("window-end", workload.end);
    for (const note of workload.notes) core.notice(note);
    if (workload.reason) core.error(workload.reason, { title: "slogate load test" });
  }
  if (!run) {
    core.setFailed("The load test was cancelled: no verdict for a partial test.");
    return;
  }
  await publish(run, loaded.plan, inputs);
}

/** Outputs, reports, summary, annotations, PR comment and the step's state for one gate run. */
async function publish(run: GateRun, plan: Plan, inputs: ActionInputs): Promise<void> {
  if (run.invalidConfig) {
    core.setFailed("The SLO is invalid; see the annotations on the file. No verdict.");
    return;
  }
  const { result } = run;
  const recent = run.recent.slice(-MARKDOWN_RUNS);
  core.setOutput("result", result.result);
  core.setOutput("score", String(result.score));
  core.setOutput("evaluation-id", result.id);
  const paths = await writeReports(run);
  core.setOutput("report-json", paths.json);
  core.setOutput("report-markdown", paths.markdown);
  core.setOutput("report-html", paths.html);
  await core.summary.addRaw(renderMarkdownWithin(result, SUMMARY_LIMIT, recent)).write();

  const failed = result.objectives.filter((o) => o.status === "fail");
  const warned = result.objectives.filter((o) => o.status === "warning");
  for (const objective of failed.slice(0, ANNOTATION_LIMIT))
    core.error(`${objective.displayName || objective.sli}: ${objective.explanation}`, { title: "slogate objective failed" });
  for (const objective of warned.slice(0, ANNOTATION_LIMIT))
    core.warning(`${objective.displayName || objective.sli}: ${objective.explanation}`, { title: "slogate objective warning" });
  if (failed.length > ANNOTATION_LIMIT || warned.length > ANNOTATION_LIMIT)
    core.info("More objectives failed or warned than GitHub shows as annotations; the job summary lists them all.");
  // A value that could not be fetched is never passed over in silence, whatever the verdict.
  for (const objective of result.objectives) {
    if (objective.error) core.warning(`SLI ${objective.sli} has no usable value: ${objective.error}`);
  }
  for (const warning of run.event?.warnings ?? []) core.warning(warning);

  if (inputs.commentOnPr && inputs.githubToken) {
    const comment = await upsertPullRequestComment(inputs.githubToken, renderMarkdownWithin(result, COMMENT_LIMIT, recent));
    if (comment.kind === "not-allowed")
      core.warning(`Could not comment on the pull request (${comment.reason}); the job summary has the report.`);
    else if (comment.kind !== "no-pull-request") core.info(`Pull-request comment ${comment.kind} (${comment.id}).`);
  }
  if (run.event && !run.event.delivered && plan.eventsRequired) {
    core.setFailed("The gate-result event was not delivered and events are required.");
    return;
  }

  const message = result.message || `slogate: ${result.result} (score ${result.score})`;
  if (result.result === "fail" && inputs.failOn !== "never") core.setFailed(message);
  else if (result.result === "warning") {
    if (inputs.failOn === "warning") core.setFailed(message);
    else core.warning(message, { title: "slogate gate: warning" });
  } else core.info(`slogate: ${result.result} (score ${result.score})`);
}

async function sendEvent(inputs: ActionInputs): Promise<void> {
  const kind = inputs.eventKind;
  const name = inputs.eventName;
  if (!kind || !name) throw new InputError("mode: event needs event-kind and event-name");
  const now = new Date().toISOString();
  const events: Record<string, DeliveryEvent> = {
    deployment: {
      kind: "deployment",
      name,
      ...(inputs.eventVersion ? { version: inputs.eventVersion } : {}),
      ...(inputs.labels.project ? { project: inputs.labels.project } : {}),
      ...(inputs.labels.stage ? { stage: inputs.labels.stage } : {}),
    },
    "test-start": { kind: "test-start", name, start: inputs.start ?? now },
    "test-finish": { kind: "test-finish", name, start: inputs.start ?? now, end: inputs.end ?? now },
    configuration: { kind: "configuration", name },
    info: { kind: "info", title: name },
  };
  const event = events[kind];
  if (!event) throw new InputError(`event-kind: ${JSON.stringify(kind)} is not deployment, test-start, test-finish, configuration or info`);
  const env = environment(inputs);
  const sink = new DynatraceEventSink({ ...dynatraceConnection({}, env), http: { env } });
  try {
    const receipt = await sink.send({ event, context: readCiContext(env) });
    for (const warning of receipt.warnings) core.warning(warning);
    if (!receipt.delivered) core.setFailed(`The ${kind} event was not delivered.`);
    else core.info(`Sent the ${kind} event to Dynatrace (${receipt.correlationIds.join(", ")}).`);
  } finally {
    await sink.close();
  }
}

/** The action: inputs → @slogate/core → outputs, summary, annotations, PR comment, exit state. */
export async function run(): Promise<void> {
  try {
    const inputs = readInputs();
    if (inputs.dynatraceToken) core.setSecret(inputs.dynatraceToken);
    if (inputs.githubToken) core.setSecret(inputs.githubToken);
    if (inputs.mode === "evaluate" || inputs.mode === "run") await gate(inputs);
    else if (inputs.mode === "event") await sendEvent(inputs);
    else throw new InputError(`mode: ${JSON.stringify(inputs.mode)} is not evaluate, run or event`);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const diagnostic of error.diagnostics) annotate(diagnostic);
      core.setFailed("The configuration is invalid; see the annotations.");
    } else if (error instanceof InputError || isSlogateError(error) || error instanceof ExternalServiceError) {
      core.setFailed(
        (error as Error).message +
          ((error as { suggestion?: string }).suggestion ? `. ${(error as { suggestion?: string }).suggestion}` : ""),
      );
    } else {
      core.setFailed(`slogate: internal error: ${(error as Error).message}`);
    }
  }
}
