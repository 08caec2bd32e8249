import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { LocalDynatrace } from "./dynatrace-server.js";
import { type LocalServer, localServer } from "./local-server.js";
import { CLI, readJson, runCliAsync, tempDir, writeFiles } from "./support.js";

const TOKEN = "dt0c01.RUN.canary-token-0a1b2c3d4e5f";
const SLO = stringify({
  spec_version: "1.0",
  comparison: {
    compare_with: "single_result",
    include_result_with_score: "pass",
    number_of_comparison_results: 1,
    aggregate_function: "avg",
  },
  objectives: [
    { sli: "throughput", pass: [{ criteria: [">=1"] }] },
    { sli: "error_rate", key_sli: true, pass: [{ criteria: ["<=0.1"] }] },
    { sli: "response_time_p95", pass: [{ criteria: ["<5000"] }] },
  ],
  total_score: { pass: "90%", warning: "75%" },
});

let healthy: LocalServer;
let broken: LocalServer;
let dynatrace: LocalDynatrace;
beforeAll(async () => {
  healthy = await localServer((_request, response) => response.end("ok"));
  broken = await localServer((_request, response) => {
    response.writeHead(500);
    response.end("no");
  });
  dynatrace = await new LocalDynatrace({ tokens: { [TOKEN]: ["events.ingest", "metrics.read"] }, anyMetric: [{ values: [42] }] }).start();
});
afterAll(async () => {
  await Promise.all([healthy?.close(), broken?.close(), dynatrace?.stop()]);
});

function project(files: Record<string, string> = {}): string {
  const directory = tempDir();
  writeFiles(directory, { "slo.yaml": SLO, ...files });
  return directory;
}

/** Workload and Dynatrace SLIs in one gate: response_time_p95 from the load test, cpu (42) from Dynatrace. */
const MIXED_SLI = stringify({
  spec_version: "1.0",
  indicators: { response_time_p95: "workload:response_time_p95", cpu: "metricSelector=builtin:host.cpu.usage:avg" },
});
const MIXED_SLO = stringify({
  spec_version: "1.0",
  comparison: { compare_with: "single_result", number_of_comparison_results: 1 },
  objectives: [
    { sli: "response_time_p95", pass: [{ criteria: ["<5000"] }] },
    { sli: "cpu", pass: [{ criteria: ["<50"] }] },
  ],
  total_score: { pass: "90%", warning: "75%" },
});
function mixedGate(extra: string[] = []) {
  return runCliAsync(
    [
      "run",
      "--target",
      healthy.url,
      "--requests",
      "10",
      "--slo",
      "mixed.yaml",
      "--sli",
      "sli.yaml",
      "--provider",
      "dynatrace",
      "--settle",
      "0",
      "--format",
      "json",
      ...extra,
    ],
    { cwd: project({ "sli.yaml": MIXED_SLI, "mixed.yaml": MIXED_SLO }), env: { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN } },
  );
}

const ingested = (from: number) =>
  dynatrace
    .requestsTo("events-ingest")
    .slice(from)
    .map(
      (r) =>
        JSON.parse(r.body) as {
          eventType: string;
          title: string;
          properties: Record<string, string>;
          startTime?: number;
          endTime?: number;
        },
    );

describe("slogate run (contract)", () => {
  it("runs the built-in generator on --target and gates on its SLIs", async () => {
    const cwd = project();
    const before = healthy.requests.length;
    const run = await runCliAsync(
      [
        "run",
        "--target",
        `${healthy.url}/health`,
        "--duration",
        "1s",
        "--vus",
        "2",
        "--slo",
        "slo.yaml",
        "--report-json",
        "out/result.json",
        "--format",
        "keptn",
      ],
      { cwd },
    );
    expect(run.stderr).toMatch(/slogate: workload "slogate load test" \(builtin\) completed in 1\.\d s/);
    expect(run.status).toBe(0);
    const keptn = JSON.parse(run.stdout);
    expect(keptn.result).toBe("pass");
    expect(keptn.evaluation.indicatorResults.map((i: { value: { metric: string } }) => i.value.metric)).toEqual([
      "throughput",
      "error_rate",
      "response_time_p95",
    ]);
    const result = readJson<{
      window: { start: string; end: string };
      objectives: Array<{ sli: string; value: number; unit: string; query: string }>;
    }>(join(cwd, "out", "result.json"));
    const sent = healthy.requests.length - before;
    const seconds = (Date.parse(result.window.end) - Date.parse(result.window.start)) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThan(1.5);
    const throughput = result.objectives.find((o) => o.sli === "throughput");
    // Requests per second of the test's own window, within the rounding of the window to whole ms.
    expect(Math.abs((throughput?.value ?? 0) / (sent / seconds) - 1)).toBeLessThan(0.002);
    expect(throughput?.unit).toBe("requests/s");
    expect(result.objectives.find((o) => o.sli === "error_rate")).toMatchObject({ value: 0, unit: "ratio", query: "workload:error_rate" });
  });

  it("fails the gate when the service answers with errors", async () => {
    const run = await runCliAsync(
      ["run", "--target", broken.url, "--requests", "20", "--vus", "2", "--slo", "slo.yaml", "--format", "json"],
      { cwd: project() },
    );
    expect(run.status).toBe(1);
    const result = JSON.parse(run.stdout);
    expect(result.result).toBe("fail");
    expect(result.objectives.find((o: { sli: string }) => o.sli === "error_rate")).toMatchObject({ value: 1, status: "fail" });
  });

  it("keeps a file history: the second run compares with the first", async () => {
    const cwd = project();
    const args = [
      "run",
      "--target",
      healthy.url,
      "--requests",
      "50",
      "--slo",
      "slo.yaml",
      "--history",
      "history.jsonl",
      "--store",
      "--format",
      "json",
    ];
    const first = JSON.parse((await runCliAsync(args, { cwd })).stdout);
    const second = JSON.parse((await runCliAsync(args, { cwd })).stdout);
    expect(first.comparedEvents).toEqual([]);
    expect(second.comparedEvents).toEqual([first.id]);
    expect(readFileSync(join(cwd, "history.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("mixes workload SLIs with backend SLIs through workload: queries in sli.yaml", async () => {
    const run = await mixedGate();
    expect(run.stderr).not.toContain("warning");
    expect(run.status).toBe(0);
    const objectives = JSON.parse(run.stdout).objectives;
    expect(objectives.find((o: { sli: string }) => o.sli === "cpu")).toMatchObject({
      value: 42,
      status: "pass",
      query: "metricSelector=builtin:host.cpu.usage:avg",
    });
    expect(objectives.find((o: { sli: string }) => o.sli === "response_time_p95")).toMatchObject({
      status: "pass",
      query: "workload:response_time_p95",
    });
  });
});

describe("slogate run: events and stopping", () => {
  it("marks the test in Dynatrace: deployment, test start, test finish over the window, then the result", async () => {
    const from = dynatrace.requestsTo("events-ingest").length;
    const cwd = project();
    const run = await runCliAsync(
      [
        "run",
        "--target",
        healthy.url,
        "--duration",
        "1s",
        "--slo",
        "slo.yaml",
        "--send-event",
        "--deployment-event",
        "--service",
        "carts",
        "--test-name",
        "carts smoke",
        "--report-json",
        "r.json",
      ],
      { cwd, env: { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN } },
    );
    expect(run.status).toBe(0);
    const events = ingested(from);
    expect(events.map((e) => [e.eventType, e.title])).toEqual([
      ["CUSTOM_DEPLOYMENT", "Deploy carts"],
      ["CUSTOM_ANNOTATION", "Start test: carts smoke"],
      ["CUSTOM_ANNOTATION", "Test finished: carts smoke"],
      ["CUSTOM_INFO", "Quality gate: pass (score 100)"],
    ]);
    const result = readJson<{ window: { start: string; end: string } }>(join(cwd, "r.json"));
    expect(events[2]?.startTime).toBe(Date.parse(result.window.start));
    expect(events[2]?.endTime).toBe(Date.parse(result.window.end));
    expect(JSON.stringify(events)).not.toContain(TOKEN);
    expect(run.stderr + run.stdout).not.toContain(TOKEN);
  });

  it("a hanging workload is stopped at its timeout, the stop event is still sent, and the gate fails", async () => {
    const from = dynatrace.requestsTo("events-ingest").length;
    const run = await runCliAsync(
      [
        "run",
        "--slo",
        "slo.yaml",
        "--send-event",
        "--timeout",
        "1s",
        "--format",
        "json",
        "--",
        process.execPath,
        "-e",
        "setInterval(() => {}, 1000)",
      ],
      { cwd: project(), env: { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN } },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`slogate: error: command ${process.execPath} ran longer than its timeout (1 s) and was stopped`);
    const result = JSON.parse(run.stdout);
    expect(result.result).toBe("fail");
    expect(result.message).toMatch(
      /^lighthouse failed because SLI failed with message the command workload "slogate load test" timed out: /,
    );
    expect(ingested(from).map((e) => e.title)).toEqual([
      "Start test: slogate load test",
      "Test finished: slogate load test",
      "Quality gate: fail (score 0)",
    ]);
  });

  it("SIGTERM to slogate stops the workload's process tree, sends the stop event and exits 130 without a verdict", async () => {
    const from = dynatrace.requestsTo("events-ingest").length;
    const cwd = project();
    const pidFile = join(cwd, "pid");
    const script = `require("node:fs").writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); console.log("load running"); setInterval(() => {}, 1000)`;
    const child = spawn(process.execPath, [CLI, "run", "--slo", "slo.yaml", "--send-event", "--", process.execPath, "-e", script], {
      cwd,
      env: { ...process.env, DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN, NO_COLOR: "1" },
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    await new Promise<void>((resolve) => {
      child.stderr.on("data", () => {
        if (stderr.includes("load running")) resolve();
      });
    });
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => child.on("close", (exitCode) => resolve(exitCode)));
    expect(code).toBe(130);
    expect(stderr).toContain("slogate: SIGTERM received: stopping the workload");
    expect(stderr).toContain("slogate: cancelled: no verdict for a partial test");
    const workloadPid = Number(readFileSync(pidFile, "utf8"));
    expect(() => process.kill(workloadPid, 0)).toThrow();
    expect(ingested(from).map((e) => e.title)).toEqual(["Start test: slogate load test", "Test finished: slogate load test"]);
  });
});

describe("slogate run: backend faults while the workload runs", () => {
  const gate = (extra: string[] = []) => mixedGate(["--send-event", ...extra]);
  /** Titles of the events Dynatrace accepted (refused attempts left out). */
  const titlesSince = (from: number) => dynatrace.events.slice(from).map((e) => e.title);
  const accepted = () => dynatrace.events.length;
  afterEach(() => dynatrace.clearFaults());

  it("a 429 storm on events and metrics: retried (Retry-After honoured), every event sent, the verdict comes", async () => {
    const from = accepted();
    dynatrace.inject("events-ingest", { status: 429, retryAfter: "0" }, { status: 429, retryAfter: "0" }, { status: 429, retryAfter: "0" });
    dynatrace.inject("metrics", { status: 429, retryAfter: "0" }, { status: 429, retryAfter: "0" });
    const run = await gate();
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).result).toBe("pass");
    expect(titlesSince(from)).toEqual([
      "Start test: slogate load test",
      "Test finished: slogate load test",
      "Quality gate: pass (score 100)",
    ]);
  });

  it("a slow backend: the verdict waits for it and comes", async () => {
    dynatrace.inject("metrics", { delayMs: 800 });
    const run = await gate();
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).objectives.find((o: { sli: string }) => o.sli === "cpu").value).toBe(42);
  });

  it("the metrics API down: the gate could not evaluate (errored, exit 1, the reason), the stop event is still sent", async () => {
    const from = accepted();
    dynatrace.inject("metrics", ...Array.from({ length: 8 }, () => ({ reset: true })));
    const run = await gate();
    expect(run.status).toBe(1);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ result: "fail", status: "errored" });
    expect(result.message).toMatch(/could not evaluate: SLI cpu: Dynatrace: GET .* failed/);
    expect(run.stderr).toMatch(/slogate: error: could not evaluate: SLI cpu: Dynatrace: GET .* failed: .*; exit status 1\n/);
    expect(titlesSince(from)).toEqual([
      "Start test: slogate load test",
      "Test finished: slogate load test",
      "Quality gate: could not evaluate",
    ]);
  });

  it("the events API down: warnings and a verdict; with --events-required, exit 1", async () => {
    dynatrace.inject("events-ingest", ...Array.from({ length: 15 }, () => ({ status: 503, retryAfter: "0" })));
    const run = await gate();
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/slogate: warning: test-start event: /);
    expect(JSON.parse(run.stdout).result).toBe("pass");
    dynatrace.clearFaults();
    dynatrace.inject("events-ingest", ...Array.from({ length: 15 }, () => ({ status: 503, retryAfter: "0" })));
    const strict = await gate(["--events-required"]);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toContain(
      "slogate: pass (score 100); the test-start, test-finish, gate-result events were not delivered and events are required; exit status 1",
    );
    expect(strict.stderr).toContain(
      "slogate: error: the test-start event was not delivered and events are required: Dynatrace refused the test-start event (HTTP 503: injected 503)",
    );
  });
});

describe("slogate run: mistakes", () => {
  it.each([
    [
      ["run", "--slo", "slo.yaml"],
      "slogate: no workload given. Give a target URL and a duration, or a command to run, or set workload in slogate.yaml",
    ],
    [
      ["run", "--slo", "slo.yaml", "--target", "http://127.0.0.1:1"],
      "slogate: the built-in load generator needs to know when to stop. Pass --duration (e.g. 30s) or --requests <n>",
    ],
    [
      ["run", "--slo", "slo.yaml", "--target", "localhost:8080", "--duration", "1s"],
      'slogate: target "localhost:8080" is not an http(s) URL. The built-in generator speaks HTTP/1.1 over http:// or https://',
    ],
    [
      ["run", "--slo", "slo.yaml", "--target", "http://x", "--duration", "1s", "--vus", "0"],
      'slogate: --vus: "0" is not a whole number of at least 1. For example 10',
    ],
    [
      ["run", "--slo", "slo.yaml", "--target", "http://x", "--duration", "1s", "--", "k6"],
      "slogate: a target and a command are two different workloads. Give one: a target URL for the built-in generator, or your tool's command",
    ],
    [
      ["run", "--slo", "slo.yaml", "--vus", "2", "--", "k6", "run"],
      "slogate: vus, rate and requests are for the built-in generator, not a command workload. Set the load in your tool's own script",
    ],
  ])("%j → exit 2 and what to do", async (args, message) => {
    const run = await runCliAsync(args, { cwd: project() });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(message);
  });

  it("a workload in slogate.yaml without what its type needs is refused with its position", async () => {
    const cwd = project({ "slogate.yaml": "version: 1\nslo: slo.yaml\nworkload:\n  type: k6\n  name: smoke\n" });
    const run = await runCliAsync(["run", "--config", "slogate.yaml"], { cwd });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${join(cwd, "slogate.yaml")}:4:3: error:`);
    expect(run.stderr).toContain("script");
  });
});
