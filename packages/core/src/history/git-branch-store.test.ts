import { execFile, execFileSync } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CORE_ROOT, storedResult, tempDir } from "../../test/support.js";
import { GitBranchHistoryStore } from "./git-branch-store.js";

const exec = promisify(execFile);

function bareRepository(): string {
  const path = join(tempDir("slogate-git-"), "origin.git");
  execFileSync("git", ["init", "--quiet", "--bare", path]);
  return path;
}

const result = (id: string) => storedResult(id);

describe("history in a git branch of a real repository", () => {
  it("starts the branch, appends one commit per result, reads them back and invalidates", async () => {
    const remote = bareRepository();
    const store = new GitBranchHistoryStore({ remote, branch: "slogate-history", path: "carts/history.jsonl" });
    expect(await store.list()).toEqual([]);
    await store.append(result("a"));
    await store.append(result("b"));
    await store.invalidate("a", "flaky", "2024-01-02T00:00:00.000Z");
    expect((await store.list()).map((e) => [e.id, e.invalidated])).toEqual([
      ["a", true],
      ["b", false],
    ]);
    const log = execFileSync("git", ["--git-dir", remote, "log", "--format=%s", "slogate-history"], { encoding: "utf8" });
    expect(log.trim().split("\n")).toEqual(["slogate: invalidate a", "slogate: pass b", "slogate: pass a"]);
    expect(
      (
        await store.selectPrevious({
          comparison: {
            compare_with: "single_result",
            include_result_with_score: "all",
            number_of_comparison_results: 1,
            aggregate_function: "avg",
          },
        })
      ).map((p) => p.id),
    ).toEqual(["b"]);
  });

  it("loses nothing when jobs push at the same time", async () => {
    const remote = bareRepository();
    const script = `
      import { GitBranchHistoryStore } from ${JSON.stringify(join(CORE_ROOT, "dist", "index.js"))};
      const store = new GitBranchHistoryStore({ remote: process.argv[1] });
      const template = JSON.parse(process.argv[2]);
      for (let i = 0; i < 3; i++) await store.append({ ...template, id: process.argv[3] + "-" + i });
    `;
    await Promise.all(
      ["j1", "j2", "j3", "j4"].map((job) =>
        exec(process.execPath, ["--input-type=module", "-e", script, remote, JSON.stringify(result("x")), job]),
      ),
    );
    const entries = await new GitBranchHistoryStore({ remote }).list();
    expect(entries.map((e) => e.id).sort()).toEqual(["j1", "j2", "j3", "j4"].flatMap((job) => [0, 1, 2].map((i) => `${job}-${i}`)).sort());
  }, 120_000);
});
