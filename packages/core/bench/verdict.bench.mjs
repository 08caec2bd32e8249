// How often the gate is wrong under noise, measured at the gate: the whole evaluation's result
// (evaluate(), the function every slogate command and adapter calls), not one objective's.
// Builds have per-request latencies (log-normal, σ = 0.3) and a run-level drift (log-normal, 5%,
// 10% or 15%) that moves everything measured in that run; some carry a regression of +10%, +20%
// or +50% on every request. Three ways to judge `response_time_p95: <=+10%`:
//   keptn        Keptn's comparison against the average of the last 5 stored runs;
//   statistical  slogate's statistical comparison against the same 5 runs (500 samples each);
//   paired       slogate run --baseline-target: baseline and candidate loaded in the same 3 s,
//                15 time slices, each with the 128 requests per target slogate keeps of a slice
//                (a 3 s run at 4 virtual users on a local target fills them), the drift shared
//                slice by slice.
// Two SLO shapes, both with Keptn's usual total_score {pass: 90%, warning: 75%}: one objective,
// and several (p95 and p50 relative, error rate absolute and key). Reported per cell: the share of
// gates that fail, warn and pass (for "none" a fail is a false fail; otherwise a detection).
import { DEFAULT_STATISTICAL_SETTINGS, evaluate, readSloText } from "../dist/engine.js";

const TRIALS = Number(process.env.SLOGATE_VERDICT_TRIALS ?? 100);
const HISTORY = 5;
const SLICES = 15;
const PER_SLICE = 128;
// A focused run: SLOGATE_VERDICT_DRIFTS=0.1 SLOGATE_VERDICT_CHANGES=0 SLOGATE_VERDICT_MODES=statistical.
const listed = (name, fallback) => (process.env[name] ? process.env[name].split(",").map((x) => x.trim()) : fallback);
const DRIFTS = listed("SLOGATE_VERDICT_DRIFTS", [0.05, 0.1, 0.15]).map(Number);
const REGRESSIONS = listed("SLOGATE_VERDICT_CHANGES", [0, 0.1, 0.2, 0.5]).map(Number);
const MODES = new Set(listed("SLOGATE_VERDICT_MODES", ["keptn", "statistical", "paired"]));

let seed = 20261128;
function random() {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return ((seed >>> 0) + 0.5) / 4294967296;
}
function normal() {
  return Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
}
const percentile = (sorted, p) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
const sorted = (values) => [...values].sort((a, b) => a - b);

/** Latencies of `count` requests of one target at a level (log ms). */
function requests(level, count) {
  return Array.from({ length: count }, () => Math.exp(level + 0.3 * normal()));
}

/** One build measured on its own: SLI values and a sample of its requests. */
function build(drift, regression) {
  const level = Math.log(20) + Math.log(1 + regression) + drift * normal();
  const latencies = sorted(requests(level, 1000));
  return {
    values: { response_time_p95: percentile(latencies, 95), response_time_p50: percentile(latencies, 50), error_rate: 0 },
    samples: latencies.filter((_, i) => i % 2 === 0),
  };
}

/** A paired run: both targets in the same slices, each slice with its own shared drift. */
function pairedRun(drift, regression) {
  const runLevel = Math.log(20) + drift * normal();
  const slices = Array.from({ length: SLICES }, () => {
    const level = runLevel + drift * normal();
    return { candidate: requests(level + Math.log(1 + regression), PER_SLICE), baseline: requests(level, PER_SLICE) };
  });
  const all = (side) => sorted(slices.flatMap((slice) => slice[side]));
  const measure = (side) => ({
    response_time_p95: percentile(all(side), 95),
    response_time_p50: percentile(all(side), 50),
    error_rate: 0,
  });
  return { slices, candidate: measure("candidate"), baseline: measure("baseline") };
}

const SHAPES = {
  "one objective": `comparison: { compare_with: several_results, number_of_comparison_results: ${HISTORY}, aggregate_function: avg }
objectives:
  - sli: response_time_p95
    pass: [{ criteria: ["<=+10%"] }]
total_score: { pass: "90%", warning: "75%" }
`,
  several: `comparison: { compare_with: several_results, number_of_comparison_results: ${HISTORY}, aggregate_function: avg }
objectives:
  - sli: response_time_p95
    pass: [{ criteria: ["<=+10%"] }]
    warning: [{ criteria: ["<=+25%"] }]
  - sli: response_time_p50
    pass: [{ criteria: ["<=+10%"] }]
  - sli: error_rate
    key_sli: true
    pass: [{ criteria: ["<=0.01"] }]
total_score: { pass: "90%", warning: "75%" }
`,
};

function gate(slo, values, previous, statistics) {
  const outcome = evaluate({
    slo,
    sloFileContent: "",
    retrieval: {
      status: "succeeded",
      result: "pass",
      message: "",
      indicatorValues: Object.entries(values).map(([metric, value]) => ({ metric, value, success: true, message: "" })),
    },
    previous,
    window: { start: "2026-11-28T00:00:00Z", end: "2026-11-28T00:00:03Z" },
    ...(statistics ? { statistics } : {}),
  });
  return outcome.result;
}

const asPrevious = (id, values, samples) => ({
  id,
  result: "pass",
  indicatorResults: Object.entries(values).map(([metric, value]) => ({ value: { metric, value, success: true } })),
  ...(samples ? { samples: { response_time_p95: samples, response_time_p50: samples } } : {}),
});

const started = performance.now();
const rows = [];
for (const [shape, text] of Object.entries(SHAPES)) {
  const { slo } = readSloText(text, "slo.yaml");
  for (const drift of DRIFTS) {
    for (const regression of REGRESSIONS) {
      const tally = { keptn: { fail: 0, warning: 0 }, statistical: { fail: 0, warning: 0 }, paired: { fail: 0, warning: 0 } };
      const count = (mode, result) => {
        if (result !== "pass") tally[mode][result]++;
      };
      for (let t = 0; t < TRIALS; t++) {
        const history = Array.from({ length: HISTORY }, (_, i) => {
          const earlier = build(drift, 0);
          return asPrevious(`run-${i}`, earlier.values, earlier.samples);
        });
        const candidate = build(drift, regression);
        if (MODES.has("keptn")) count("keptn", gate(slo, candidate.values, history));
        if (MODES.has("statistical"))
          count(
            "statistical",
            gate(slo, candidate.values, history, {
              settings: DEFAULT_STATISTICAL_SETTINGS,
              samples: { response_time_p95: candidate.samples, response_time_p50: candidate.samples },
            }),
          );
        if (!MODES.has("paired")) continue;
        const run = pairedRun(drift, regression);
        const statistic = (p) => (values) => percentile(values, p);
        count(
          "paired",
          gate(slo, run.candidate, [asPrevious("baseline", run.baseline)], {
            settings: DEFAULT_STATISTICAL_SETTINGS,
            samples: {},
            paired: {
              response_time_p95: { statistic: statistic(95), slices: run.slices },
              response_time_p50: { statistic: statistic(50), slices: run.slices },
            },
          }),
        );
      }
      rows.push({ shape, drift, regression, tally });
    }
  }
}

const pct = (n) => `${((100 * n) / TRIALS).toFixed(1)}%`.padStart(6);
console.log(
  `gate verdicts under noise: ${TRIALS} trials per cell, Keptn's total_score 90%/75% (${((performance.now() - started) / 1000).toFixed(0)} s)`,
);
console.log("  shape          drift  change |  keptn: fail  warn | statistical: fail  warn |  paired: fail  warn");
for (const { shape, drift, regression, tally } of rows) {
  const label = regression === 0 ? "none " : `+${regression * 100}%`.padEnd(5);
  const cell = (mode) => `${pct(tally[mode].fail)} ${pct(tally[mode].warning)}`;
  console.log(
    `  ${shape.padEnd(13)}  ${`${drift * 100}%`.padStart(4)}   ${label} | ${cell("keptn")} |       ${cell("statistical")} |  ${cell("paired")}`,
  );
}
console.log("  (change none: a fail is a false fail, a warning a false warning; otherwise a fail is a detection)");
