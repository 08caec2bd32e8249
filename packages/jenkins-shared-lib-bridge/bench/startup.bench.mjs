// The Jenkins bundle: its size, and `node slogate.cjs --version` next to `node -e 0`, same run.
import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const exec = promisify(execFile);
const bundle = fileURLToPath(new URL("../resources/io/slogate/slogate.cjs", import.meta.url));
const ROUNDS = 7;

async function median(args) {
  const samples = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await exec(process.execPath, args);
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

const node = await median(["-e", "0"]);
const cold = await median([bundle, "--version"]);
console.log(`slogate Jenkins bundle (median of ${ROUNDS})`);
console.log(`  resources/io/slogate/slogate.cjs  ${(statSync(bundle).size / 1024 / 1024).toFixed(2)} MB`);
console.log(`  node slogate.cjs --version        ${cold.toFixed(0)} ms = ${(cold / node).toFixed(2)}× node -e 0 (${node.toFixed(0)} ms)`);
