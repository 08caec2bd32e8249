// Engine and history figures for 100 objectives × 10,000 stored results, each next to a
// baseline measured in the same run (the machine is small and noisy: ratios, not lone times).
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { evaluate } from "../dist/engine.js";
import { FileHistoryStore } from "../dist/internal.js";

const OBJECTIVES = 100;
const RESULTS = 10_000;
// Keptn's datastore answered at most 100 earlier results; more is an errored evaluation (as in Keptn).
const COMPARED = 100;
const ROUNDS = 5;
const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(fn) {
  const samples = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

async function timeAsync(fn) {
  const samples = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const names = Array.from({ length: OBJECTIVES }, (_, i) => `sli_${i}`);
const slo = {
  spec_version: "1.0",
  filter: null,
  comparison: {
    compare_with: "several_results",
    include_result_with_score: "all",
    number_of_comparison_results: COMPARED,
    aggregate_function: "p95",
  },
  objectives: names.map((sli, i) => ({
    sli,
    displayName: "",
    pass: [{ criteria: ["<=+10%", `<${1000 + i}`] }],
    warning: [{ criteria: ["<=+25%"] }],
    weight: 1,
    key_sli: i === 0,
  })),
  total_score: { pass: "90%", warning: "75%" },
};
const previous = Array.from({ length: RESULTS }, (_, r) => ({
  id: `r${r}`,
  result: "pass",
  indicatorResults: names.map((metric, i) => ({ value: { metric, value: 100 + ((r * 7 + i) % 50), success: true } })),
}));
const current = names.map((metric, i) => ({ metric, value: 110 + (i % 30), success: true, message: "" }));
const compared = previous.slice(0, COMPARED);
const input = {
  slo,
  sloFileContent: "",
  retrieval: { status: "succeeded", result: "pass", message: "", indicatorValues: current },
  previous: compared,
  window: { start: "2024-01-01T00:00:00.000Z", end: "2024-01-01T00:10:00.000Z" },
};

// An errored evaluation would be timed as if it were one: refuse to measure that.
const checked = evaluate(input);
if (checked.status === "errored") throw new Error(`the benchmark's evaluation errored: ${checked.evaluation.message ?? ""}`);
// Baseline: touching every one of the compared values once, in a plain loop.
let sink = 0;
const baseline = time(() => {
  for (const evaluation of compared) for (const indicator of evaluation.indicatorResults) sink += indicator.value.value;
});
const rssBefore = process.resourceUsage().maxRSS;
const engine = time(() => {
  sink += evaluate(input).evaluation.score;
});
// Peak resident memory: what the process reached holding the 1,000,000 values, and what the
// evaluation added on top of that (maxRSS is in KiB).
const rssAfter = process.resourceUsage().maxRSS;

// History: the same results as Keptn evaluation.finished lines on disk, selected by the file store.
const directory = mkdtempSync(join(tmpdir(), "slogate-bench-"));
const historyPath = join(directory, "history.jsonl");
const lines = previous.map((p) =>
  JSON.stringify({ result: "pass", evaluation: { result: "pass", score: 100, indicatorResults: p.indicatorResults } }),
);
writeFileSync(historyPath, `${lines.join("\n")}\n`);
const parseOnly = time(() => {
  for (const line of lines) sink += JSON.parse(line).evaluation.score;
});
const store = new FileHistoryStore(historyPath);
const selection = await timeAsync(async () => {
  sink += (await store.selectPrevious({ comparison: slo.comparison })).length;
});

// CLI start-up against Node's own.
const spawnTime = (args) =>
  time(() => {
    spawnSync(process.execPath, args, { stdio: "ignore" });
  });
const nodeStart = spawnTime(["-e", "0"]);
const cliStart = spawnTime([cli, "--version"]);

const ms = (value) => `${value.toFixed(1)} ms`;
console.log(
  `slogate engine benchmark: ${OBJECTIVES} objectives × ${COMPARED} compared results, ${RESULTS.toLocaleString("en")} stored (median of ${ROUNDS})`,
);
console.log(
  `  evaluate (aggregate p95, score)   ${ms(engine)}  = ${(engine / baseline).toFixed(1)}× a plain loop over the same ${(OBJECTIVES * COMPARED).toLocaleString("en")} values (${ms(baseline)})`,
);
console.log(
  `  peak memory (max RSS)             ${(rssAfter / 1024).toFixed(0)} MB with the stored results in memory; evaluating added ${((rssAfter - rssBefore) / 1024).toFixed(0)} MB`,
);
console.log(
  `  history selection from file       ${ms(selection)}  = ${(selection / parseOnly).toFixed(2)}× JSON.parse of the same ${RESULTS.toLocaleString("en")} lines (${ms(parseOnly)})`,
);
console.log(`  CLI start-up (slogate --version)  ${ms(cliStart)}  = ${(cliStart / nodeStart).toFixed(2)}× node -e 0 (${ms(nodeStart)})`);
if (Number.isNaN(sink)) console.log("unreachable");
