// How often a gate is wrong under noise: builds with per-request latencies (log-normal, σ = 0.5),
// each build shifted by a run-level drift (log-normal, 5%, 10% or 15%), some with a regression
// of +10%, +20% or +50% on every request (so on p95). For each, the objective `p95 <=+10%` is
// judged by Keptn's comparison (against the last result, and against the average of the last 5)
// and by slogate's statistical comparison (the last 5 runs' p95 values and 500 samples each).
// Reported: how often each fails an unchanged build (false alarm), how often it catches each
// regression (detection), and the share the statistical mode calls inconclusive.
import { DEFAULT_STATISTICAL_SETTINGS, judgeRelative } from "../dist/engine.js";

const TRIALS = Number(process.env.SLOGATE_VERDICT_TRIALS ?? 400);
const REQUESTS = 1000;
const SAMPLES = 500;
const HISTORY = 5;
const DRIFTS = [0.05, 0.1, 0.15];
const REGRESSIONS = [0, 0.1, 0.2, 0.5];

let seed = 20261126;
function random() {
  // xorshift32: fast and repeatable.
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return ((seed >>> 0) + 0.5) / 4294967296;
}
function normal() {
  return Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
}

/** One build: its p95 and a uniform sample of its request latencies. */
function build(drift, regression) {
  const level = Math.log(100) + Math.log(1 + regression) + drift * normal();
  const latencies = Float64Array.from({ length: REQUESTS }, () => Math.exp(level + 0.5 * normal()));
  const samples = Array.from(latencies.subarray(0, SAMPLES));
  latencies.sort();
  return { p95: latencies[Math.ceil(0.95 * REQUESTS) - 1], samples };
}

const rows = [];
const started = performance.now();
for (const drift of DRIFTS) {
  for (const regression of REGRESSIONS) {
    const counts = { keptnLast: 0, keptnAvg5: 0, statFail: 0, statInconclusive: 0 };
    for (let t = 0; t < TRIALS; t++) {
      const history = Array.from({ length: HISTORY }, () => build(drift, 0));
      const candidate = build(drift, regression);
      const last = history[HISTORY - 1].p95;
      const avg = history.reduce((sum, b) => sum + b.p95, 0) / HISTORY;
      if (candidate.p95 > 1.1 * last) counts.keptnLast++;
      if (candidate.p95 > 1.1 * avg) counts.keptnAvg5++;
      const finding = judgeRelative(
        "<=+10%",
        candidate.p95,
        history.map((b) => b.p95),
        { current: candidate.samples, baseline: history.flatMap((b) => b.samples) },
        DEFAULT_STATISTICAL_SETTINGS,
      );
      if (finding.decision === "fail") counts.statFail++;
      if (finding.decision === "inconclusive") counts.statInconclusive++;
    }
    rows.push({ drift, regression, ...counts });
  }
}
const pct = (count) => `${((100 * count) / TRIALS).toFixed(1)}%`.padStart(6);
console.log(
  `verdicts under noise: ${TRIALS} trials per cell, ${REQUESTS} requests per build, objective p95 <=+10% (${((performance.now() - started) / 1000).toFixed(0)} s)`,
);
console.log("  drift  change | Keptn vs last: fails | Keptn vs avg of 5: fails | statistical: fails  inconclusive  passes");
for (const row of rows) {
  const label = row.regression === 0 ? "none " : `+${row.regression * 100}%`.padEnd(5);
  const passes = TRIALS - row.statFail - row.statInconclusive;
  console.log(
    `  ${`${row.drift * 100}%`.padStart(4)}   ${label} |              ${pct(row.keptnLast)} |                  ${pct(row.keptnAvg5)} |             ${pct(row.statFail)}        ${pct(row.statInconclusive)}  ${pct(passes)}`,
  );
}
console.log("  (change none: a fail is a false alarm; otherwise a fail is a detection)");
