import * as core from "@actions/core";
import { type GateOptions, parseFlag, readGateOptions } from "@slogate/core";

/** The action's inputs: the gate's options (declared in the core) and GitHub's own. */
export interface ActionInputs {
  gate: GateOptions;
  dynatraceUrl?: string;
  dynatraceToken?: string;
  /** Platform credentials (DQL, apps URLs): a platform token, or an OAuth client of an account. */
  dynatracePlatformToken?: string;
  dynatraceClientId?: string;
  dynatraceClientSecret?: string;
  dynatraceAccountUrn?: string;
  prometheusUrl?: string;
  commentOnPr: boolean;
  githubToken?: string;
  /** mode: event */
  event: { kind?: string; name?: string; version?: string };
}

/** An input GitHub passes as "" when the workflow did not set it. */
function optional(name: string): string | undefined {
  const value = core.getInput(name);
  return value === "" ? undefined : value;
}

function flag(name: string, fallback: boolean): boolean {
  const value = optional(name);
  return value === undefined ? fallback : parseFlag(value, name);
}

export function readInputs(): ActionInputs {
  const inputs: ActionInputs = {
    gate: readGateOptions((name) => core.getInput(name), "github"),
    commentOnPr: flag("comment-on-pr", true),
    event: {},
  };
  const assign = (key: keyof ActionInputs & `${"dynatrace" | "prometheus" | "github"}${string}`, input: string) => {
    const value = optional(input);
    if (value !== undefined) inputs[key] = value;
  };
  assign("dynatraceUrl", "dynatrace-url");
  assign("dynatraceToken", "dynatrace-token");
  assign("dynatracePlatformToken", "dynatrace-platform-token");
  assign("dynatraceClientId", "dynatrace-client-id");
  assign("dynatraceClientSecret", "dynatrace-client-secret");
  assign("dynatraceAccountUrn", "dynatrace-account-urn");
  assign("prometheusUrl", "prometheus-url");
  assign("githubToken", "github-token");
  for (const [key, input] of [
    ["kind", "event-kind"],
    ["name", "event-name"],
    ["version", "event-version"],
  ] as const) {
    const value = optional(input);
    if (value !== undefined) inputs.event[key] = value;
  }
  return inputs;
}
