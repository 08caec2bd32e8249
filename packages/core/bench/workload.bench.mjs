// The built-in load generator next to autocannon, against the same local server (a separate
// process), with the same connection count and duration, taking turns within this one run.
// Reported: requests/s of each and their ratio (goal ≥ 1.0, floor 0.9), and p50/p99 of both.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { BuiltinRunner } from "../dist/internal.js";

const ROUNDS = 3;
const CONNECTIONS = 8;
const DURATION_S = 5;
const service = fileURLToPath(new URL("../../../examples/service/server.mjs", import.meta.url));

const server = spawn(process.execPath, [service, "0"], { stdio: ["ignore", "pipe", "inherit"] });
const base = await new Promise((resolve) => createInterface({ input: server.stdout }).once("line", resolve));
const url = `${base}/health`;

async function slogate() {
  const outcome = await new BuiltinRunner({ name: "bench", endpoints: [{ url }], vus: CONNECTIONS, durationMs: DURATION_S * 1000 }).run({
    signal: new AbortController().signal,
  });
  return {
    rps: outcome.metrics.throughput,
    p50: outcome.metrics.response_time_p50,
    p99: outcome.metrics.response_time_p99,
    errors: outcome.metrics.errors,
  };
}

async function cannon() {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S });
  // autocannon's latencies are whole milliseconds.
  return {
    rps: result.requests.total / DURATION_S,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rows = { slogate: [], autocannon: [] };
// A warm-up of each, so neither pays for the server's JIT.
await slogate();
await cannon();
for (let round = 0; round < ROUNDS; round++) {
  // Alternate who goes first: the machine's noise falls on both.
  const order =
    round % 2 === 0
      ? [
          ["slogate", slogate],
          ["autocannon", cannon],
        ]
      : [
          ["autocannon", cannon],
          ["slogate", slogate],
        ];
  for (const [name, run] of order) rows[name].push(await run());
}
server.kill();

const summary = (name) => ({
  rps: median(rows[name].map((r) => r.rps)),
  p50: median(rows[name].map((r) => r.p50)),
  p99: median(rows[name].map((r) => r.p99)),
  errors: rows[name].reduce((sum, r) => sum + r.errors, 0),
});
const ours = summary("slogate");
const theirs = summary("autocannon");
console.log(
  `built-in generator vs autocannon: ${CONNECTIONS} connections, ${DURATION_S} s, ${ROUNDS} rounds each (medians), GET ${new URL(url).pathname}`,
);
console.log(
  `  slogate builtin  ${ours.rps.toFixed(0).padStart(7)} req/s  p50 ${ours.p50.toFixed(3)} ms  p99 ${ours.p99.toFixed(3)} ms  errors ${ours.errors}`,
);
console.log(
  `  autocannon       ${theirs.rps.toFixed(0).padStart(7)} req/s  p50 ${theirs.p50} ms  p99 ${theirs.p99} ms (whole ms)  errors ${theirs.errors}`,
);
console.log(`  requests/s ratio slogate/autocannon: ${(ours.rps / theirs.rps).toFixed(2)} (goal ≥ 1.0, floor 0.9)`);
console.log(`  per round: ${rows.slogate.map((r, i) => (r.rps / rows.autocannon[i].rps).toFixed(2)).join(", ")}`);
