// A gate of 25 Dynatrace SLIs against the local Dynatrace answering each request after 100 ms:
// the CLI from start to verdict with the default concurrency, with --concurrency 1 and with
// --concurrency 25, next to node's own start-up plus one round trip, all measured in this run.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { mediansInTurns, ROUNDS } from "../../../scripts/bench-in-turns.mjs";

const LATENCY_MS = 100;
const SLIS = 25;
const core = fileURLToPath(new URL("..", import.meta.url));
const cli = join(core, "dist", "cli.js");
const work = mkdtempSync(join(tmpdir(), "slogate-bench-dt-"));

// The local Dynatrace is test support written in TypeScript; bundle it for this script.
const serverModule = join(work, "dynatrace-server.mjs");
await build({
  entryPoints: [join(core, "test", "dynatrace-server.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  outfile: serverModule,
  logLevel: "silent",
});
const { LocalDynatrace } = await import(pathToFileURL(serverModule).href);

const token = "dt0c01.BENCH.token";
const dynatrace = await new LocalDynatrace({
  tokens: { [token]: ["metrics.read"] },
  anyMetric: [{ values: [1] }],
  latencyMs: LATENCY_MS,
}).start();
const names = Array.from({ length: SLIS }, (_, i) => `sli_${i}`);
writeFileSync(join(work, "sli.yaml"), `indicators:\n${names.map((n) => `  ${n}: metricSelector=builtin:bench.${n}`).join("\n")}\n`);
writeFileSync(
  join(work, "slo.yaml"),
  `objectives:\n${names.map((n) => `  - sli: ${n}\n    pass: [{criteria: ["<=1"]}]`).join("\n")}\ntotal_score: {pass: "90%"}\n`,
);

const exec = promisify(execFile);

const env = { ...process.env, DT_URL: dynatrace.url, DT_API_TOKEN: token };

// Asynchronous: the local Dynatrace answers from this same process while the CLI runs.
async function timeOnce(args) {
  const start = performance.now();
  await exec(process.execPath, args, { cwd: work, env });
  return performance.now() - start;
}

async function roundTrip() {
  const start = performance.now();
  await fetch(`${dynatrace.url}/api/v2/metrics/query?metricSelector=x&from=0&to=1`, {
    headers: { authorization: `Api-Token ${token}` },
  }).then((r) => r.text());
  return performance.now() - start;
}

const gate = [
  "evaluate",
  "--provider",
  "dynatrace",
  "--sli",
  "sli.yaml",
  "--slo",
  "slo.yaml",
  "--start",
  "2024-05-01T10:00:00Z",
  "--end",
  "2024-05-01T10:15:00Z",
  "--settle",
  "0",
  "--format",
  "json",
];
// Requests one gate sends: the environment's API rate limit counts them.
const sentBefore = dynatrace.requests.length;
await exec(process.execPath, [cli, ...gate], { cwd: work, env });
const requestsPerGate = dynatrace.requests.length - sentBefore;
const { nodeStart, trip, byDefault, serial, wide } = await mediansInTurns({
  nodeStart: () => timeOnce(["-e", "0"]),
  trip: roundTrip,
  byDefault: () => timeOnce([cli, ...gate]),
  serial: () => timeOnce([cli, ...gate, "--concurrency", "1"]),
  wide: () => timeOnce([cli, ...gate, "--concurrency", String(SLIS)]),
});
await dynatrace.stop();

const baseline = nodeStart + trip;
const ms = (v) => `${v.toFixed(0)} ms`;
console.log(`slogate Dynatrace benchmark: ${SLIS} SLIs, ${LATENCY_MS} ms per request (median of ${ROUNDS})`);
console.log(`  baseline: node -e 0 + one round trip       ${ms(baseline)} (${ms(nodeStart)} + ${ms(trip)})`);
console.log(`  requests to Dynatrace per gate              ${requestsPerGate} (one per SLI would be ${SLIS})`);
console.log(`  CLI start → verdict, default concurrency 8  ${ms(byDefault)} = ${(byDefault / baseline).toFixed(2)}× baseline`);
console.log(`  CLI start → verdict, --concurrency ${SLIS}      ${ms(wide)} = ${(wide / baseline).toFixed(2)}× baseline`);
console.log(
  `  CLI start → verdict, --concurrency 1        ${ms(serial)} = ${(serial / baseline).toFixed(2)}× baseline; default is ${(serial / byDefault).toFixed(1)}× faster`,
);
