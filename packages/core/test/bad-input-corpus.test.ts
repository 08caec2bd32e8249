import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CORE_ROOT, runCliAsync, runInProcess } from "./support.js";

const CORPUS = join(CORE_ROOT, "test", "fixtures", "bad-input");
const FILES = readdirSync(CORPUS)
  .filter((name) => !name.startsWith("_"))
  .sort();
const GOOD_SLO = join(CORPUS, "_good-slo.yaml");
const GOOD_VALUES = join(CORPUS, "_good-values.json");

/** The command a user would have run when they met this file. */
function commandFor(name: string): string[] {
  const file = join(CORPUS, name);
  if (name.startsWith("slo-")) return ["evaluate", "--slo", file, "--sli-values", GOOD_VALUES];
  if (name.startsWith("sli-")) return ["validate", "--slo", GOOD_SLO, "--sli", file];
  if (name.startsWith("config-")) return ["validate", "--config", file];
  if (name.startsWith("values-")) return ["evaluate", "--slo", GOOD_SLO, "--sli-values", file];
  if (name.startsWith("history-")) return ["evaluate", "--slo", GOOD_SLO, "--sli-values", GOOD_VALUES, "--history", file];
  throw new Error(`no command for ${name}`);
}

const run = (args: string[]) => runInProcess(args, CORPUS);

describe(`bad-input corpus (${FILES.length} files): exit 2, file:line:column, no stack trace`, () => {
  it("has at least 200 files", () => {
    expect(FILES.length).toBeGreaterThanOrEqual(200);
  });

  it.each(FILES)("%s", async (name) => {
    const { status, stderr } = await run(commandFor(name));
    const file = join(CORPUS, name);
    const first = stderr.split("\n").find((line) => line.includes(": error: ")) ?? "";
    expect({ status, positioned: first.startsWith(`${file}:`) && /^[^:]+:\d+:\d+: error: .{10,}/.test(first) }, stderr).toEqual({
      status: 2,
      positioned: true,
    });
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toContain("internal error");
  });

  it("gives the same answer as a separate process (a sample through the real CLI)", async () => {
    const sample = FILES.filter((_, i) => i % 25 === 0);
    for (const name of sample) {
      const inProcess = await run(commandFor(name));
      const process = await runCliAsync(commandFor(name), { cwd: CORPUS });
      expect(process.status, name).toBe(2);
      expect(process.stderr, name).toBe(inProcess.stderr);
    }
  });
});
