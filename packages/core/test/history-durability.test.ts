import { execFile, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { FileHistoryStore } from "../src/history/file-store.js";
import { CORE_ROOT, storedResult, tempDir } from "./support.js";

const exec = promisify(execFile);
const STORE = JSON.stringify(join(CORE_ROOT, "dist", "internal.js"));

/** A stored result as slogate writes it; each writer gives it its own ids. */
const TEMPLATE = JSON.stringify(storedResult("x", "pass", 1));

describe("the file history under concurrent writers and crashes", () => {
  it("8 processes × 500 appends to one file: 4,000 readable records, none lost or torn", async () => {
    const path = join(tempDir(), "history.jsonl");
    const script = `
      import { FileHistoryStore } from ${STORE};
      const store = new FileHistoryStore(process.argv[1]);
      const template = JSON.parse(process.argv[2]);
      for (let i = 0; i < 500; i++) await store.append({ ...template, id: process.argv[3] + "-" + i });
    `;
    const writers = Array.from({ length: 8 }, (_, i) => `w${i}`);
    await Promise.all(writers.map((name) => exec(process.execPath, ["--input-type=module", "-e", script, path, TEMPLATE, name])));
    const lines = readFileSync(path, "utf8").split("\n");
    expect(lines.at(-1)).toBe("");
    expect(lines).toHaveLength(4001);
    const entries = await new FileHistoryStore(path).list();
    expect(entries).toHaveLength(4000);
    const ids = new Set(entries.map((e) => e.id));
    expect(ids.size).toBe(4000);
    for (const name of writers) {
      // Each writer's own records stay in its order.
      const own = entries.filter((e) => e.id.startsWith(`${name}-`)).map((e) => Number(e.id.split("-")[1]));
      expect(own).toEqual(Array.from({ length: 500 }, (_, i) => i));
    }
  }, 120_000);

  it("a writer killed with SIGKILL mid-append leaves the store readable and the next append healthy", async () => {
    const path = join(tempDir(), "history.jsonl");
    const script = `
      import { FileHistoryStore } from ${STORE};
      const store = new FileHistoryStore(process.argv[1]);
      const template = JSON.parse(process.argv[2]);
      // Big records, written as fast as possible, so the kill lands inside a write or a lock.
      const padding = "x".repeat(200_000);
      for (let i = 0; ; i++) {
        await store.append({ ...template, id: "k-" + i, labels: { padding } });
        if (i === 3) process.stdout.write("ready\\n");
      }
    `;
    const writer = spawn(process.execPath, ["--input-type=module", "-e", script, path, TEMPLATE], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => writer.stdout.on("data", () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 150));
    writer.kill("SIGKILL");
    await new Promise((resolve) => writer.on("close", resolve));
    const warnings: string[] = [];
    const store = new FileHistoryStore(path, { onWarning: (m) => warnings.push(m) });
    const before = await store.list();
    expect(before.length).toBeGreaterThanOrEqual(4);
    expect(before.every((e, i) => e.id === `k-${i}`)).toBe(true);
    // The next writer waits out the dead writer's lock (if it held one) and appends a whole line.
    await store.append({ ...JSON.parse(TEMPLATE), id: "after-crash" });
    const after = await store.list();
    expect(after.map((e) => e.id)).toEqual([...before.map((e) => e.id), "after-crash"]);
    expect(existsSync(`${path}.lock`)).toBe(false);
    expect(warnings.every((w) => w.endsWith("warning: skipped an incomplete line (an interrupted write)"))).toBe(true);
  }, 60_000);
});
