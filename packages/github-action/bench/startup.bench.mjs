// The action's bundle: what a run loads at start (dist/index.js and the chunks it imports) next to
// all of dist/; its cold start (no inputs, until its first output) and a whole gate on a values
// file (start to exit, as the Azure and GitLab benches time theirs) next to `node -e 0`, all on the
// Node 24 the runner uses, measured in this run, in turns: on a fresh runner (nothing compiled yet)
// and on one that ran the action before (its compiled code kept in the temp folder).
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { againstNode, mediansInTurns, NODE24, ROUNDS, writeValuesGate } from "../../../scripts/bench-in-turns.mjs";

const action = fileURLToPath(new URL("..", import.meta.url));
const dist = join(action, "dist");
const bundle = join(dist, "index.js");

/**
 * What Node reads and compiles at start: dist/index.js, the action it imports at once (main-*.js),
 * and every chunk those import statically.
 */
function loadedAtStart(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  const imports = [...text.matchAll(/(?:^|[;}\n])import\s*(?:[\w${},\s*]+from\s*)?"\.\/([\w.-]+\.js)"/g)].map((m) => m[1]);
  const action = text.match(/import\("\.\/(main-[\w-]+\.js)"\)/)?.[1];
  for (const chunk of file === bundle && action ? [action, ...imports] : imports) loadedAtStart(join(dist, chunk), seen);
  return seen;
}

/** The temp folder of a fresh runner, or of one that ran the action before. */
const freshTemp = () => mkdtempSync(join(tmpdir(), "slogate-bench-runner-"));
const usedTemp = freshTemp();

// A step's workspace with an SLO and measured values, and the files the runner gives every step.
const workspace = freshTemp();
writeValuesGate(workspace);
const gateStep = {
  GITHUB_WORKSPACE: workspace,
  GITHUB_OUTPUT: join(workspace, "output"),
  GITHUB_STEP_SUMMARY: join(workspace, "summary"),
  INPUT_SLO: "slo.yaml",
  "INPUT_SLI-VALUES": "values.json",
};

function firstOutput(args, temp = freshTemp(), step = {}) {
  // The runner gives each step new, empty output and summary files; the toolkit refuses missing ones.
  if (step.INPUT_SLO) for (const file of [step.GITHUB_OUTPUT, step.GITHUB_STEP_SUMMARY]) writeFileSync(file, "");
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = execFile(NODE24, args, {
      cwd: workspace,
      env: { PATH: process.env.PATH, GITHUB_ACTIONS: "true", TMPDIR: temp, ...step },
    });
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        resolve(performance.now() - start);
      }
    };
    // A gate is timed to its exit (a gate that failed is no figure), a cold start to its first output.
    if (!step.INPUT_SLO) child.stdout.once("data", finish);
    child.on("exit", (code) => (step.INPUT_SLO && code !== 0 ? reject(new Error(`the gate exited with ${code}`)) : finish()));
  });
}

await firstOutput([bundle], usedTemp);
await firstOutput([bundle], usedTemp, gateStep);
const { node, cold, again, gate, gateAgain } = await mediansInTurns({
  node: () => firstOutput(["-e", "0"]),
  cold: () => firstOutput([bundle]),
  again: () => firstOutput([bundle], usedTemp),
  gate: () => firstOutput([bundle], freshTemp(), gateStep),
  gateAgain: () => firstOutput([bundle], usedTemp, gateStep),
});
const ratio = againstNode(node);
const megabytes = (files) => (files.reduce((sum, file) => sum + statSync(file).size, 0) / 1024 / 1024).toFixed(2);
const all = readdirSync(dist).map((file) => join(dist, file));
const atStart = [...loadedAtStart(bundle)];
console.log(`slogate GitHub Action (Node 24, median of ${ROUNDS}; node -e 0 ${node.toFixed(0)} ms; goal ≤ 1.5×)`);
console.log(`  dist/                                        ${megabytes(all)} MB in ${all.length} files`);
console.log(
  `  loaded at start                              ${megabytes(atStart)} MB in ${atStart.length} files (the rest when a run needs it)`,
);
console.log(`  to first output, a fresh runner             ${ratio(cold)}`);
console.log(`  to first output, having run it before       ${ratio(again)}`);
console.log(`  a whole gate on a values file, fresh        ${ratio(gate)}`);
console.log(`  a whole gate on a values file, run before   ${ratio(gateAgain)}`);
