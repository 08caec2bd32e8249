import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalServer, localServer } from "./local-server.js";
import { runCliAsync, tempDir, writeFiles } from "./support.js";

// Two versions of a service on 127.0.0.1: the baseline answers in 20 ms, a twin of it in 20 ms,
// and a regressed candidate in 30 ms (+50%).
const slow = (ms: number) => localServer((_request, response) => setTimeout(() => response.end("ok"), ms));
let baseline: LocalServer;
let twin: LocalServer;
let regressed: LocalServer;
beforeAll(async () => {
  [baseline, twin, regressed] = await Promise.all([slow(20), slow(20), slow(30)]);
});
afterAll(async () => {
  await Promise.all([baseline?.close(), twin?.close(), regressed?.close()]);
});

const SLO = `objectives:
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

/** The contract's command line: candidate and baseline, 3 s at 4 virtual users, the result JSON. */
async function paired(candidate: string) {
  const cwd = tempDir();
  writeFiles(cwd, { "slo.yaml": SLO });
  const run = await runCliAsync(
    [
      "run",
      "--target",
      `${candidate}/`,
      "--baseline-target",
      `${baseline.url}/`,
      "--duration",
      "3s",
      "--vus",
      "4",
      "--slo",
      "slo.yaml",
      "--format",
      "json",
    ],
    { cwd },
  );
  return { ...run, result: JSON.parse(run.stdout || "{}") };
}

describe("slogate run --baseline-target: a paired comparison in one run", () => {
  it("loads both targets in the same moments with the same users; the objective carries the candidate's value and the baseline's as comparedValue", async () => {
    const before = baseline.requests.length;
    const run = await paired(twin.url);
    const sent = { candidate: twin.requests.length, baseline: baseline.requests.length - before };
    expect(Math.abs(sent.candidate - sent.baseline)).toBeLessThanOrEqual(4);
    const p95 = run.result.objectives.find((objective: { sli: string }) => objective.sli === "response_time_p95");
    expect(p95.value).toBeGreaterThanOrEqual(20);
    expect(p95.comparedValue).toBeGreaterThanOrEqual(20);
    expect(p95.comparedWith).toEqual([`baseline ${baseline.url}/`]);
    expect(p95.statistics[0]).toMatchObject({ kind: "paired", criterion: "<=+10%", previousRuns: 0 });
    expect(p95.statistics[0].paired.slices).toBeGreaterThanOrEqual(10);
    // An unchanged build against its twin is never failed by the comparison.
    expect(p95.statistics[0].decision).not.toBe("fail");
    expect(run.result.result).not.toBe("fail");
  }, 30_000);

  it("fails a +50% regression with the size of the change and its interval", async () => {
    const run = await paired(regressed.url);
    expect(run.status).toBe(1);
    const p95 = run.result.objectives.find((objective: { sli: string }) => objective.sli === "response_time_p95");
    expect(p95.status).toBe("fail");
    expect(p95.statistics[0].decision).toBe("fail");
    expect(p95.statistics[0].change.low).toBeGreaterThan(1.1);
    expect(p95.statistics[0].reason).toMatch(
      /^candidate over baseline \+\d+\.\d% \(98% interval \+\d+\.\d% to \+\d+\.\d%; \d+ time slices, \d+ \+ \d+ requests\): significant and beyond the allowed \+10\.0%$/,
    );
  }, 30_000);

  it("refuses a baseline target for a workload that is not the built-in generator, before any load", async () => {
    const cwd = tempDir();
    writeFiles(cwd, { "slo.yaml": SLO });
    const run = await runCliAsync(["run", "--baseline-target", `${baseline.url}/`, "--slo", "slo.yaml", "--", "true"], { cwd });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("a baseline target is for the built-in generator, not a command workload");
  });
});
