import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDynatrace } from "./dynatrace-server.js";
import { type LocalServer, localServer } from "./local-server.js";
import { runCliAsync, tempDir, writeFiles } from "./support.js";

// A service's baseline answers in 20 ms, an unchanged twin in 20 ms, a regressed build in 40 ms (+100%).
const slow = (ms: number) => localServer((_request, response) => setTimeout(() => response.end("ok"), ms));
const TOKEN = "dt0c01.FAILFAST.canary-token-9f8e7d6c5b4a";
let baseline: LocalServer;
let twin: LocalServer;
let regressed: LocalServer;
let dynatrace: LocalDynatrace;
beforeAll(async () => {
  [baseline, twin, regressed] = await Promise.all([slow(20), slow(20), slow(40)]);
  dynatrace = await new LocalDynatrace({ tokens: { [TOKEN]: ["events.ingest"] } }).start();
});
afterAll(async () => {
  await Promise.all([baseline?.close(), twin?.close(), regressed?.close(), dynatrace?.stop()]);
});

const PAIRED_SLO = `objectives:
  - sli: response_time_p95
    pass:
      - criteria: ["<=+10%"]
  - sli: error_rate
    pass:
      - criteria: ["<=0.01"]
total_score:
  pass: "90%"
  warning: "75%"
`;

async function run(args: string[], slo = PAIRED_SLO, env: Record<string, string> = {}) {
  const cwd = tempDir();
  writeFiles(cwd, { "slo.yaml": slo });
  return runCliAsync(["run", "--slo", "slo.yaml", "--fail-fast", ...args], { cwd, env });
}

/** Seconds between the window's start and end in the text report. */
function windowSeconds(stdout: string): number {
  const [start, end] = /window (\S+) → (\S+)/.exec(stdout)?.slice(1) ?? [];
  return (Date.parse(end ?? "") - Date.parse(start ?? "")) / 1000;
}

describe("slogate run --fail-fast", () => {
  it("stops a 60 s paired test of a +100% regression within 15 s, sends the test-finish event and fails with the reason and the time", async () => {
    const from = dynatrace.requestsTo("events-ingest").length;
    const result = await run(
      ["--target", `${regressed.url}/`, "--baseline-target", `${baseline.url}/`, "--duration", "60s", "--vus", "4", "--send-event"],
      PAIRED_SLO,
      { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN },
    );
    expect(result.status).toBe(1);
    expect(windowSeconds(result.stdout)).toBeLessThan(15);
    expect(result.stderr).toMatch(
      /slogate: error: fail-fast stopped the test after \d+\.\d s of 60 s: the score can reach at most 50, below 75%; response_time_p95 fails: <=\+10%: \+\d+\.\d% \(bound \+\d+\.\d% to \+\d+\.\d%\)/,
    );
    expect(result.stderr).toMatch(/workload "slogate load test" \(builtin\) stopped in \d+\.\d s/);
    const titles = dynatrace
      .requestsTo("events-ingest")
      .slice(from)
      .map((request) => (JSON.parse(request.body) as { title: string }).title);
    expect(titles).toEqual(["Start test: slogate load test", "Test finished: slogate load test", "Quality gate: fail (score 0)"]);
  }, 60_000);

  it("stops on an absolute criterion without a baseline", async () => {
    const slo = `objectives:
  - sli: response_time_p95
    pass:
      - criteria: ["<30"]
total_score:
  pass: "90%"
`;
    const result = await run(["--target", `${regressed.url}/`, "--duration", "30s", "--vus", "4"], slo);
    expect(result.status).toBe(1);
    expect(windowSeconds(result.stdout)).toBeLessThan(10);
    expect(result.stderr).toMatch(
      /fail-fast stopped the test after \d+\.\d s of 30 s: the score can reach at most 0, below 90%; response_time_p95 fails: <30: /,
    );
  }, 60_000);

  it("never stops an unchanged build, and shows the running verdict in its progress lines", async () => {
    const result = await run(["--target", `${twin.url}/`, "--baseline-target", `${baseline.url}/`, "--duration", "12s", "--vus", "4"]);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/workload "slogate load test" \(builtin\) completed in 1\d\.\d s/);
    expect(result.stderr).toMatch(
      /slogate: slogate load test: \d+ s · \d+ requests · [\d.]+ req\/s · 0 errors · p95 [\d.]+ ms · running verdict pass\n/,
    );
  }, 60_000);

  it("refuses fail-fast for a workload it cannot watch, with what to do instead", async () => {
    const result = await run(["--", process.execPath, "-e", "0"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "slogate: fail-fast judges the built-in generator's measurements while it runs, not a command workload's. Drop fail-fast, or run the built-in generator with --target\n",
    );
  });
});
