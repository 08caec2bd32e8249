import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  ConfigError,
  commonGateRequest,
  type Diagnostic,
  ExternalServiceError,
  type GateRun,
  isSlogateError,
  renderMarkdownWithin,
  renderReport,
  runPipelineGate,
  terminationSignal,
} from "@slogate/core";
import * as tl from "azure-pipelines-task-lib/task.js";
import { type BuildMark, endpointParameter, InputError, readInputs, type TaskInputs } from "./inputs.js";
import { postPullRequestStatus } from "./pull-request-status.js";

/** Earlier runs in the summary's heatmap and in the HTML report's. */
const MARKDOWN_RUNS = 10;
const HTML_RUNS = 29;
/** The build summary is a Markdown attachment; keep it a readable size. */
const SUMMARY_LIMIT = 1_000_000;
const ISSUE_LIMIT = 10;

const RESULTS: Record<BuildMark, tl.TaskResult> = {
  failed: tl.TaskResult.Failed,
  warning: tl.TaskResult.SucceededWithIssues,
  nothing: tl.TaskResult.Succeeded,
};

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

async function writeReports(run: GateRun): Promise<{ json: string; markdown: string; html: string }> {
  const directory = join(tl.getVariable("Agent.TempDirectory") ?? process.cwd(), "slogate");
  await mkdir(directory, { recursive: true });
  const { result } = run;
  const paths = {
    json: join(directory, `${result.id}.json`),
    markdown: join(directory, `slogate-${result.id}.md`),
    html: join(directory, `${result.id}.html`),
  };
  await writeFile(paths.json, renderReport("json", result));
  await writeFile(paths.markdown, renderMarkdownWithin(result, SUMMARY_LIMIT, run.recent.slice(-MARKDOWN_RUNS)));
  await writeFile(paths.html, renderReport("html", result, { recent: run.recent }));
  return paths;
}

async function pullRequestStatus(run: GateRun): Promise<void> {
  const pullRequestId = tl.getVariable("System.PullRequest.PullRequestId");
  const collectionUri = tl.getVariable("System.CollectionUri");
  const project = tl.getVariable("System.TeamProject");
  const repositoryId = tl.getVariable("Build.Repository.ID");
  const accessToken = endpointParameter("SystemVssConnection", "AccessToken");
  if (!pullRequestId || !collectionUri || !project || !repositoryId) {
    console.log("slogate: not a pull-request build; no pull-request status");
    return;
  }
  if (!accessToken) {
    tl.warning("slogate: no access token for the pull-request status (allow scripts to access the OAuth token)");
    return;
  }
  tl.setSecret(accessToken);
  const warning = await postPullRequestStatus(
    { collectionUri, project, repositoryId, pullRequestId, accessToken, env: process.env },
    run.result,
  );
  if (warning) tl.warning(`slogate: ${warning}`);
  else console.log(`slogate: pull-request status posted on !${pullRequestId}`);
}

async function gate(inputs: TaskInputs): Promise<void> {
  const env = { ...process.env };
  if (inputs.dynatraceUrl) env.DT_URL = inputs.dynatraceUrl;
  if (inputs.dynatraceToken) env.DT_API_TOKEN = inputs.dynatraceToken;
  const { loaded, run, workload } = await runPipelineGate({
    mode: inputs.mode,
    ...commonGateRequest(inputs, {
      cwd: tl.getVariable("System.DefaultWorkingDirectory") ?? process.cwd(),
      env,
      onWarning: (message) => tl.warning(message),
      onProgress: (message) => console.log(message),
    }),
    workload: {
      ...(inputs.target ? { target: inputs.target } : {}),
      ...(inputs.duration ? { duration: inputs.duration } : {}),
      ...(inputs.vus !== undefined ? { vus: inputs.vus } : {}),
      ...(inputs.testName ? { name: inputs.testName } : {}),
    },
    ...(inputs.baseline ? { baseline: inputs.baseline } : {}),
    recentRuns: HTML_RUNS,
    ...(inputs.mode === "run"
      ? { signal: terminationSignal((signal) => tl.warning(`slogate: ${signal} received: stopping the load test`)) }
      : {}),
    adjust: (plan) => {
      for (const diagnostic of [...plan.diagnostics, ...plan.slo.diagnostics]) issue(diagnostic);
    },
    log: (line) => console.log(line),
    onEventWarning: (kind, warning) => tl.warning(`${kind} event: ${warning}`),
  });
  if (workload?.reason) tl.error(`slogate load test: ${workload.reason}`);
  if (!run) {
    tl.setResult(tl.TaskResult.Failed, "slogate: the load test was cancelled; no verdict for a partial test");
    return;
  }
  if (run.invalidConfig) {
    tl.setResult(tl.TaskResult.Failed, "slogate: the SLO is invalid (see the issues above); no verdict");
    return;
  }
  const { result } = run;
  const paths = await writeReports(run);
  tl.setVariable("result", result.result, false, true);
  tl.setVariable("score", String(result.score), false, true);
  tl.setVariable("evaluationId", result.id, false, true);
  tl.setVariable("reportJson", paths.json, false, true);
  tl.setVariable("reportHtml", paths.html, false, true);
  tl.uploadSummary(paths.markdown);

  const failed = result.objectives.filter((o) => o.status === "fail");
  const warned = result.objectives.filter((o) => o.status === "warning");
  for (const objective of failed.slice(0, ISSUE_LIMIT))
    tl.error(`slogate: ${objective.displayName || objective.sli}: ${objective.explanation}`);
  for (const objective of warned.slice(0, ISSUE_LIMIT))
    tl.warning(`slogate: ${objective.displayName || objective.sli}: ${objective.explanation}`);
  // A value that could not be fetched is never passed over in silence, whatever the verdict.
  for (const objective of result.objectives) {
    if (objective.error) tl.warning(`slogate: SLI ${objective.sli} has no usable value: ${objective.error}`);
  }
  for (const warning of run.event?.warnings ?? []) tl.warning(`slogate: ${warning}`);
  if (inputs.pullRequestStatus) await pullRequestStatus(run);

  const summary = `slogate: ${result.result} (score ${result.score})${result.message ? `: ${result.message}` : ""}`;
  if (run.event && !run.event.delivered && loaded.plan.eventsRequired) {
    tl.setResult(tl.TaskResult.Failed, "slogate: the gate-result event was not delivered and events are required");
  } else if (result.result === "fail") {
    tl.setResult(RESULTS[inputs.markBuildOnFail], summary);
  } else if (result.result === "warning") {
    tl.setResult(RESULTS[inputs.markBuildOnWarning], summary);
  } else {
    tl.setResult(tl.TaskResult.Succeeded, summary);
  }
}

/** The task: inputs and the service connection → @slogate/core → outputs, summary, issues, result. */
export async function run(): Promise<void> {
  try {
    await gate(readInputs());
  } catch (error) {
    // Every error ends the task as Failed with its reason: never a green run on a broken gate.
    if (error instanceof ConfigError) {
      for (const diagnostic of error.diagnostics) issue(diagnostic);
      tl.setResult(tl.TaskResult.Failed, "slogate: the configuration is invalid; see the issues above");
    } else if (error instanceof InputError || isSlogateError(error) || error instanceof ExternalServiceError) {
      const suggestion = (error as { suggestion?: string }).suggestion;
      tl.setResult(tl.TaskResult.Failed, `slogate: ${(error as Error).message}${suggestion ? `. ${suggestion}` : ""}`);
    } else {
      tl.setResult(tl.TaskResult.Failed, `slogate: internal error: ${(error as Error).message}`);
    }
  }
}
