import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import {
  type CiContext,
  type CliIo,
  describeFailure,
  main,
  monitoringMarkdown,
  readCiContext,
  renderMarkdownWithin,
  runMonitoring,
  runSyntheticCheck,
  type SlogateResult,
  syntheticMarkdown,
  syntheticUrlOf,
} from "@slogate/core";
import { upsertMergeRequestNote } from "./merge-request-note.js";
import { gateArguments, type JobSettings, readSettings } from "./settings.js";

/** GitLab's limit for a note is about 1,000,000 characters; stay well under it. */
const NOTE_LIMIT = 900_000;

export interface JobIo extends CliIo {
  /** Where the job runs (CI_PROJECT_DIR). */
  cwd: string;
}

/** dotenv report: one `KEY=value` per line, single-line values, no quotes (GitLab strips none). */
export function dotenv(values: Record<string, string>): string {
  return `${Object.entries(values)
    .map(([key, value]) => `${key}=${value.replace(/[\r\n]+/g, " ")}`)
    .join("\n")}\n`;
}

/** A link to one of this job's artifacts (the run URL of a GitLab job is the job's page). */
function artifactUrl(context: CiContext, path: string): string | null {
  return context.runUrl?.includes("/-/jobs/") ? `${context.runUrl}/artifacts/file/${path}` : null;
}

async function write(io: JobIo, path: string, text: string): Promise<void> {
  const target = resolve(io.cwd, path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, text, "utf8");
}

async function readResult(io: JobIo, settings: JobSettings): Promise<SlogateResult | null> {
  try {
    return JSON.parse(await readFile(resolve(io.cwd, settings.reportDir, "result.json"), "utf8")) as SlogateResult;
  } catch {
    return null;
  }
}

async function postNote(io: JobIo, settings: JobSettings, result: SlogateResult): Promise<void> {
  const context = readCiContext(io.env);
  if (!settings.gitlabToken) {
    io.stdout(
      `slogate: no merge-request note: put a project access token (api scope) in a masked variable named ${settings.gitlabTokenVariable} to get one (the job token cannot write notes)\n`,
    );
    return;
  }
  const url = io.env.SLOGATE_GITLAB_URL ?? context.serverUrl;
  if (!url || !context.projectId) {
    io.stdout("slogate: no merge-request note: CI_SERVER_URL and CI_PROJECT_ID are not set (not a GitLab job?)\n");
    return;
  }
  const markdown = renderMarkdownWithin(result, NOTE_LIMIT);
  try {
    const outcome = await upsertMergeRequestNote(
      {
        url,
        token: settings.gitlabToken,
        projectId: context.projectId,
        key: context.job ?? "slogate",
        ...(context.pullRequest ? { mergeRequestIid: context.pullRequest } : {}),
        ...(context.commit ? { commitSha: context.commit } : {}),
      },
      markdown,
    );
    if (outcome.kind === "skipped" || outcome.kind === "not-allowed") io.stdout(`slogate: no merge-request note: ${outcome.reason}\n`);
    else io.stdout(`slogate: merge-request note ${outcome.kind} on !${outcome.mergeRequest} (note ${outcome.noteId})\n`);
  } catch (error) {
    // The note is feedback, not the verdict: a GitLab outage must not change the job's result.
    io.stderr(`slogate: warning: the merge-request note could not be written: ${(error as Error).message}\n`);
  }
}

/**
 * The component's job: the gate through the slogate CLI (in this process), then GitLab's reports
 * (JUnit and HTML/Markdown/JSON from the CLI, dotenv and annotations here), the merge-request note,
 * and the exit status GitLab understands: 0 pass, the warning exit code (allowed) or 1.
 */
export async function runJob(io: JobIo): Promise<number> {
  let settings: JobSettings;
  try {
    settings = readSettings(io.env);
  } catch (error) {
    const failure = describeFailure(error);
    io.stderr(`slogate: ${failure.message}; check the component's inputs\n`);
    return failure.exitCode;
  }
  const env = {
    ...io.env,
    ...(settings.dynatraceToken ? { DT_API_TOKEN: settings.dynatraceToken } : {}),
    ...(settings.historyToken ? { SLOGATE_GIT_TOKEN: settings.historyToken } : {}),
  };
  if (settings.mode === "monitoring-plan" || settings.mode === "monitoring-apply" || settings.mode === "synthetic") {
    try {
      return await configurationJob(io, settings, env);
    } catch (error) {
      const failure = describeFailure(error);
      io.stderr(`slogate: ${failure.message}\n`);
      return failure.exitCode;
    }
  }
  const status = await main(gateArguments(settings, settings.mode), { ...io, env });
  const result = status === 2 ? null : await readResult(io, settings);

  await write(
    io,
    `${settings.reportDir}/slogate.env`,
    dotenv({
      SLOGATE_RESULT: result?.result ?? "error",
      SLOGATE_SCORE: result ? String(result.score) : "",
      SLOGATE_EVALUATION_ID: result?.id ?? "",
      ...(settings.mode === "run" && result ? { SLOGATE_WINDOW_START: result.window.start, SLOGATE_WINDOW_END: result.window.end } : {}),
    }),
  );
  const links = [
    ["slogate report (HTML: heatmap, trends)", `${settings.reportDir}/report.html`],
    ["slogate report (Markdown)", `${settings.reportDir}/report.md`],
    ["slogate result (JSON)", `${settings.reportDir}/result.json`],
  ].flatMap(([label, path]) => {
    const url = artifactUrl(readCiContext(io.env), path as string);
    return url ? [{ external_link: { label, url } }] : [];
  });
  await write(io, `${settings.reportDir}/annotations.json`, `${JSON.stringify({ slogate: links })}\n`);

  if (status === 2) return 2;
  if (status === 130) return 130;
  if (!result) {
    io.stderr(`slogate: the gate stopped without a result (exit status ${status})\n`);
    return 1;
  }
  await postNote(io, settings, result);
  // The CLI decided the outcome (fail-on, warning exit code); GitLab shows a red "Job failed:
  // exit code 3" even for an allowed failure, so the last line says what it is.
  if (status === settings.warningExitCode) {
    io.stdout(
      `slogate: ${result.result.toUpperCase()}, an allowed failure (exit code ${settings.warningExitCode}): the pipeline goes on\n`,
    );
  }
  return status;
}

/**
 * mode monitoring-plan / monitoring-apply and synthetic: the core's run, its Markdown in the report
 * directory (linked from the job), its figures in the dotenv report for later jobs, and for the
 * synthetic check the SLIs as a values file a gate job can take (sli-values).
 */
async function configurationJob(io: JobIo, settings: JobSettings, env: Record<string, string | undefined>): Promise<number> {
  const path = (name: string) => `${settings.reportDir}/${name}`;
  const report = settings.mode === "synthetic" ? "synthetic.md" : "monitoring.md";
  const url = artifactUrl(readCiContext(io.env), path(report));
  await write(
    io,
    path("annotations.json"),
    `${JSON.stringify({ slogate: url ? [{ external_link: { label: `slogate ${settings.mode}`, url } }] : [] })}\n`,
  );
  if (settings.mode === "synthetic") {
    const check = await runSyntheticCheck({
      url: syntheticUrlOf(settings.gate, "gitlab"),
      options: settings.gate,
      cwd: io.cwd,
      env,
      onProgress: (message) => io.stdout(`slogate: ${message}\n`),
    });
    await write(io, path("synthetic.json"), `${JSON.stringify(check.slis)}\n`);
    await write(io, path("synthetic.md"), syntheticMarkdown(check));
    await write(
      io,
      path("slogate.env"),
      dotenv({
        SLOGATE_SYNTHETIC_AVAILABILITY: String(check.slis["synthetic:availability"] ?? ""),
        SLOGATE_SYNTHETIC_RESPONSE_TIME: String(check.slis["synthetic:response_time"] ?? ""),
        SLOGATE_SLI_VALUES: path("synthetic.json"),
      }),
    );
    io.stdout(syntheticMarkdown(check));
    return 0;
  }
  const apply = settings.mode === "monitoring-apply";
  const run = await runMonitoring({ options: settings.gate, cwd: io.cwd, env, prune: settings.gate.monitoringPrune === true, apply });
  await write(io, path("monitoring.md"), monitoringMarkdown(run, apply));
  await write(io, path("slogate.env"), dotenv({ SLOGATE_MONITORING_WRITES: String(run.writes) }));
  for (const line of run.lines) io.stdout(`${line}\n`);
  if (run.refused) {
    io.stderr(`slogate: ${run.refused}\n`);
    return 1;
  }
  return 0;
}
