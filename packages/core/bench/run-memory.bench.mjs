// Peak resident memory of a whole `slogate run` gate (built-in generator, 8 users for 5 s against
// the example service, workload SLIs, file history, JSON/Markdown/HTML reports) next to the peak
// of `node -e 0`, both measured in this run.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

const core = fileURLToPath(new URL("..", import.meta.url));
const repo = join(core, "..", "..");
const cli = pathToFileURL(join(core, "dist", "cli.js")).href;
const work = mkdtempSync(join(tmpdir(), "slogate-bench-rss-"));

/** Runs `code` in a fresh Node and returns its peak RSS in MiB, printed as the process exits. */
function peakRss(code, args = []) {
  return new Promise((resolve, reject) => {
    const wrapped = `process.on("exit", () => process.stderr.write("MAXRSS " + process.resourceUsage().maxRSS + "\\n")); ${code}`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", wrapped, "--", ...args], {
      cwd: repo,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("close", () => {
      const kib = Number(/MAXRSS (\d+)/.exec(stderr)?.[1]);
      if (Number.isNaN(kib)) reject(new Error(stderr));
      else resolve(kib / 1024);
    });
  });
}

const service = spawn(process.execPath, [join(repo, "examples", "service", "server.mjs"), "0"], { stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise((resolve) => createInterface({ input: service.stdout }).once("line", resolve));
const runArgs = [
  "run",
  "--config",
  "examples/performance/slogate.yaml",
  "--target",
  `${url}/api/items`,
  "--vus",
  "8",
  "--duration",
  "5s",
  "--history",
  join(work, "history.jsonl"),
  "--store",
  "--format",
  "json",
  "--report-md",
  join(work, "report.md"),
  "--report-html",
  join(work, "report.html"),
];
const gateCode = `process.argv = [process.argv[0], "slogate", ...process.argv.slice(1)]; const { runCli } = await import(${JSON.stringify(cli)}); runCli();`;
const node = await peakRss("0");
const gate = await peakRss(gateCode, runArgs);
service.kill();
console.log("slogate run: peak resident memory of a whole gate (8 users × 5 s, reports, history)");
console.log(`  slogate run   ${gate.toFixed(0)} MB = ${(gate / node).toFixed(1)}× node -e 0 (${node.toFixed(0)} MB)`);
