import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import { readCiContext } from "../ci/index.js";
import { formatDiagnostic } from "../config/diagnostics.js";
import { findConfig } from "../config/find-config.js";
import type { RemediationCommand } from "../config/load-config.js";
import { SlogateError } from "../errors.js";
import { DynatraceEventSink } from "../events/dynatrace.js";
import { sleep } from "../http/http-client.js";
import { commandLineSpec, type GateOptions, optionsHelp, readCommandLine } from "../options.js";
import { runPipelineGate } from "../pipeline-gate.js";
import { loadPlan } from "../plan.js";
import { DynatraceProblems, type Problem } from "../remediation/dynatrace-problems.js";
import { readProblemInput } from "../remediation/problem-input.js";
import { type ActionRun, type GateCheck, remediate } from "../remediation/remediate.js";
import { loadRemediation, type Remediation, type RemediationAction, remediationFor } from "../remediation/remediation-file.js";
import { dynatraceConnection } from "../sli/dynatrace/connection.js";
import { parseTimeframe } from "../window.js";
import { describeEnd, runProcess } from "../workload/child-process.js";
import { CANCELLED_EXIT_CODE, type CliIo } from "./io.js";
import { parseCommandLine, usageError } from "./usage.js";

export const REMEDIATE_HELP = `Usage: slogate remediate --problem <id | notification.json> --remediation <remediation.yaml> [options]

Remediation as code, run by CI: for an open Dynatrace problem, runs the actions Keptn's
remediation.yaml lists for its type one by one; after each, waits, then checks whether the problem
closed or the quality gate passes. Stops at the first action that brings the service back;
otherwise escalates. Every step is a comment on the problem (context slogate-remediation) and an
event on its root-cause entity. Connection: DT_URL and DT_API_TOKEN (problems.read,
problems.write, events.ingest), or providers.dynatrace in slogate.yaml.

Remediation:
  --problem <id|file>        the problem id (API v2 problemId, the webhook's {PID}), or the
                             custom webhook's payload as a file
  --remediation <file>       Keptn's remediation.yaml (default: remediation.file in slogate.yaml)
  --wait <duration>          time between an action and its check (default 10m; 0s allowed)

The quality gate after each action (without --slo and slogate.yaml: only the problem's state):
${optionsHelp("evaluate", ["sources", "history", "window", "outcome"])}
  -h, --help                 show this help

An action runs the command it names (command: in remediation.yaml) or the one slogate.yaml's
remediation.actions gives its kind, with the problem and the action as SLOGATE_PROBLEM_* and
SLOGATE_ACTION_* environment variables. The gate judges the last --timeframe (default: the wait,
at least 1m) before each check.

Exit status: 0 the service is back (gate passing or problem closed), or nothing to do (closed
already, handled by another run, a test notification, --dry-run); 1 the actions ran out
(escalated); 2 invalid input.
`;

const OWN_OPTIONS = {
  problem: { type: "string" },
  remediation: { type: "string" },
  wait: { type: "string" },
} as const;

const DEFAULT_WAIT = "10m";
const DEFAULT_ACTION_TIMEOUT = "10m";
const MIN_GATE_WINDOW_MS = 60_000;

/** The command an action runs: its own in remediation.yaml, else slogate.yaml's for its kind. */
function commandOf(action: RemediationAction, configured: Record<string, RemediationCommand>): RemediationCommand {
  if (action.command) {
    return {
      command: action.command,
      ...(action.shell !== undefined ? { shell: action.shell } : {}),
      ...(action.timeout ? { timeout: action.timeout } : {}),
    };
  }
  const known = Object.hasOwn(configured, action.action) ? configured[action.action] : undefined;
  if (known) return known;
  throw new SlogateError("INVALID_INPUT", `the remediation action "${action.name}" (${action.action}) has no command to run`, {
    suggestion: `Give the action a command: [program, args…] in remediation.yaml, or set remediation.actions.${action.action}.command in slogate.yaml`,
  });
}

/** What the action's command sees: the problem, the action, and the gate's labels. */
function actionEnvironment(action: RemediationAction, index: number, problem: Problem, labels: Record<string, string>) {
  const env: Record<string, string> = {
    SLOGATE_PROBLEM_ID: problem.problemId,
    SLOGATE_PROBLEM_DISPLAY_ID: problem.displayId,
    SLOGATE_PROBLEM_TITLE: problem.title,
    SLOGATE_PROBLEM_STATUS: problem.status,
    SLOGATE_PROBLEM_IMPACT: problem.impactLevel,
    SLOGATE_PROBLEM_SEVERITY: problem.severityLevel,
    SLOGATE_ROOT_CAUSE_ID: problem.rootCause?.id ?? "",
    SLOGATE_ROOT_CAUSE_TYPE: problem.rootCause?.type ?? "",
    SLOGATE_ROOT_CAUSE_NAME: problem.rootCause?.name ?? "",
    SLOGATE_ACTION: action.action,
    SLOGATE_ACTION_NAME: action.name,
    SLOGATE_ACTION_INDEX: String(index + 1),
    SLOGATE_ACTION_VALUE:
      action.value === null ? "" : typeof action.value === "object" ? JSON.stringify(action.value) : String(action.value),
  };
  if (typeof action.value === "object" && action.value !== null && !Array.isArray(action.value)) {
    for (const [key, value] of Object.entries(action.value)) {
      env[`SLOGATE_ACTION_VALUE_${key.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`] =
        typeof value === "object" ? JSON.stringify(value) : String(value);
    }
  }
  for (const [key, value] of Object.entries(labels)) env[`SLOGATE_LABEL_${key.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`] = value;
  return env;
}

function positiveOrZeroDuration(text: string, option: string): number {
  if (/^0+(\.0+)?(ms|s|m|h|d)?$/.test(text.trim())) return 0;
  const ms = parseTimeframe(text);
  if (ms < 0) throw usageError(`${option} ${JSON.stringify(text)} is not a duration`, "Use e.g. 0s, 30s or 10m");
  return ms;
}

export async function remediateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(
    args,
    { ...commandLineSpec("evaluate"), ...OWN_OPTIONS, help: { type: "boolean", short: "h" } },
    "remediate",
  );
  if (values.help) {
    io.stdout(REMEDIATE_HELP);
    return 0;
  }
  if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`, "See slogate remediate --help");
  const options: GateOptions = readCommandLine(values, "evaluate");
  const given = (name: keyof typeof OWN_OPTIONS) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  const problemGiven = given("problem");
  if (!problemGiven) throw usageError("slogate remediate needs --problem", "Pass the problem id, or the webhook payload file");
  const config = await findConfig(io.cwd, options.config);
  const settings = config?.remediation ?? null;
  const remediationPath = given("remediation") ? resolve(io.cwd, given("remediation") as string) : settings?.file;
  if (!remediationPath) {
    throw usageError(
      "slogate remediate needs the remediation file",
      "Pass --remediation remediation.yaml, or set remediation.file in slogate.yaml",
    );
  }
  const waitText = given("wait") ?? settings?.wait ?? DEFAULT_WAIT;
  const waitMs = positiveOrZeroDuration(waitText, "--wait");
  const file = await loadRemediation(remediationPath);
  const input = await readProblemInput(problemGiven, io.cwd);
  const configured = settings?.actions ?? {};
  // Every action of the chosen remediation must have its command before anything runs.
  const pick = (problem: Problem): Remediation | null => {
    const chosen = remediationFor(file, problem.title);
    for (const action of chosen?.actions ?? []) parseTimeframe(commandOf(action, configured).timeout ?? DEFAULT_ACTION_TIMEOUT);
    return chosen;
  };
  const connection = dynatraceConnection(config?.providers.dynatrace ?? {}, io.env);
  const problems = new DynatraceProblems(connection.endpoints, connection.credentials);
  try {
    if (options.dryRun) return await dryRun(io, problems, input.id, pick, configured, waitText);
    const context = readCiContext(io.env);
    const labels = { ...(config?.labels ?? {}), ...(options.labels ?? {}) };
    const gateWindow = options.timeframe ?? `${Math.max(waitMs, MIN_GATE_WINDOW_MS)}ms`;
    const gateConfigured = options.slo !== undefined || options.dashboard !== undefined || config !== null;
    // The gate's configuration is read before anything runs: a mistake in it is found now, not
    // after the first action and its wait.
    if (gateConfigured) await loadPlan({ ...options, cwd: io.cwd, env: io.env });
    const gateCheck = gateConfigured ? () => evaluateGate(io, { ...options, timeframe: gateWindow }) : null;
    const signal = io.cancelSignal?.() ?? new AbortController().signal;
    let outcome: Awaited<ReturnType<typeof remediate>>;
    try {
      outcome = await remediate(
        {
          problemId: input.id,
          testNotification: input.testNotification,
          pick,
          waitMs,
          signal,
        },
        {
          problems,
          runAction: (action, index, problem, signal) =>
            runAction(io, commandOf(action, configured), actionEnvironment(action, index, problem, labels), signal),
          checkGate: gateCheck,
          sendEvent: async (event, problem) => {
            const entity = problem.rootCause ?? problem.affectedEntities[0] ?? null;
            const sink = new DynatraceEventSink({
              ...connection,
              ...(entity ? { entitySelector: `entityId("${entity.id}")` } : {}),
            });
            try {
              const receipt = await sink.send({ event, context });
              for (const warning of receipt.warnings) io.stderr(`slogate: warning: ${warning}\n`);
            } finally {
              await sink.close();
            }
          },
          wait: (ms, signal) => sleep(ms, signal),
          log: (line) => io.stderr(`${line}\n`),
          runId: randomUUID(),
          ...(context.runUrl ? { runUrl: context.runUrl } : {}),
          now: io.now,
        },
      );
    } catch (error) {
      if (!signal.aborted) throw error;
      io.stderr("slogate remediate: cancelled: the claim on the problem was ended; no verdict\n");
      return CANCELLED_EXIT_CODE;
    }
    if (options.format === "json") {
      io.stdout(
        `${JSON.stringify(
          {
            state: outcome.state,
            message: outcome.message,
            problem: outcome.problem,
            problemType: outcome.remediation?.problemType ?? null,
            comments: outcome.comments,
            actions: outcome.steps.map((step) => ({
              name: step.action.name,
              action: step.action.action,
              ok: step.run.ok,
              detail: step.run.detail,
              problemClosed: step.closed,
              gate: step.gate,
              resolved: step.resolved,
            })),
          },
          null,
          2,
        )}\n`,
      );
    }
    io.stderr(`slogate remediate: ${outcome.state}: ${outcome.message}\n`);
    return outcome.exitCode;
  } finally {
    await problems.close();
  }
}

async function runAction(io: CliIo, spec: RemediationCommand, env: Record<string, string>, signal: AbortSignal): Promise<ActionRun> {
  const timeoutMs = parseTimeframe(spec.timeout ?? DEFAULT_ACTION_TIMEOUT);
  const end = await runProcess(
    { argv: spec.command, shell: spec.shell === true, env: { ...io.env, ...env }, cwd: io.cwd, timeoutMs },
    signal,
    (line) => io.stderr(`  ${line}\n`),
  );
  const described = describeEnd(end, "the command", timeoutMs);
  return described.status === "completed"
    ? { ok: true, detail: "succeeded (exit code 0)" }
    : { ok: false, detail: `failed: ${described.reason ?? described.status}` };
}

/** The quality gate over the window before the check, on the same path as `slogate evaluate`. */
async function evaluateGate(io: CliIo, options: GateOptions): Promise<GateCheck> {
  const gate = await runPipelineGate({
    mode: "evaluate",
    options,
    cwd: io.cwd,
    env: io.env,
    onDiagnostic: (diagnostic) => io.stderr(`${formatDiagnostic(diagnostic)}\n`),
    onWarning: (message) => io.stderr(`${message}\n`),
    log: (line) => io.stderr(`${line}\n`),
    now: io.now,
  });
  const result = gate.run?.result;
  if (!result || result.status === "errored")
    return { verdict: null, summary: `could not evaluate${result?.message ? `: ${result.message}` : ""}` };
  return {
    verdict: result.result,
    summary: `${result.result} (score ${Math.round(result.score * 100) / 100})${result.message ? `: ${result.message}` : ""}`,
  };
}

async function dryRun(
  io: CliIo,
  problems: DynatraceProblems,
  id: string,
  pick: (problem: Problem) => Remediation | null,
  configured: Record<string, RemediationCommand>,
  wait: string,
): Promise<number> {
  const problem = await problems.problem(id);
  const lines = [
    `problem ${problem.displayId} "${problem.title}" (${problem.status}); root cause ${problem.rootCause?.name ?? "none named"}`,
  ];
  const remediation = problem.status === "OPEN" ? pick(problem) : null;
  if (problem.status !== "OPEN") lines.push("closed: nothing would run");
  else if (!remediation) lines.push(`no remediation for "${problem.title}" and no default: would escalate`);
  else {
    lines.push(`remediation "${remediation.problemType}", after each action a ${wait} wait, then the check:`);
    for (const [i, action] of remediation.actions.entries()) {
      const spec = commandOf(action, configured);
      lines.push(`  ${i + 1}. ${action.name} (${action.action}): ${spec.shell ? "sh -c " : ""}${JSON.stringify(spec.command)}`);
    }
  }
  io.stdout(`${lines.join("\n")}\n`);
  io.stderr("slogate remediate: dry run: no action ran, nothing was commented or sent\n");
  return 0;
}
