// The component's job program: a whole gate on a values file outside a merge request, from process
// start to exit, next to `node -e 0`, on Node 24 (the node:24 image the template names), measured
// in this run, in turns.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { againstNode, mediansInTurns, NODE24, ROUNDS, writeValuesGate } from "../../../scripts/bench-in-turns.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const program = join(root, "dist", "cli.js");
const work = mkdtempSync(join(tmpdir(), "slogate-bench-gitlab-"));
writeValuesGate(work);
const job = {
  GITLAB_CI: "true",
  CI_PROJECT_DIR: work,
  CI_JOB_NAME: "slogate",
  SLOGATE_MODE: "evaluate",
  SLOGATE_SLO: "slo.yaml",
  SLOGATE_SLI_VALUES: "values.json",
};

function timeOnce(args, env = {}) {
  const start = performance.now();
  execFileSync(NODE24, args, { cwd: work, env: { PATH: process.env.PATH, TMPDIR: work, ...env }, stdio: "ignore" });
  return performance.now() - start;
}

const { node, gate } = await mediansInTurns({ node: () => timeOnce(["-e", "0"]), gate: () => timeOnce([program], job) });
console.log(`slogate GitLab component job (Node 24, median of ${ROUNDS}; node -e 0 ${node.toFixed(0)} ms)`);
console.log(`  a whole gate on a values file, no merge request   ${againstNode(node)(gate)}`);
