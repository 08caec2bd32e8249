import * as core from "@actions/core";

/** The action's inputs, read once; empty inputs are absent, as GitHub passes every declared one. */
export interface ActionInputs {
  mode: string;
  config?: string;
  slo?: string;
  sli?: string;
  sliValues?: string;
  provider?: string;
  dynatraceUrl?: string;
  dynatraceToken?: string;
  prometheusUrl?: string;
  labels: Record<string, string>;
  start?: string;
  end?: string;
  timeframe?: string;
  settle?: string;
  baseline?: string;
  failOn: "fail" | "warning" | "never";
  commentOnPr: boolean;
  history?: string;
  historyBranch?: string;
  historyRemote?: string;
  sendEvent: boolean;
  eventKind?: string;
  eventName?: string;
  eventVersion?: string;
  githubToken?: string;
  /** mode: run — the load test, laid over slogate.yaml's workload. */
  workload: {
    target?: string;
    command: string[];
    duration?: string;
    vus?: number;
    rate?: number;
    requests?: number;
    timeout?: string;
    name?: string;
  };
}

function optional(name: string): string | undefined {
  const value = core.getInput(name);
  return value === "" ? undefined : value;
}

function flag(name: string, fallback: boolean): boolean {
  return optional(name) === undefined ? fallback : core.getBooleanInput(name);
}

export class InputError extends Error {}

function positive(name: string, whole: boolean): number | undefined {
  const text = optional(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(value > 0) || (whole && !Number.isInteger(value))) {
    throw new InputError(`${name}: ${JSON.stringify(text)} is not ${whole ? "a whole number" : "a number"} above 0`);
  }
  return value;
}

function workloadInputs(): ActionInputs["workload"] {
  const read = {
    target: optional("workload-target"),
    duration: optional("workload-duration"),
    vus: positive("workload-vus", true),
    rate: positive("workload-rate", false),
    requests: positive("workload-requests", true),
    timeout: optional("workload-timeout"),
    name: optional("test-name"),
  };
  const defined = Object.fromEntries(Object.entries(read).filter(([, v]) => v !== undefined)) as typeof read;
  // One argument per line: the command never goes through a shell.
  return { ...defined, command: core.getMultilineInput("workload-command") };
}

export function readInputs(): ActionInputs {
  const labels: Record<string, string> = {};
  for (const line of core.getMultilineInput("labels")) {
    const index = line.indexOf("=");
    if (index <= 0) throw new InputError(`labels: ${JSON.stringify(line)} is not key=value; write one label per line, e.g. service=carts`);
    labels[line.slice(0, index).trim()] = line.slice(index + 1).trim();
  }
  const failOn = optional("fail-on") ?? "fail";
  if (failOn !== "fail" && failOn !== "warning" && failOn !== "never") {
    throw new InputError(`fail-on: ${JSON.stringify(failOn)} is not fail, warning or never`);
  }
  const read = {
    mode: optional("mode") ?? "evaluate",
    config: optional("config"),
    slo: optional("slo"),
    sli: optional("sli"),
    sliValues: optional("sli-values"),
    provider: optional("provider"),
    dynatraceUrl: optional("dynatrace-url"),
    dynatraceToken: optional("dynatrace-token"),
    prometheusUrl: optional("prometheus-url"),
    start: optional("start"),
    end: optional("end"),
    timeframe: optional("timeframe"),
    settle: optional("settle"),
    baseline: optional("baseline"),
    history: optional("history"),
    historyBranch: optional("history-branch"),
    historyRemote: optional("history-remote"),
    eventKind: optional("event-kind"),
    eventName: optional("event-name"),
    eventVersion: optional("event-version"),
    githubToken: optional("github-token"),
  };
  const defined = Object.fromEntries(Object.entries(read).filter(([, v]) => v !== undefined)) as typeof read;
  return {
    ...defined,
    mode: read.mode,
    labels,
    failOn,
    commentOnPr: flag("comment-on-pr", true),
    sendEvent: flag("send-event", false),
    workload: read.mode === "run" ? workloadInputs() : { command: [] },
  };
}
