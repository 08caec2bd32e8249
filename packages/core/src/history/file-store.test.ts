import { execFile } from "node:child_process";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CORE_ROOT, storedResult, tempDir } from "../../test/support.js";
import type { Comparison } from "../engine/types.js";
import { FileHistoryStore } from "./file-store.js";

const exec = promisify(execFile);

const result = storedResult;

const comparison = (fields: Partial<Comparison> = {}): Comparison => ({
  compare_with: "several_results",
  include_result_with_score: "all",
  number_of_comparison_results: 3,
  aggregate_function: "avg",
  ...fields,
});

function store(lines?: string[]): { store: FileHistoryStore; path: string; warnings: string[] } {
  const path = join(tempDir(), "history.jsonl");
  if (lines) writeFileSync(path, lines.join("\n"));
  const warnings: string[] = [];
  return { store: new FileHistoryStore(path, { onWarning: (m) => warnings.push(m) }), path, warnings };
}

describe("FileHistoryStore", () => {
  it("appends one JSON line per result and lists them oldest first", async () => {
    const { store: history, path } = store();
    await history.append(result("a", "pass", 100));
    await history.append(result("b", "fail", 200));
    expect(readFileSync(path, "utf8").split("\n")).toHaveLength(3);
    const entries = await history.list();
    expect(entries.map((e) => [e.id, e.result, e.origin, e.invalidated])).toEqual([
      ["a", "pass", "slogate", false],
      ["b", "fail", "slogate", false],
    ]);
  });

  it("selects like Keptn's datastore: newest first, filtered by result, limited", async () => {
    const { store: history } = store();
    for (const [id, verdict] of [
      ["a", "pass"],
      ["b", "fail"],
      ["c", "warning"],
      ["d", "pass"],
      ["e", "pass"],
    ] as const) {
      await history.append(result(id, verdict, 1));
    }
    const ids = async (fields: Partial<Comparison>) => (await history.selectPrevious({ comparison: comparison(fields) })).map((p) => p.id);
    expect(await ids({})).toEqual(["e", "d", "c"]);
    expect(await ids({ include_result_with_score: "pass" })).toEqual(["e", "d", "a"]);
    expect(await ids({ include_result_with_score: "PASS_OR_WARN", number_of_comparison_results: 10 })).toEqual(["e", "d", "c", "a"]);
    expect(await ids({ compare_with: "single_result" })).toEqual(["e"]);
    expect(await ids({ compare_with: "several", number_of_comparison_results: 1 })).toEqual(["e", "d", "c"]);
  });

  it("skips invalidated results and marks them in the list", async () => {
    const { store: history } = store();
    await history.append(result("a", "pass", 1));
    await history.append(result("b", "pass", 2));
    await history.invalidate("b", "flaky environment", "2024-01-02T00:00:00.000Z");
    expect((await history.selectPrevious({ comparison: comparison() })).map((p) => p.id)).toEqual(["a"]);
    expect((await history.list()).map((e) => [e.id, e.invalidated])).toEqual([
      ["a", false],
      ["b", true],
    ]);
    await expect(history.invalidate("zzz", "", "2024-01-02T00:00:00.000Z")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("pins the comparison to a baseline, and refuses an unknown or invalidated one", async () => {
    const { store: history } = store();
    await history.append(result("a", "pass", 1));
    await history.append(result("b", "pass", 2));
    expect((await history.selectPrevious({ comparison: comparison(), baseline: "a" })).map((p) => p.id)).toEqual(["a"]);
    await expect(history.selectPrevious({ comparison: comparison(), baseline: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await history.invalidate("a", "", "2024-01-02T00:00:00.000Z");
    await expect(history.selectPrevious({ comparison: comparison(), baseline: "a" })).rejects.toThrow("baseline a was invalidated");
  });

  it("reads Keptn history: CloudEvents, bare data, and invalidated events by triggeredid", async () => {
    const indicator = (v: number) => ({ value: { metric: "rt", value: v, success: true } });
    const { store: history } = store([
      JSON.stringify({ result: "pass", evaluation: { result: "pass", score: 100, indicatorResults: [indicator(10)] } }),
      JSON.stringify({
        type: "sh.keptn.event.evaluation.finished",
        id: "k2",
        triggeredid: "t2",
        time: "2023-05-01T00:00:00Z",
        data: { result: "pass", evaluation: { score: 100, indicatorResults: [indicator(20)] } },
      }),
      JSON.stringify({
        type: "sh.keptn.event.evaluation.finished",
        id: "k3",
        triggeredid: "t3",
        data: { result: "pass", evaluation: { indicatorResults: [indicator(30)] } },
      }),
      JSON.stringify({ type: "sh.keptn.event.evaluation.invalidated", triggeredid: "t3" }),
      "",
    ]);
    const selected = await history.selectPrevious({ comparison: comparison() });
    expect(selected.map((p) => p.id)).toEqual(["k2", `${history.path}#1`]);
    expect(selected[0]?.indicatorResults).toEqual([indicator(20)]);
    const entries = await history.list();
    expect(entries.map((e) => [e.id, e.origin, e.time, e.invalidated])).toEqual([
      [`${history.path}#1`, "keptn", null, false],
      ["k2", "keptn", "2023-05-01T00:00:00Z", false],
      ["k3", "keptn", null, true],
    ]);
  });

  it("survives a writer killed mid-line: the torn line is skipped with a warning, the next append is whole", async () => {
    const { store: history, path, warnings } = store();
    await history.append(result("a", "pass", 1));
    const whole = JSON.stringify(result("torn", "pass", 2));
    appendFileSync(path, whole.slice(0, 57));
    expect((await history.list()).map((e) => e.id)).toEqual(["a"]);
    await history.append(result("c", "pass", 3));
    expect((await history.list()).map((e) => e.id)).toEqual(["a", "c"]);
    expect(warnings.at(-1)).toBe(`${path}:2:1: warning: skipped an incomplete line (an interrupted write)`);
  });

  it("names torn and corrupted lines by their line numbers when reading newest first", async () => {
    const whole = JSON.stringify(result("b", "pass", 2));
    const { store: history, warnings, path } = store([JSON.stringify(result("a", "pass", 1)), whole.slice(0, 40), "", whole, ""]);
    const selected = await history.selectPrevious({ comparison: comparison({ number_of_comparison_results: 5 }) });
    expect(selected.map((p) => p.id)).toEqual(["b", "a"]);
    expect(warnings).toEqual([`${path}:2:1: warning: skipped an incomplete line (an interrupted write)`]);
    const corrupted = store([JSON.stringify(result("a", "pass", 1)), "[1, 2]", "", "", JSON.stringify(result("b", "pass", 2))]);
    await expect(corrupted.store.selectPrevious({ comparison: comparison() })).rejects.toMatchObject({ position: { line: 2, column: 1 } });
    // Reading stops once the comparison has what it needs: the corrupted line is older than that.
    expect((await corrupted.store.selectPrevious({ comparison: comparison({ compare_with: "single_result" }) })).map((p) => p.id)).toEqual([
      "b",
    ]);
  });

  it("refuses a corrupted line in the middle with its line number", async () => {
    const { store: history } = store([JSON.stringify(result("a", "pass", 1)), '{"schemaVersion": 1, "id": 5}x', ""]);
    await expect(history.list()).rejects.toMatchObject({ code: "INVALID_INPUT", position: { line: 2, column: 1 } });
  });

  it("keeps memory to N while selecting from a long history", async () => {
    const { store: history, path } = store();
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) lines.push(JSON.stringify(result(`r${i}`, i % 7 === 0 ? "fail" : "pass", i)));
    writeFileSync(path, `${lines.join("\n")}\n`);
    const selected = await history.selectPrevious({
      comparison: comparison({ include_result_with_score: "pass", number_of_comparison_results: 4 }),
    });
    // r4998 is a multiple of 7, so it failed and is filtered out.
    expect(selected.map((p) => p.id)).toEqual(["r4999", "r4997", "r4996", "r4995"]);
  });

  it("loses nothing when several processes append at once", async () => {
    const { path } = store();
    const script = `
      import { FileHistoryStore } from ${JSON.stringify(join(CORE_ROOT, "dist", "internal.js"))};
      const store = new FileHistoryStore(process.argv[1]);
      const template = JSON.parse(process.argv[2]);
      for (let i = 0; i < 40; i++) await store.append({ ...template, id: process.argv[3] + "-" + i });
    `;
    const template = JSON.stringify(result("x", "pass", 1));
    await Promise.all(
      ["p1", "p2", "p3", "p4"].map((name) => exec(process.execPath, ["--input-type=module", "-e", script, path, template, name])),
    );
    const entries = await new FileHistoryStore(path).list();
    expect(entries).toHaveLength(160);
    expect(new Set(entries.map((e) => e.id)).size).toBe(160);
  });
});
