import { existsSync } from "node:fs";
import { basename } from "node:path";
import {
  DYNATRACE_HISTORY,
  type GateOptions,
  type OutcomePolicy,
  parseFlag,
  readGateOptions,
  SlogateError,
  type StepState,
} from "@slogate/core";
import * as tl from "azure-pipelines-task-lib/task.js";

/** The task's inputs: the gate's options (declared in the core) and Azure's own. */
export interface TaskInputs {
  mode: Exclude<NonNullable<GateOptions["mode"]>, "event">;
  gate: GateOptions;
  /** markBuildOnFail and markBuildOnWarning: the outcome policy in the task's terms. */
  policy: OutcomePolicy;
  pullRequestStatus: boolean;
  dynatraceUrl?: string;
  /** The connection's credentials, as the core reads them (DT_API_TOKEN, DT_PLATFORM_TOKEN, DT_CLIENT_ID…). */
  dynatraceEnv: Record<string, string>;
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

/**
 * The service connection's credentials under the names the core reads: the token scheme's API
 * token (and an optional platform token), or the OAuth-client scheme's id and secret with the
 * connection's account URN. Every secret is masked.
 */
function connectionCredentials(connection: string): Record<string, string> {
  const scheme = (tl.getEndpointAuthorizationScheme(connection, true) ?? "").toLowerCase();
  const credentials: Record<string, string> = {};
  const take = (variable: string, key: string, secret: boolean) => {
    const value = endpointParameter(connection, key);
    if (!value) return;
    if (secret) tl.setSecret(value);
    credentials[variable] = value;
  };
  if (scheme === "usernamepassword") {
    take("DT_CLIENT_ID", "username", false);
    take("DT_CLIENT_SECRET", "password", true);
    const account = tl.getEndpointDataParameter(connection, "accountUrn", true);
    if (account) credentials.DT_ACCOUNT_URN = account;
    if (!credentials.DT_CLIENT_ID || !credentials.DT_CLIENT_SECRET || !account)
      throw new SlogateError("INVALID_INPUT", `the service connection ${connection} needs the OAuth client's id, secret and account URN`);
  } else {
    take("DT_API_TOKEN", "apitoken", true);
    take("DT_PLATFORM_TOKEN", "platformtoken", true);
    if (!credentials.DT_API_TOKEN && !credentials.DT_PLATFORM_TOKEN)
      throw new SlogateError("INVALID_INPUT", `the service connection ${connection} has no API token`);
  }
  return credentials;
}

export function readInputs(): TaskInputs {
  // The agent passes a filePath input left empty as the sources directory, never as "", and roots
  // every other value there: `history: dynatrace` arrives as <sources>/dynatrace.
  const gate = readGateOptions((name, spec) => {
    if (spec.parser.path && !tl.filePathSupplied(name)) return undefined;
    const value = tl.getInput(name, false);
    return name === "history" && value && basename(value) === DYNATRACE_HISTORY && !existsSync(value) ? DYNATRACE_HISTORY : value;
  }, "azure");
  const mode = gate.mode ?? "evaluate";
  if (mode === "event")
    throw new SlogateError("INVALID_INPUT", 'mode: "event" is not a mode of the task', { suggestion: "Use evaluate or run" });
  const inputs: TaskInputs = {
    mode,
    gate,
    policy: { onFail: mark("markBuildOnFail", "failed"), onWarning: mark("markBuildOnWarning", "warning"), warningExitCode: 0 },
    pullRequestStatus: parseFlag(optional("pullRequestStatus") ?? "false", "pullRequestStatus"),
    dynatraceEnv: {},
  };
  const connection = optional("dynatraceConnection");
  if (connection) {
    const url = tl.getEndpointUrl(connection, false);
    if (url) inputs.dynatraceUrl = url;
    inputs.dynatraceEnv = connectionCredentials(connection);
  }
  return inputs;
}
