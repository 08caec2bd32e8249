import * as tl from "azure-pipelines-task-lib/task.js";

export type BuildMark = "failed" | "warning" | "nothing";

/** The task's inputs, read once (empty inputs are absent). */
export interface TaskInputs {
  mode: "evaluate" | "run";
  dynatraceUrl?: string;
  dynatraceToken?: string;
  config?: string;
  slo?: string;
  sli?: string;
  sliValues?: string;
  provider?: string;
  labels: Record<string, string>;
  timeframe?: string;
  start?: string;
  end?: string;
  settle?: string;
  baseline?: string;
  history?: string;
  target?: string;
  duration?: string;
  vus?: number;
  testName?: string;
  sendEvent: boolean;
  markBuildOnWarning: BuildMark;
  markBuildOnFail: BuildMark;
  pullRequestStatus: boolean;
}

export class InputError extends Error {}

function optional(name: string): string | undefined {
  const value = tl.getInput(name, false)?.trim();
  return value ? value : undefined;
}

function mark(name: string, fallback: BuildMark): BuildMark {
  const value = optional(name) ?? fallback;
  if (value !== "failed" && value !== "warning" && value !== "nothing")
    throw new InputError(`${name}: ${JSON.stringify(value)} is not failed, warning or nothing`);
  return value;
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
  const mode = optional("mode") ?? "evaluate";
  if (mode !== "evaluate" && mode !== "run") throw new InputError(`mode: ${JSON.stringify(mode)} is not evaluate or run`);
  const labels: Record<string, string> = {};
  for (const line of tl.getDelimitedInput("labels", "\n", false)) {
    const text = line.trim();
    if (!text) continue;
    const index = text.indexOf("=");
    if (index <= 0) throw new InputError(`labels: ${JSON.stringify(text)} is not key=value; write one label per line, e.g. service=carts`);
    labels[text.slice(0, index).trim()] = text.slice(index + 1).trim();
  }
  const vus = optional("vus");
  if (vus !== undefined && !(Number.isInteger(Number(vus)) && Number(vus) > 0))
    throw new InputError(`vus: ${JSON.stringify(vus)} is not a whole number above 0`);
  const inputs: TaskInputs = {
    mode,
    labels,
    sendEvent: tl.getBoolInput("sendEvent", false),
    markBuildOnWarning: mark("markBuildOnWarning", "warning"),
    markBuildOnFail: mark("markBuildOnFail", "failed"),
    pullRequestStatus: tl.getBoolInput("pullRequestStatus", false),
    ...(vus !== undefined ? { vus: Number(vus) } : {}),
  };
  const provider = optional("provider");
  if (provider && provider !== "auto") inputs.provider = provider;
  for (const name of [
    "config",
    "slo",
    "sli",
    "sliValues",
    "timeframe",
    "start",
    "end",
    "settle",
    "baseline",
    "history",
    "target",
    "duration",
    "testName",
  ] as const) {
    const value = optional(name);
    if (value !== undefined) inputs[name] = value;
  }
  const connection = optional("dynatraceConnection");
  if (connection) {
    const url = tl.getEndpointUrl(connection, false);
    const token = endpointParameter(connection, "apitoken");
    if (!token) throw new InputError(`the service connection ${connection} has no API token`);
    if (token) tl.setSecret(token);
    if (url) inputs.dynatraceUrl = url;
    if (token) inputs.dynatraceToken = token;
  }
  return inputs;
}
