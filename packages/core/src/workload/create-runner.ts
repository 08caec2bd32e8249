import type { WorkloadSettings } from "../config/load-config.js";
import { usageError } from "../errors.js";
import { parseTimeframe } from "../window.js";
import { BuiltinRunner, type Endpoint } from "./builtin-runner.js";
import { CommandRunner } from "./command-runner.js";
import { JmeterRunner } from "./jmeter-runner.js";
import { K6Runner } from "./k6-runner.js";
import type { WorkloadRunner } from "./workload-runner.js";

export { WORKLOAD_TYPES } from "../config/load-config.js";

export const DEFAULT_TEST_NAME = "slogate load test";

function duration(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseTimeframe(text);
  if (ms <= 0) throw usageError(`${what} ${JSON.stringify(text)} is no time at all`, "Give a positive duration, e.g. 30s");
  return ms;
}

function httpUrl(text: string, what: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`${what} ${JSON.stringify(text)} is not a URL`, "Write it whole, e.g. http://127.0.0.1:8080/health");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw usageError(
      `${what} ${JSON.stringify(text)} is not an http(s) URL`,
      "The built-in generator speaks HTTP/1.1 over http:// or https://",
    );
  }
  return url.href;
}

/**
 * The baseline's requests: the target itself for a single endpoint, else each endpoint's path and
 * query sent to the baseline's origin.
 */
function baselineOf(endpoints: readonly Endpoint[], target: string): { target: string; endpoints: Endpoint[] } {
  if (endpoints.length === 1) return { target, endpoints: [{ ...(endpoints[0] as Endpoint), url: target }] };
  const origin = new URL(target).origin;
  return {
    target,
    endpoints: endpoints.map((endpoint) => {
      const url = new URL(endpoint.url);
      return { ...endpoint, url: `${origin}${url.pathname}${url.search}` };
    }),
  };
}

/**
 * The runner for a workload: from slogate.yaml's `workload`, with the command line's options
 * already merged in. Every mistake is reported here, before any event is sent or load is put on.
 */
export function createWorkloadRunner(settings: WorkloadSettings, env: Record<string, string | undefined>): WorkloadRunner {
  const name = settings.name ?? DEFAULT_TEST_NAME;
  const timeoutMs = duration(settings.timeout, "workload timeout");
  const graceMs = duration(settings["grace-period"], "workload grace period");
  const processSpec = {
    env: { ...env, ...(settings.env ?? {}) },
    ...(settings.cwd ? { cwd: settings.cwd } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(graceMs !== undefined ? { graceMs } : {}),
  };
  switch (settings.type) {
    case "builtin": {
      const endpoints = settings.endpoints ?? (settings.target ? [{ url: settings.target }] : []);
      if (endpoints.length === 0)
        throw usageError("the built-in load generator needs a target", "Pass --target <url>, or set workload.target or workload.endpoints");
      const durationMs = duration(settings.duration, "workload duration");
      if (durationMs === undefined && settings.requests === undefined) {
        throw usageError("the built-in load generator needs to know when to stop", "Pass --duration (e.g. 30s) or --requests <n>");
      }
      if (settings.vus !== undefined && settings.rate !== undefined) {
        throw usageError(
          "vus and rate are two different load models",
          "Use vus for N concurrent users (closed) or rate for requests per second (open), not both",
        );
      }
      const candidateEndpoints = endpoints.map((endpoint, i) => ({
        ...endpoint,
        url: httpUrl(endpoint.url, i === 0 && settings.target ? "target" : `endpoint ${i + 1} url`),
      }));
      const baselineTarget = settings["baseline-target"];
      return new BuiltinRunner({
        name,
        endpoints: candidateEndpoints,
        ...(baselineTarget !== undefined ? { baseline: baselineOf(candidateEndpoints, httpUrl(baselineTarget, "baseline target")) } : {}),
        ...(settings.vus !== undefined ? { vus: settings.vus } : {}),
        ...(settings.rate !== undefined ? { rate: settings.rate } : {}),
        ...(settings["max-in-flight"] !== undefined ? { maxInFlight: settings["max-in-flight"] } : {}),
        ...(durationMs !== undefined ? { durationMs } : {}),
        ...(settings.requests !== undefined ? { requests: settings.requests } : {}),
      });
    }
    case "command": {
      const argv = settings.command ?? [];
      if (argv.length === 0)
        throw usageError("a command workload needs the command to run", "Give it after --, or set workload.command as a list");
      return new CommandRunner({ name, argv, shell: settings.shell === true, ...processSpec });
    }
    case "k6":
      if (!settings.script) throw usageError("a k6 workload needs its script", "Set workload.script");
      return new K6Runner({
        name,
        script: settings.script,
        ...(settings.args ? { args: settings.args } : {}),
        ...(settings.command ? { command: settings.command } : {}),
        ...processSpec,
      });
    case "jmeter":
      if (!settings.plan) throw usageError("a JMeter workload needs its test plan", "Set workload.plan to the .jmx file");
      return new JmeterRunner({
        name,
        plan: settings.plan,
        ...(settings.properties ? { properties: settings.properties } : {}),
        ...(settings.args ? { args: settings.args } : {}),
        ...(settings.command ? { command: settings.command } : {}),
        ...processSpec,
      });
  }
}
