import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as core from "@actions/core";
import {
  type DeliveryEvent,
  type Diagnostic,
  DynatraceEventSink,
  describeFailure,
  dynatraceConnection,
  exitCancelled,
  type GateOutput,
  type GatePublisher,
  HTML_RUNS,
  monitoringMarkdown,
  outcomePolicy,
  type Problem,
  publishGate,
  readCiContext,
  runMonitoring,
  runPipelineGate,
  runSyntheticCheck,
  SlogateError,
  syntheticMarkdown,
  syntheticUrlOf,
  terminationSignal,
  writeSyntheticValues,
} from "@slogate/core";
import { type ActionInputs, readInputs } from "./inputs.js";
import { COMMENT_LIMIT, upsertPullRequestComment } from "./pull-request-comment.js";

const OUTPUT_NAMES: Record<GateOutput, string> = {
  result: "result",
  score: "score",
  evaluationId: "evaluation-id",
  reportJson: "report-json",
  reportMarkdown: "report-markdown",
  reportHtml: "report-html",
  workloadStatus: "workload-status",
  windowStart: "window-start",
  windowEnd: "window-end",
};

function environment(inputs: ActionInputs): Record<string, string | undefined> {
  const env = { ...process.env };
  if (inputs.dynatraceUrl) env.DT_URL = inputs.dynatraceUrl;
  if (inputs.dynatraceToken) env.DT_API_TOKEN = inputs.dynatraceToken;
  if (inputs.dynatracePlatformToken) env.DT_PLATFORM_TOKEN = inputs.dynatracePlatformToken;
  if (inputs.dynatraceClientId) env.DT_CLIENT_ID = inputs.dynatraceClientId;
  if (inputs.dynatraceClientSecret) env.DT_CLIENT_SECRET = inputs.dynatraceClientSecret;
  if (inputs.dynatraceAccountUrn) env.DT_ACCOUNT_URN = inputs.dynatraceAccountUrn;
  if (inputs.prometheusUrl) env.PROMETHEUS_URL = inputs.prometheusUrl;
  // A history branch is pushed with github-token, as actions/checkout authenticates.
  if (inputs.gate.historyBranch && inputs.githubToken) {
    env.SLOGATE_GIT_TOKEN = inputs.githubToken;
    env.SLOGATE_GIT_USER = "x-access-token";
  }
  return env;
}

function annotate(diagnostic: Diagnostic): void {
  const properties = { file: diagnostic.position.file, startLine: diagnostic.position.line, startColumn: diagnostic.position.column };
  const text = `${diagnostic.message}${diagnostic.expected ? `; expected ${diagnostic.expected}` : ""}${diagnostic.suggestion ? `. ${diagnostic.suggestion}` : ""}`;
  if (diagnostic.severity === "error") core.error(text, properties);
  else core.warning(text, properties);
}

const ANNOTATE: Record<Problem["severity"], (message: string, properties: core.AnnotationProperties) => void> = {
  error: core.error,
  warning: core.warning,
  notice: core.notice,
};

/** GitHub's verbs for a gate's answer: step outputs, annotations, the job summary, the PR comment, the step's state. */
function githubPublisher(inputs: ActionInputs): GatePublisher {
  const directory = join(process.env.RUNNER_TEMP ?? process.cwd(), "slogate");
  return {
    // GitHub drops a job summary over 1 MiB, and shows 10 annotations of each kind per step.
    summaryLimit: 1_000_000,
    problemLimit: 10,
    output: (name, value) => core.setOutput(OUTPUT_NAMES[name], value),
    async artifact(_kind, name, text) {
      await mkdir(directory, { recursive: true });
      const path = join(directory, name);
      await writeFile(path, text);
      return path;
    },
    problem: (problem) => ANNOTATE[problem.severity](problem.message, { title: problem.title }),
    summary: async (markdown) => {
      await core.summary.addRaw(markdown).write();
    },
    async feedback(_result, markdownWithin) {
      if (!inputs.commentOnPr || !inputs.githubToken) return;
      // Without a gate name, the step's place in the workflow keys its comment.
      const key = inputs.gate.gateName ?? readCiContext(process.env).job ?? "slogate";
      const comment = await upsertPullRequestComment(inputs.githubToken, markdownWithin(COMMENT_LIMIT), key);
      if (comment.kind === "not-allowed")
        core.warning(`Could not comment on the pull request (${comment.reason}); the job summary has the report.`);
      else if (comment.kind !== "no-pull-request") core.info(`Pull-request comment ${comment.kind} (${comment.id}).`);
    },
    finish(outcome) {
      if (outcome.state === "succeeded") core.info(outcome.headline);
      else if (outcome.state === "warning") core.warning(outcome.headline, { title: "slogate gate: warning" });
      else core.setFailed(outcome.headline);
    },
  };
}

/** mode: evaluate and mode: run — the core runs the gate and decides; this translates. */
async function gate(inputs: ActionInputs, mode: "evaluate" | "run"): Promise<void> {
  const pipeline = await runPipelineGate({
    mode,
    options: inputs.gate,
    cwd: readCiContext(process.env).workspace ?? process.cwd(),
    env: environment(inputs),
    recentRuns: HTML_RUNS,
    ...(mode === "run"
      ? { signal: terminationSignal((signal) => core.warning(`${signal} received: stopping the load test`), exitCancelled) }
      : {}),
    onDiagnostic: annotate,
    onWarning: (message) => core.warning(message),
    onProgress: (message) => core.info(message),
    log: (line) => core.info(line),
  });
  await publishGate(pipeline, outcomePolicy(inputs.gate.failOn), githubPublisher(inputs));
}

async function sendEvent(inputs: ActionInputs): Promise<void> {
  const { kind, name, version } = inputs.event;
  if (!kind || !name)
    throw new SlogateError("INVALID_INPUT", "mode: event needs event-kind and event-name", { suggestion: "Set both inputs" });
  const now = new Date().toISOString();
  const labels = inputs.gate.labels ?? {};
  const events: Record<string, DeliveryEvent> = {
    deployment: {
      kind: "deployment",
      name,
      ...(version ? { version } : {}),
      ...(labels.project ? { project: labels.project } : {}),
      ...(labels.stage ? { stage: labels.stage } : {}),
    },
    "test-start": { kind: "test-start", name, start: inputs.gate.start ?? now },
    "test-finish": { kind: "test-finish", name, start: inputs.gate.start ?? now, end: inputs.gate.end ?? now },
    configuration: { kind: "configuration", name },
    info: { kind: "info", title: name },
  };
  const event = events[kind];
  if (!event)
    throw new SlogateError(
      "INVALID_INPUT",
      `event-kind: ${JSON.stringify(kind)} is not deployment, test-start, test-finish, configuration or info`,
    );
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

/** mode: monitoring-plan and monitoring-apply — the gate's dashboard and alerts in Dynatrace; the summary says what changed. */
async function monitoring(inputs: ActionInputs, apply: boolean): Promise<void> {
  const run = await runMonitoring({
    options: inputs.gate,
    cwd: readCiContext(process.env).workspace ?? process.cwd(),
    env: environment(inputs),
    prune: inputs.gate.monitoringPrune === true,
    apply,
  });
  for (const line of run.lines) core.info(line);
  core.setOutput("monitoring-writes", String(run.writes));
  await core.summary.addRaw(monitoringMarkdown(run, apply)).write();
  if (run.refused) core.setFailed(`slogate: ${run.refused}`);
}

/** mode: synthetic — the deployment checked by a synthetic monitor; its SLIs as outputs and as a values file for a gate step. */
async function synthetic(inputs: ActionInputs): Promise<void> {
  const check = await runSyntheticCheck({
    url: syntheticUrlOf(inputs.gate, "github"),
    options: inputs.gate,
    cwd: readCiContext(process.env).workspace ?? process.cwd(),
    env: environment(inputs),
    onProgress: (message) => core.info(message),
  });
  const values = await writeSyntheticValues(check, join(process.env.RUNNER_TEMP ?? process.cwd(), "slogate"));
  core.setOutput("sli-values", values);
  for (const [sli, value] of Object.entries(check.slis)) core.setOutput(sli.replace(":", "-").replaceAll("_", "-"), String(value));
  await core.summary.addRaw(syntheticMarkdown(check)).write();
}

/** The action: inputs → @slogate/core → outputs, summary, annotations, PR comment, exit state. */
export async function run(): Promise<void> {
  try {
    const inputs = readInputs();
    for (const secret of [inputs.dynatraceToken, inputs.dynatracePlatformToken, inputs.dynatraceClientSecret])
      if (secret) core.setSecret(secret);
    if (inputs.githubToken) core.setSecret(inputs.githubToken);
    const mode = inputs.gate.mode ?? "evaluate";
    if (mode === "event") await sendEvent(inputs);
    else if (mode === "monitoring-plan" || mode === "monitoring-apply") await monitoring(inputs, mode === "monitoring-apply");
    else if (mode === "synthetic") await synthetic(inputs);
    else await gate(inputs, mode);
  } catch (error) {
    const failure = describeFailure(error, core.isDebug());
    for (const diagnostic of failure.diagnostics) annotate(diagnostic);
    core.setFailed(`slogate: ${failure.message}`);
  }
}
