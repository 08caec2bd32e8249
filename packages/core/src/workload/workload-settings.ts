import type { WorkloadSettings } from "../config/load-config.js";
import { usageError } from "../errors.js";

/** What a caller (the CLI's options, an adapter's inputs) says about the workload. */
export interface WorkloadOverrides {
  /** The built-in generator: GET (or `method`) this URL. */
  target?: string;
  /** The built-in generator: the same requests to this baseline, in the same moments. */
  baselineTarget?: string;
  /** Stop the built-in generator's test as soon as the gate can no longer pass. */
  failFast?: boolean;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Any program and its arguments. */
  command?: string[];
  shell?: boolean;
  duration?: string;
  requests?: number;
  vus?: number;
  rate?: number;
  timeout?: string;
  name?: string;
}

/**
 * The workload to run: slogate.yaml's, with the caller's settings laid over it. A target means the
 * built-in generator and a command a command workload; either replaces a configured workload of
 * another type.
 */
export function resolveWorkloadSettings(configured: WorkloadSettings | null, overrides: WorkloadOverrides, cwd: string): WorkloadSettings {
  const command = overrides.command ?? [];
  if (overrides.target !== undefined && command.length > 0) {
    throw usageError(
      "a target and a command are two different workloads",
      "Give one: a target URL for the built-in generator, or your tool's command",
    );
  }
  const type = overrides.target !== undefined ? "builtin" : command.length > 0 ? "command" : configured?.type;
  if (!type) {
    throw usageError("no workload given", "Give a target URL and a duration, or a command to run, or set workload in slogate.yaml");
  }
  const base: WorkloadSettings = configured?.type === type ? { ...configured } : { type, cwd };
  const settings: WorkloadSettings = { ...base };
  for (const key of ["duration", "requests", "vus", "rate", "timeout", "name", "shell"] as const) {
    if (overrides[key] !== undefined) (settings as unknown as Record<string, unknown>)[key] = overrides[key];
  }
  if (command.length > 0) settings.command = command;
  if (overrides.baselineTarget !== undefined) settings["baseline-target"] = overrides.baselineTarget;
  if (overrides.failFast !== undefined) settings["fail-fast"] = overrides.failFast;
  if (overrides.target !== undefined) {
    const custom = overrides.method !== undefined || overrides.headers !== undefined || overrides.body !== undefined;
    settings.target = overrides.target;
    settings.endpoints = custom
      ? [
          {
            url: overrides.target,
            ...(overrides.method !== undefined ? { method: overrides.method } : {}),
            ...(overrides.headers !== undefined ? { headers: overrides.headers } : {}),
            ...(overrides.body !== undefined ? { body: overrides.body } : {}),
          },
        ]
      : undefined;
  }
  if (type !== "builtin" && (overrides.vus !== undefined || overrides.rate !== undefined || overrides.requests !== undefined)) {
    throw usageError(
      `vus, rate and requests are for the built-in generator, not a ${type} workload`,
      "Set the load in your tool's own script",
    );
  }
  if (overrides.shell === true && type !== "command") throw usageError("a shell is only for a command workload", "Drop the shell setting");
  if (settings["baseline-target"] !== undefined && type !== "builtin") {
    throw usageError(
      `a baseline target is for the built-in generator, not a ${type} workload`,
      "Use --target with --baseline-target, or load both versions with your tool and compare them as docs/quickstart-performance.md shows",
    );
  }
  if (settings["fail-fast"] === true && type !== "builtin") {
    throw usageError(
      `fail-fast judges the built-in generator's measurements while it runs, not a ${type} workload's`,
      type === "k6"
        ? "Use k6's own thresholds with abortOnFail, or run with --target"
        : "Drop fail-fast, or run the built-in generator with --target",
    );
  }
  return settings;
}
