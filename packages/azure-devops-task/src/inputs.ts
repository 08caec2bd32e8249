import { type GateOptions, type OutcomePolicy, parseFlag, readGateOptions, SlogateError, type StepState } from "@slogate/core";
import * as tl from "azure-pipelines-task-lib/task.js";

/** The task's inputs: the gate's options (declared in the core) and Azure's own. */
export interface TaskInputs {
  mode: "evaluate" | "run";
  gate: GateOptions;
  /** markBuildOnFail and markBuildOnWarning: the outcome policy in the task's terms. */
  policy: OutcomePolicy;
  pullRequestStatus: boolean;
  dynatraceUrl?: string;
  dynatraceToken?: string;
}

/** The task's pick-list entries for a build result, as step states. */
const BUILD_MARKS: Record<string, StepState> = { failed: "failed", warning: "warning", nothing: "succeeded" };

function optional(name: string): string | undefined {
  const value = tl.getInput(name, false)?.trim();
  return value ? value : undefined;
}

function mark(name: string, fallback: StepState): StepState {
  const value = optional(name);
  if (value === undefined) return fallback;
  const state = BUILD_MARKS[value];
  if (!state) throw new SlogateError("INVALID_INPUT", `${name}: ${JSON.stringify(value)} is not failed, warning or nothing`);
  return state;
}

/**
 * A secret parameter of a service connection. Read from the connection's authorization object:
 * task-lib's getEndpointAuthorizationParameter writes the value itself into a debug line.
 */
export function endpointParameter(connection: string, key: string): string | undefined {
  const authorization = tl.getEndpointAuthorization(connection, true) as { parameters?: Record<string, string> } | undefined;
  const parameters = authorization?.parameters ?? {};
  const found = Object.entries(parameters).find(([name]) => name.toLowerCase() === key.toLowerCase());
  return found?.[1] || undefined;
}

export function readInputs(): TaskInputs {
  // The agent passes a filePath input left empty as the sources directory, never as "".
  const gate = readGateOptions(
    (name, spec) => (spec.parser.path && !tl.filePathSupplied(name) ? undefined : tl.getInput(name, false)),
    "azure",
  );
  const mode = gate.mode ?? "evaluate";
  if (mode === "event")
    throw new SlogateError("INVALID_INPUT", 'mode: "event" is not a mode of the task', { suggestion: "Use evaluate or run" });
  const inputs: TaskInputs = {
    mode,
    gate,
    policy: { onFail: mark("markBuildOnFail", "failed"), onWarning: mark("markBuildOnWarning", "warning"), warningExitCode: 0 },
    pullRequestStatus: parseFlag(optional("pullRequestStatus") ?? "false", "pullRequestStatus"),
  };
  const connection = optional("dynatraceConnection");
  if (connection) {
    const url = tl.getEndpointUrl(connection, false);
    const token = endpointParameter(connection, "apitoken");
    if (!token) throw new SlogateError("INVALID_INPUT", `the service connection ${connection} has no API token`);
    tl.setSecret(token);
    if (url) inputs.dynatraceUrl = url;
    inputs.dynatraceToken = token;
  }
  return inputs;
}
