// The Jenkins bundle: its size, and `node slogate.cjs --version` (its cold start) and a whole gate
// on a values file next to `node -e 0` on Node 24, measured in this run, in turns: on an agent's
// first build (nothing compiled yet) and on the next (the step's NODE_COMPILE_CACHE in the
// workspace's @tmp folder holds the compiled bundle).
import { execFile } from "node:child_process";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { againstNode, mediansInTurns, NODE24, ROUNDS, writeValuesGate } from "../../../scripts/bench-in-turns.mjs";

const exec = promisify(execFile);
const bundle = fileURLToPath(new URL("../resources/io/slogate/slogate.cjs", import.meta.url));

const workspace = mkdtempSync(join(tmpdir(), "slogate-bench-workspace-"));
writeValuesGate(workspace);
const gate = [bundle, "evaluate", "--slo", "slo.yaml", "--sli-values", "values.json"];

async function timeOnce(args, env = {}) {
  const start = performance.now();
  await exec(NODE24, args, { cwd: workspace, env: { PATH: process.env.PATH, ...env } });
  return performance.now() - start;
}

const kept = { NODE_COMPILE_CACHE: mkdtempSync(join(tmpdir(), "slogate-bench-cache-")) };
await timeOnce([bundle, "--version"], kept);
const { node, first, next, gateFirst, gateNext } = await mediansInTurns({
  node: () => timeOnce(["-e", "0"]),
  first: () => timeOnce([bundle, "--version"]),
  next: () => timeOnce([bundle, "--version"], kept),
  gateFirst: () => timeOnce(gate),
  gateNext: () => timeOnce(gate, kept),
});
const ratio = againstNode(node);
console.log(`slogate Jenkins bundle (Node 24, median of ${ROUNDS}; node -e 0 ${node.toFixed(0)} ms; goal ≤ 1.5×)`);
console.log(`  resources/io/slogate/slogate.cjs            ${(statSync(bundle).size / 1024 / 1024).toFixed(2)} MB`);
console.log(`  --version, the agent's first build          ${ratio(first)}`);
console.log(`  --version, the next (compiled code kept)    ${ratio(next)}`);
console.log(`  a whole gate on a values file, first build  ${ratio(gateFirst)}`);
console.log(`  a whole gate on a values file, the next     ${ratio(gateNext)}`);
