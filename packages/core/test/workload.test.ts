import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuiltinRunner } from "../src/workload/builtin-runner.js";
import { CommandRunner } from "../src/workload/command-runner.js";
import { JmeterRunner } from "../src/workload/jmeter-runner.js";
import { K6_THRESHOLDS_CROSSED, K6Runner } from "../src/workload/k6-runner.js";
import type { WorkloadContext } from "../src/workload/workload-runner.js";
import { type LocalServer, localServer } from "./local-server.js";
import { CORE_ROOT, tempDir } from "./support.js";

const FIXTURES = join(CORE_ROOT, "test", "fixtures");
const context = (lines: string[] = []): WorkloadContext => ({ signal: new AbortController().signal, onOutput: (line) => lines.push(line) });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let target: LocalServer;
/** Requests to /slow being answered at once, and the most there ever were. */
const slow = { now: 0, most: 0 };
beforeAll(async () => {
  // Every fourth request fails, so the error rate of a fixed number of requests is exact.
  target = await localServer((request, response, index) => {
    if (request.url === "/slow") {
      slow.now++;
      slow.most = Math.max(slow.most, slow.now);
      setTimeout(() => {
        slow.now--;
        response.end("late");
      }, 50);
      return;
    }
    response.writeHead(index % 4 === 3 ? 503 : 200, { "content-type": "text/plain" });
    response.end("ok");
  });
});
afterAll(async () => {
  await target?.close();
});

describe("built-in load generator", () => {
  it("closed model: sends exactly the requests asked for, counts errors and statuses, marks each as test traffic", async () => {
    const before = target.requests.length;
    const runner = new BuiltinRunner({
      name: "checkout load",
      endpoints: [{ url: `${target.url}/cart?x=1`, name: "cart" }],
      vus: 4,
      requests: 40,
    });
    const outcome = await runner.run(context());
    const seen = target.requests.slice(before);
    expect(seen).toHaveLength(40);
    expect(outcome.status).toBe("completed");
    expect(outcome.metrics.requests).toBe(40);
    expect(outcome.metrics.errors).toBe(10);
    expect(outcome.metrics.error_rate).toBe(0.25);
    expect(outcome.metrics.status_200).toBe(30);
    expect(outcome.metrics.status_503).toBe(10);
    expect(outcome.units.response_time_p95).toBe("ms");
    expect(outcome.metrics.response_time_p50).toBeGreaterThan(0);
    expect(outcome.metrics.response_time_p50).toBeLessThanOrEqual(outcome.metrics.response_time_p99 ?? 0);
    expect(seen.every((r) => r.url === "/cart?x=1" && r.method === "GET")).toBe(true);
    const vus = new Set(seen.map((r) => String(r.headers["x-dynatrace-test"]).split(";")[0]));
    expect(vus).toEqual(new Set(["VU=1", "VU=2", "VU=3", "VU=4"]));
    expect(seen[0]?.headers["x-dynatrace-test"]).toMatch(/^VU=\d;SI=slogate;TSN=cart;LSN=checkout load;LTN=checkout load$/);
    // Four connections at most, kept alive: four users, one each.
    expect(new Set(seen.map((r) => r.headers.connection))).toEqual(new Set(["keep-alive"]));
  });

  it("open model: starts requests at the given rate, whatever the answers take", async () => {
    const before = target.requests.length;
    slow.most = 0;
    const started = Date.now();
    const runner = new BuiltinRunner({ name: "t", endpoints: [{ url: `${target.url}/slow` }], rate: 100, requests: 20 });
    const outcome = await runner.run(context());
    const took = Date.now() - started;
    expect(target.requests.length - before).toBe(20);
    expect(outcome.metrics.requests).toBe(20);
    // 20 requests at 100/s are due over 190 ms; each takes 50 ms, so new ones start while earlier
    // ones are still being answered (a closed loop of one user would never overlap).
    expect(took).toBeGreaterThanOrEqual(190);
    expect(slow.most).toBeGreaterThanOrEqual(3);
    expect(outcome.metrics.response_time_p50).toBeGreaterThanOrEqual(50);
  });

  it("sends method, headers, body and picks endpoints by weight", async () => {
    const before = target.requests.length;
    const runner = new BuiltinRunner({
      name: "t",
      endpoints: [
        { url: `${target.url}/a`, method: "post", headers: { "content-type": "application/json" }, body: '{"q":1}', weight: 3 },
        { url: `${target.url}/b`, weight: 0.000001 },
      ],
      vus: 1,
      requests: 30,
    });
    await runner.run(context());
    const seen = target.requests.slice(before);
    const posts = seen.filter((r) => r.url === "/a");
    expect(posts.length).toBeGreaterThanOrEqual(29);
    expect(posts[0]).toMatchObject({ method: "POST", body: '{"q":1}' });
    expect(posts[0]?.headers["content-type"]).toBe("application/json");
  });

  it("a target that refuses connections gives transport errors, never a clean run", async () => {
    const closed = await localServer(() => {});
    await closed.close();
    const outcome = await new BuiltinRunner({ name: "t", endpoints: [{ url: closed.url }], vus: 2, requests: 6 }).run(context());
    expect(outcome.metrics.requests).toBe(6);
    expect(outcome.metrics.error_rate).toBe(1);
    expect(outcome.metrics.status_transport_errors).toBe(6);
    expect(outcome.metrics.response_time_p50).toBeUndefined();
  });

  it("a cancel stops the load at once and says the run was cancelled", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const outcome = await new BuiltinRunner({ name: "t", endpoints: [{ url: `${target.url}/slow` }], vus: 2, durationMs: 30_000 }).run({
      signal: controller.signal,
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(outcome.status).toBe("cancelled");
    expect(outcome.reason).toBe("the built-in load generator was cancelled");
  });
});

describe("command workload", () => {
  it("passes arguments with shell metacharacters to the program as they are", async () => {
    const directory = tempDir();
    const marker = join(directory, "pwned");
    const lines: string[] = [];
    const dangerous = [`; touch ${marker}`, `$(touch ${marker})`, `\`touch ${marker}\``, "| cat", "&& echo no", "*", "$HOME"];
    const outcome = await new CommandRunner({
      name: "t",
      argv: [process.execPath, "-e", "for (const a of process.argv.slice(1)) console.log(JSON.stringify(a))", ...dangerous],
    }).run(context(lines));
    expect(outcome.status).toBe("completed");
    expect(outcome.exitCode).toBe(0);
    expect(lines).toEqual(dangerous.map((a) => JSON.stringify(a)));
    expect(existsSync(marker)).toBe(false);
  });

  it("runs a shell only when asked, and records a failing exit code", async () => {
    const lines: string[] = [];
    const outcome = await new CommandRunner({ name: "t", argv: ["echo one | tr a-z A-Z; exit 3"], shell: true }).run(context(lines));
    expect(lines).toEqual(["ONE"]);
    expect(outcome).toMatchObject({ status: "failed", exitCode: 3, reason: "command echo one | tr a-z A-Z; exit 3 exited with code 3" });
  });

  it("a program that does not exist is a failed workload with the reason", async () => {
    const outcome = await new CommandRunner({ name: "t", argv: ["slogate-no-such-load-tool", "--x"] }).run(context());
    expect(outcome).toMatchObject({
      status: "failed",
      exitCode: null,
      reason: "command slogate-no-such-load-tool could not start: slogate-no-such-load-tool: command not found",
    });
  });

  it("on timeout stops the whole process tree: TERM, then KILL for what ignores it", async () => {
    const directory = tempDir();
    const pids = join(directory, "pids");
    // A parent that starts a child ignoring TERM, then hangs: both must be gone afterwards.
    const script = `
      const { spawn } = require("node:child_process");
      const child = spawn(process.execPath, ["-e", "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: "ignore" });
      require("node:fs").writeFileSync(${JSON.stringify(pids)}, process.pid + " " + child.pid);
      console.log("started");
      setInterval(() => {}, 1000);`;
    const started = Date.now();
    const outcome = await new CommandRunner({ name: "t", argv: [process.execPath, "-e", script], timeoutMs: 1_000, graceMs: 300 }).run(
      context(),
    );
    expect(outcome.status).toBe("timed-out");
    expect(outcome.reason).toBe(`command ${process.execPath} ran longer than its timeout (1 s) and was stopped`);
    expect(Date.now() - started).toBeLessThan(5_000);
    const [parent, child] = readFileSync(pids, "utf8").split(" ").map(Number) as [number, number];
    expect(alive(parent)).toBe(false);
    expect(alive(child)).toBe(false);
  });
});

describe("k6 workload (a stand-in binary writing k6's documented summary)", () => {
  const k6 = (env: Record<string, string>) =>
    new K6Runner({
      name: "t",
      script: "script.js",
      args: ["--vus", "2"],
      command: [process.execPath, join(FIXTURES, "k6", "fake-k6.mjs")],
      env: { ...process.env, ...env },
    });

  it("runs `k6 run --summary-export` and turns k6's metrics into SLIs", async () => {
    const lines: string[] = [];
    const outcome = await k6({ FAKE_K6_SUMMARY: join(FIXTURES, "k6", "handle-summary.json") }).run(context(lines));
    expect(lines[0]).toMatch(/^fake k6: running script.js with \["--summary-export",".*summary.json","--vus","2","script.js"\]$/);
    expect(outcome).toMatchObject({ status: "completed", exitCode: 0 });
    expect(outcome.metrics["http_req_duration.p(95)"]).toBe(148.21);
    expect(outcome.metrics["checks.rate"]).toBe(1);
    expect(outcome.notes).toEqual(["k6 threshold crossed: http_req_duration: p(99)<150"]);
  });

  it("exit code 99 (thresholds crossed) is a completed test with a note, not a crash", async () => {
    const outcome = await k6({
      FAKE_K6_SUMMARY: join(FIXTURES, "k6", "summary-export.json"),
      FAKE_K6_EXIT: String(K6_THRESHOLDS_CROSSED),
    }).run(context());
    expect(outcome.status).toBe("completed");
    expect(outcome.exitCode).toBe(99);
    expect(outcome.notes[0]).toBe("k6 exited with 99: thresholds were crossed; the test itself ran");
    expect(outcome.metrics["http_req_failed.rate"]).toBe(0.011111111111111112);
  });

  it("any other exit code is a failed workload; no summary is a failed workload", async () => {
    const crashed = await k6({ FAKE_K6_SUMMARY: join(FIXTURES, "k6", "summary-export.json"), FAKE_K6_EXIT: "107" }).run(context());
    expect(crashed).toMatchObject({ status: "failed", exitCode: 107, reason: "k6 exited with code 107" });
    const silent = await k6({}).run(context());
    expect(silent).toMatchObject({ status: "failed", exitCode: 0, reason: "k6 wrote no summary: there are no measurements of this run" });
  });
});

describe("JMeter workload (Debian's JMeter 2.13 through its launcher)", () => {
  const launcher = [
    "java",
    "-Djmeter.home=/usr/share/jmeter",
    "-cp",
    "/usr/share/jmeter/bin/ApacheJMeter.jar",
    join(FIXTURES, "jmeter", "DebianJMeter.java"),
  ];

  it("runs the plan without GUI and reads the JTL: overall and per label", async () => {
    const before = target.requests.length;
    const port = new URL(target.url).port;
    const outcome = await new JmeterRunner({
      name: "t",
      plan: join(FIXTURES, "jmeter", "plan.jmx"),
      properties: { port, loops: "5" },
      command: launcher,
    }).run(context());
    expect(outcome.status).toBe("completed");
    // 2 threads × 5 loops × 2 samplers.
    expect(target.requests.length - before).toBe(20);
    expect(outcome.metrics.requests).toBe(20);
    expect(outcome.metrics["requests:items"]).toBe(10);
    expect(outcome.metrics["requests:missing"]).toBe(10);
    const errors = target.requests.slice(before).filter((_, i) => (before + i) % 4 === 3).length;
    expect(outcome.metrics.errors).toBe(errors);
    expect(outcome.metrics.response_time_p95).toBeGreaterThan(0);
  }, 60_000);

  it("a plan JMeter cannot load writes no results: a failed workload, not zero errors", async () => {
    const outcome = await new JmeterRunner({ name: "t", plan: join(tempDir(), "missing.jmx"), command: launcher }).run(context());
    expect(outcome.exitCode).toBe(0);
    expect(outcome.status).toBe("failed");
    expect(outcome.reason).toBe("JMeter wrote no results (no JTL file): see its output above for why");
    expect(outcome.metrics).toEqual({});
  }, 60_000);
});
