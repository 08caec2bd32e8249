// Fail-fast, measured as a user runs it: `slogate run --fail-fast` through the CLI against real
// local services, a 60 s paired test at 4 virtual users (the baseline answers in 20 ms).
//   unchanged   the candidate is a twin of the baseline: how many tests fail-fast stops (target 0);
//   +100%       the candidate answers in 40 ms: when the test stops (target: under 15 s of 60 s).
// Counts: SLOGATE_FAILFAST_UNCHANGED (default 5) and SLOGATE_FAILFAST_REGRESSED (default 3).
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../bin/slogate.js", import.meta.url));
const UNCHANGED = Number(process.env.SLOGATE_FAILFAST_UNCHANGED ?? 5);
const REGRESSED = Number(process.env.SLOGATE_FAILFAST_REGRESSED ?? 3);
const DURATION_S = 60;

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

function service(ms) {
  return new Promise((resolve) => {
    const server = createServer((_request, response) => setTimeout(() => response.end("ok"), ms));
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/` }));
  });
}

const cwd = mkdtempSync(join(tmpdir(), "slogate-failfast-bench-"));
writeFileSync(join(cwd, "slo.yaml"), SLO);

function run(candidate, baseline) {
  const args = [CLI, "run", "--target", candidate, "--baseline-target", baseline, "--duration", `${DURATION_S}s`, "--vus", "4"];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...args, "--slo", "slo.yaml", "--fail-fast"],
      { cwd, env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) => {
        const [start, end] = /window (\S+) → (\S+)/.exec(stdout)?.slice(1) ?? [];
        resolve({
          status: error ? error.code : 0,
          seconds: (Date.parse(end) - Date.parse(start)) / 1000,
          stopped: /fail-fast stopped the test/.test(stderr),
        });
      },
    );
  });
}

const [baseline, twin, regressed] = await Promise.all([service(20), service(20), service(40)]);
const unchanged = [];
for (let i = 0; i < UNCHANGED; i++) unchanged.push(await run(twin.url, baseline.url));
const slower = [];
for (let i = 0; i < REGRESSED; i++) slower.push(await run(regressed.url, baseline.url));
for (const { server } of [baseline, twin, regressed]) server.close();

const stops = unchanged.filter((r) => r.stopped).length;
const times = slower.map((r) => r.seconds.toFixed(1));
console.log(`fail-fast, ${DURATION_S} s paired tests at 4 virtual users through the CLI`);
console.log(`  unchanged: ${stops} of ${unchanged.length} stopped (gate results: ${unchanged.map((r) => r.status).join(", ")})`);
console.log(
  `  +100%:     ${slower.filter((r) => r.stopped).length} of ${slower.length} stopped, after ${times.join(", ")} s (share of the planned test: ${slower.map((r) => `${((100 * r.seconds) / DURATION_S).toFixed(0)}%`).join(", ")})`,
);
