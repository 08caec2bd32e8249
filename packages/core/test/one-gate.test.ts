import { execFile } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NODE24 as AZURE_NODE24, complete, runTask } from "../../azure-devops-task/test/run-task.js";
import { runAction } from "../../github-action/test/run-action.js";
import { adapterSlo, FAILING_ADAPTER_SLO } from "./adapter-fixtures.js";
import { LocalDynatrace } from "./dynatrace-server.js";
import { REPO_ROOT, runCliAsync, tempDir, writeFiles } from "./support.js";

/**
 * One case, every surface: the CLI, the GitHub Action (its Node 24 bundle), the Azure task (Node
 * 20 and 24) and the GitLab job program must reach the same step state, because one options
 * table and one outcome policy stand behind all of them.
 */
type State = "succeeded" | "warning" | "failed" | "invalid";

/** Dynatrace accepts this token for metrics only: every event is refused (403). */
const METRICS_ONLY_TOKEN = "dt0c01.ONEGATE.metrics-only-4b3a2c";
const GITLAB_JOB = join(REPO_ROOT, "packages", "gitlab-component", "dist", "cli.js");

interface GateCase {
  slo: string;
  values: Record<string, number>;
  missingSli?: "fail";
  requiredEvents?: boolean;
}

const CASES: Array<[string, GateCase, State]> = [
  ["pass", { slo: adapterSlo("<=350"), values: { response_time: 300, error_rate: 0.5 } }, "succeeded"],
  ["warning", { slo: adapterSlo("<=250"), values: { response_time: 300, error_rate: 0.5 } }, "warning"],
  ["fail", { slo: FAILING_ADAPTER_SLO, values: { response_time: 300, error_rate: 0.5 } }, "failed"],
  ["invalid config", { slo: adapterSlo("<=fast"), values: { response_time: 300, error_rate: 0.5 } }, "invalid"],
  ["missing SLI with missing-sli: fail", { slo: adapterSlo("<=350"), values: { response_time: 300 }, missingSli: "fail" }, "failed"],
  [
    "a required event that could not be delivered",
    { slo: adapterSlo("<=350"), values: { response_time: 300, error_rate: 0.5 }, requiredEvents: true },
    "failed",
  ],
];

let dynatrace: LocalDynatrace;
beforeAll(async () => {
  dynatrace = await new LocalDynatrace({ tokens: { [METRICS_ONLY_TOKEN]: ["metrics.read"] }, metrics: {} }).start();
});
afterAll(async () => {
  await dynatrace?.stop();
});

function workspace(gate: GateCase): string {
  const directory = tempDir("slogate-one-gate-");
  writeFiles(directory, { "slo.yaml": gate.slo, "values.json": JSON.stringify(gate.values) });
  return directory;
}

const dynatraceEnv = () => ({ DT_URL: dynatrace.url, DT_API_TOKEN: METRICS_ONLY_TOKEN });

async function viaCli(gate: GateCase): Promise<State> {
  const args = ["evaluate", "--slo", "slo.yaml", "--sli-values", "values.json", "--warning-exit-code", "3"];
  if (gate.missingSli) args.push("--missing-sli", gate.missingSli);
  if (gate.requiredEvents) args.push("--send-event", "--events-required");
  const run = await runCliAsync(args, { cwd: workspace(gate), env: dynatraceEnv() });
  return ({ 0: "succeeded", 3: "warning", 1: "failed", 2: "invalid" } as Record<number, State>)[run.status ?? -1] ?? "failed";
}

/** Platform inputs, named as each platform names them (the options table's names). */
function inputs(gate: GateCase, names: { sliValues: string; missingSli: string; sendEvent: string; eventsRequired: string }) {
  return {
    slo: "slo.yaml",
    [names.sliValues]: "values.json",
    ...(gate.missingSli ? { [names.missingSli]: gate.missingSli } : {}),
    ...(gate.requiredEvents ? { [names.sendEvent]: "true", [names.eventsRequired]: "true" } : {}),
  };
}

async function viaGithub(gate: GateCase): Promise<State> {
  const run = await runAction(
    {
      ...inputs(gate, { sliValues: "sli-values", missingSli: "missing-sli", sendEvent: "send-event", eventsRequired: "events-required" }),
      "dynatrace-url": dynatrace.url,
      "dynatrace-token": METRICS_ONLY_TOKEN,
      "comment-on-pr": "false",
    },
    { workspace: workspace(gate) },
  );
  if (run.status !== 0) return run.stdout.includes("::error::slogate: the configuration is invalid") ? "invalid" : "failed";
  return run.stdout.includes("::warning title=slogate gate%3A warning::") ? "warning" : "succeeded";
}

async function viaAzure(gate: GateCase, node: string): Promise<State> {
  const run = await runTask(
    node,
    inputs(gate, { sliValues: "sliValues", missingSli: "missingSli", sendEvent: "sendEvent", eventsRequired: "eventsRequired" }),
    { files: { "slo.yaml": gate.slo, "values.json": JSON.stringify(gate.values) }, env: dynatraceEnv() },
  );
  const line = complete(run) ?? "";
  if (line.includes("the configuration is invalid")) return "invalid";
  const result = /result=(\w+);/.exec(line)?.[1];
  return ({ Succeeded: "succeeded", SucceededWithIssues: "warning", Failed: "failed" } as Record<string, State>)[result ?? ""] ?? "failed";
}

function viaGitlab(gate: GateCase): Promise<State> {
  const cwd = workspace(gate);
  const variables: Record<string, string> = {
    SLOGATE_SLO: "slo.yaml",
    SLOGATE_SLI_VALUES: "values.json",
    SLOGATE_WARNING_EXIT_CODE: "3",
    SLOGATE_MISSING_SLI: gate.missingSli ?? "",
    SLOGATE_SEND_EVENT: gate.requiredEvents ? "true" : "false",
    SLOGATE_EVENTS_REQUIRED: gate.requiredEvents ? "true" : "false",
    SLOGATE_DYNATRACE_TOKEN_VARIABLE: "DT_API_TOKEN",
  };
  return new Promise((done) =>
    execFile(
      process.execPath,
      [GITLAB_JOB],
      {
        cwd,
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", GITLAB_CI: "true", CI_PROJECT_DIR: cwd, ...dynatraceEnv(), ...variables },
      },
      (error) => {
        const status = error ? ((error as { code?: number }).code ?? 1) : 0;
        done(({ 0: "succeeded", 3: "warning", 1: "failed", 2: "invalid" } as Record<number, State>)[status] ?? "failed");
      },
    ),
  );
}

describe("one gate, every surface: the same case gives the same outcome", () => {
  it.each(CASES)("%s", async (_name, gate, expected) => {
    const states = {
      cli: await viaCli(gate),
      github: await viaGithub(gate),
      "azure (Node 20)": await viaAzure(gate, process.execPath),
      "azure (Node 24)": await viaAzure(gate, AZURE_NODE24),
      gitlab: await viaGitlab(gate),
    };
    expect(states).toEqual({ cli: expected, github: expected, "azure (Node 20)": expected, "azure (Node 24)": expected, gitlab: expected });
  });
});
