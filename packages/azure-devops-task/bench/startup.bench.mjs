// The packaged task: the size of its folder, and its cold start — a whole gate on a values file,
// from process start to `task.complete` — next to `node -e 0`, both on Node 24 (the Node24
// handler), measured in this run, in turns, on a fresh agent and on one that ran the task before.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { againstNode, mediansInTurns, NODE24, ROUNDS, writeValuesGate } from "../../../scripts/bench-in-turns.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const task = join(root, "Slogate", "SlogateV1");
const work = mkdtempSync(join(tmpdir(), "slogate-bench-azure-"));
writeValuesGate(work);

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
  execFileSync(NODE24, args, {
    cwd: work,
    env: { PATH: process.env.PATH, AGENT_TEMPDIRECTORY: work, TMPDIR: temp, ...env },
    stdio: "ignore",
  });
  return performance.now() - start;
}

const inputs = { INPUT_SLO: "slo.yaml", INPUT_SLIVALUES: "values.json" };
const taskMain = [join(task, "index.js")];
timeOnce(taskMain, inputs, usedTemp);
const { node, fresh, again } = await mediansInTurns({
  node: () => timeOnce(["-e", "0"]),
  fresh: () => timeOnce(taskMain, inputs),
  again: () => timeOnce(taskMain, inputs, usedTemp),
});
const ratio = againstNode(node);
console.log(`slogate Azure DevOps task (Node 24, median of ${ROUNDS}; node -e 0 ${node.toFixed(0)} ms; goal ≤ 1.5×)`);
console.log(`  task folder with task-lib                       ${(folderSize(task) / 1024 / 1024).toFixed(2)} MB`);
console.log(`  a whole gate to task.complete, a fresh agent    ${ratio(fresh)}`);
console.log(`  a whole gate to task.complete, having run it    ${ratio(again)}`);
