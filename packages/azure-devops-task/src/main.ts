import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type Diagnostic,
  describeFailure,
  exitCancelled,
  type GateOutcome,
  type GatePublisher,
  HTML_RUNS,
  monitoringMarkdown,
  type Problem,
  publishGate,
  readCiContext,
  runMonitoring,
  runPipelineGate,
  runSyntheticCheck,
  type SlogateResult,
  syntheticMarkdown,
  syntheticUrlOf,
  terminationSignal,
  writeSyntheticValues,
} from "@slogate/core";
import * as tl from "azure-pipelines-task-lib/task.js";
import { endpointParameter, readInputs, type TaskInputs } from "./inputs.js";
import { postPullRequestStatus } from "./pull-request-status.js";

function issue(diagnostic: Diagnostic): void {
  const text = `${diagnostic.message}${diagnostic.expected ? `; expected ${diagnostic.expected}` : ""}${diagnostic.suggestion ? `. ${diagnostic.suggestion}` : ""}`;
  tl.logIssue(
    diagnostic.severity === "error" ? tl.IssueType.Error : tl.IssueType.Warning,
    text,
    diagnostic.position.file,
    diagnostic.position.line,
    diagnostic.position.column,
  );
}

async function pullRequestStatus(result: SlogateResult): Promise<void> {
  const context = readCiContext(process.env);
  const { pullRequest: pullRequestId, serverUrl: collectionUri, projectId: project, repository: repositoryId } = context;
  const accessToken = endpointParameter("SystemVssConnection", "AccessToken");
  if (!pullRequestId || !collectionUri || !project || !repositoryId) {
    console.log("slogate: not a pull-request build; no pull-request status");
    return;
  }
  if (context.repositoryHost && context.repositoryHost !== "TfsGit") {
    console.log(
      `slogate: no pull-request status: the repository is on ${context.repositoryHost}, and statuses are for Azure Repos (the summary has the report)`,
    );
    return;
  }
  if (!accessToken) {
    tl.warning("slogate: no access token for the pull-request status (allow scripts to access the OAuth token)");
    return;
  }
  tl.setSecret(accessToken);
  const warning = await postPullRequestStatus(
    { collectionUri, project, repositoryId, pullRequestId, accessToken, env: process.env },
    result,
    context.runUrl,
  );
  if (warning) tl.warning(`slogate: ${warning}`);
  else console.log(`slogate: pull-request status posted on !${pullRequestId}`);
}

const OUTPUT_NAMES: Partial<Record<Parameters<GatePublisher["output"]>[0], string>> = {
  result: "result",
  score: "score",
  evaluationId: "evaluationId",
  reportJson: "reportJson",
  reportHtml: "reportHtml",
};

const ANNOUNCE: Record<Problem["severity"], (message: string) => void> = {
  error: (message) => tl.error(message),
  warning: (message) => tl.warning(message),
  notice: (message) => console.log(message),
};

const TASK_RESULT: Record<GateOutcome["state"], tl.TaskResult> = {
  succeeded: tl.TaskResult.Succeeded,
  warning: tl.TaskResult.SucceededWithIssues,
  failed: tl.TaskResult.Failed,
  invalid: tl.TaskResult.Failed,
  cancelled: tl.TaskResult.Failed,
  errored: tl.TaskResult.Failed,
};

/** The agent's verbs for a gate's answer: output variables, issues, the build summary, the PR status, the task result. */
function azurePublisher(inputs: TaskInputs): GatePublisher {
  const directory = join(tl.getVariable("Agent.TempDirectory") ?? process.cwd(), "slogate");
  const write = async (path: string, text: string) => {
    await mkdir(join(path, ".."), { recursive: true });
    await writeFile(path, text);
    return path;
  };
  return {
    // The summary is a Markdown attachment: keep it a readable size.
    summaryLimit: 1_000_000,
    problemLimit: 10,
    output(name, value) {
      const variable = OUTPUT_NAMES[name];
      if (variable) tl.setVariable(variable, value, false, true);
    },
    artifact: (_kind, name, text) => write(join(directory, name), text),
    problem: (problem) => ANNOUNCE[problem.severity](`slogate: ${problem.message}`),
    // A summary attachment named once, so the run's Extensions tab shows a stable section title
    // (uploadSummary would title it with the file's name).
    summary: async (markdown, result) =>
      tl.addAttachment(
        "Distributedtask.Core.Summary",
        "slogate quality gate",
        await write(join(directory, result.id, "slogate.md"), markdown),
      ),
    feedback: async (result) => {
      if (inputs.pullRequestStatus) await pullRequestStatus(result);
    },
    finish: (outcome) => tl.setResult(TASK_RESULT[outcome.state], outcome.headline),
  };
}

/** The task's environment for the core: the agent's, with the service connection's Dynatrace credentials. */
function environment(inputs: TaskInputs): Record<string, string | undefined> {
  const env = { ...process.env };
  if (inputs.dynatraceUrl) env.DT_URL = inputs.dynatraceUrl;
  Object.assign(env, inputs.dynatraceEnv);
  return env;
}

/** A Markdown summary attachment, and where it was written. */
async function attachSummary(title: string, name: string, markdown: string): Promise<void> {
  const path = join(tl.getVariable("Agent.TempDirectory") ?? process.cwd(), "slogate", name);
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, markdown);
  tl.addAttachment("Distributedtask.Core.Summary", title, path);
}

/** mode monitoring-plan / monitoring-apply: the gate's dashboard and alerts; the summary says what changed. */
async function monitoring(inputs: TaskInputs, apply: boolean): Promise<void> {
  const run = await runMonitoring({
    options: inputs.gate,
    cwd: readCiContext(process.env).workspace ?? process.cwd(),
    env: environment(inputs),
    prune: inputs.gate.monitoringPrune === true,
    apply,
  });
  for (const line of run.lines) console.log(line);
  tl.setVariable("monitoringWrites", String(run.writes), false, true);
  await attachSummary("slogate monitoring", "monitoring.md", monitoringMarkdown(run, apply));
  if (run.refused) tl.setResult(tl.TaskResult.Failed, `slogate: ${run.refused}`);
  else
    tl.setResult(
      tl.TaskResult.Succeeded,
      `slogate: monitoring ${apply ? "applied" : "planned"}, ${run.writes} write${run.writes === 1 ? "" : "s"}`,
    );
}

/** mode synthetic: the deployment checked by a synthetic monitor; its SLIs as output variables and a values file. */
async function synthetic(inputs: TaskInputs): Promise<void> {
  const check = await runSyntheticCheck({
    url: syntheticUrlOf(inputs.gate, "azure"),
    options: inputs.gate,
    cwd: readCiContext(process.env).workspace ?? process.cwd(),
    env: environment(inputs),
    onProgress: (message) => console.log(message),
  });
  const values = await writeSyntheticValues(check, join(tl.getVariable("Agent.TempDirectory") ?? process.cwd(), "slogate"));
  tl.setVariable("sliValuesFile", values, false, true);
  tl.setVariable("syntheticAvailability", String(check.slis["synthetic:availability"] ?? ""), false, true);
  tl.setVariable("syntheticResponseTime", String(check.slis["synthetic:response_time"] ?? ""), false, true);
  await attachSummary("slogate synthetic check", "synthetic.md", syntheticMarkdown(check));
  tl.setResult(tl.TaskResult.Succeeded, `slogate: synthetic availability ${check.slis["synthetic:availability"]}%`);
}

async function gate(inputs: TaskInputs, mode: "evaluate" | "run"): Promise<void> {
  const env = environment(inputs);
  // A history branch is pushed with the job's access token (System.AccessToken), sent as a header.
  const accessToken = inputs.gate.historyBranch ? endpointParameter("SystemVssConnection", "AccessToken") : undefined;
  if (accessToken) {
    tl.setSecret(accessToken);
    env.SLOGATE_GIT_TOKEN = accessToken;
  }
  const pipeline = await runPipelineGate({
    mode,
    options: inputs.gate,
    cwd: readCiContext(process.env).workspace ?? process.cwd(),
    env,
    recentRuns: HTML_RUNS,
    ...(mode === "run"
      ? { signal: terminationSignal((signal) => tl.warning(`slogate: ${signal} received: stopping the load test`), exitCancelled) }
      : {}),
    onDiagnostic: issue,
    onWarning: (message) => tl.warning(message),
    onProgress: (message) => console.log(message),
    log: (line) => console.log(line),
  });
  await publishGate(pipeline, inputs.policy, azurePublisher(inputs));
}

/** The task: inputs and the service connection → @slogate/core → outputs, summary, issues, result. */
export async function run(): Promise<void> {
  try {
    const inputs = readInputs();
    if (inputs.mode === "monitoring-plan" || inputs.mode === "monitoring-apply")
      await monitoring(inputs, inputs.mode === "monitoring-apply");
    else if (inputs.mode === "synthetic") await synthetic(inputs);
    else await gate(inputs, inputs.mode);
  } catch (error) {
    // Every error ends the task as Failed with its reason: never a green run on a broken gate.
    const failure = describeFailure(error, tl.getVariable("System.Debug") === "true");
    for (const diagnostic of failure.diagnostics) issue(diagnostic);
    tl.setResult(tl.TaskResult.Failed, `slogate: ${failure.message}`);
  }
}
