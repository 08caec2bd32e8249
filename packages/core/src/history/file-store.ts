import { createReadStream } from "node:fs";
import { appendFile, mkdir, open, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { PreviousEvaluation } from "../engine/types.js";
import { SlogateError } from "../errors.js";
import type { SlogateResult } from "../result/result.js";
import type { HistoryStore, SelectionOptions } from "./history-store.js";
import { type HistoryLine, historyError, parseHistoryLine, type StoredEvaluation } from "./records.js";
import { emptyInvalidations, isInvalidated, NewestFirstSelector, noteInvalidation } from "./select.js";

export interface FileHistoryOptions {
  /** Called for lines skipped as harmless (a torn last line left by a killed writer). */
  onWarning?: (message: string) => void;
}

/**
 * History as a JSON Lines file, one result per line, oldest first. Appends take a lock so that
 * concurrent CI jobs on one machine lose nothing; reads stream the file and keep only what the
 * comparison needs.
 */
export class FileHistoryStore implements HistoryStore {
  constructor(
    readonly path: string,
    private readonly options: FileHistoryOptions = {},
  ) {}

  get location(): string {
    return this.path;
  }

  private async *lines(): AsyncGenerator<HistoryLine> {
    // readline is loaded with the first history read, not with every gate that keeps none; before
    // the stream opens, so nothing comes between the stream and the reader that handles its errors.
    const { createInterface } = await import("node:readline");
    let input: ReturnType<typeof createReadStream>;
    try {
      if ((await stat(this.path)).isDirectory()) throw directoryGiven(this.path);
      input = createReadStream(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      if (error instanceof SlogateError) throw error;
      throw new SlogateError("HISTORY_IO", `cannot read history ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    let lineNumber = 0;
    // A read that fails half-way (a disk error, a file pulled away) is the history's failure, said so.
    const texts = (async function* () {
      try {
        yield* reader;
      } catch (error) {
        throw new SlogateError("HISTORY_IO", `cannot read history ${input.path}: ${(error as Error).message}`, { cause: error });
      }
    })();
    for await (const text of texts) {
      lineNumber++;
      if (text.trim() === "") continue;
      try {
        yield parseHistoryLine(text, `${this.path}#${lineNumber}`);
      } catch (error) {
        // A JSON object cut short is what a writer killed mid-append leaves: skip it, say so.
        if (isTruncatedJson(text)) {
          this.options.onWarning?.(`${this.path}:${lineNumber}:1: warning: skipped an incomplete line (an interrupted write)`);
          continue;
        }
        throw historyError(this.path, lineNumber, (error as Error).message);
      }
    }
  }

  async list(): Promise<StoredEvaluation[]> {
    const invalidations = emptyInvalidations();
    const entries: StoredEvaluation[] = [];
    for await (const line of this.lines()) {
      if (line.kind === "invalidation") noteInvalidation(invalidations, line);
      else entries.push(line);
    }
    return entries.map((entry) => ({ ...entry, invalidated: isInvalidated(invalidations, entry) }));
  }

  /**
   * Reads from the end of the file, newest first, and stops once the comparison has what it
   * needs: invalidations are written after what they withdraw, so they are seen first.
   */
  async selectPrevious(options: SelectionOptions): Promise<PreviousEvaluation[]> {
    const invalidations = emptyInvalidations();
    const selector = new NewestFirstSelector(options.comparison, invalidations, options.baseline, options.olderThan, options.filter);
    // Line numbers are needed only for messages and id-less Keptn lines; count once, on demand.
    let lineCount: number | undefined;
    const lineNumber = async (fromEnd: number) => {
      lineCount ??= await countLines(this.path);
      return lineCount - fromEnd;
    };
    for await (const { text, fromEnd } of readLinesBackward(this.path)) {
      if (text.trim() === "") continue;
      let line: HistoryLine;
      try {
        line = parseHistoryLine(text, "");
      } catch (error) {
        if (isTruncatedJson(text)) {
          this.options.onWarning?.(
            `${this.path}:${await lineNumber(fromEnd)}:1: warning: skipped an incomplete line (an interrupted write)`,
          );
          continue;
        }
        throw historyError(this.path, await lineNumber(fromEnd), (error as Error).message);
      }
      if (line.kind === "invalidation") {
        noteInvalidation(invalidations, line);
        continue;
      }
      // A Keptn data line without an id is named by its line number, as `list` names it.
      if (line.id === "") {
        const id = `${this.path}#${await lineNumber(fromEnd)}`;
        line = { ...line, id, previous: { ...line.previous, id } };
      }
      if (selector.offer(line)) break;
    }
    return selector.selected();
  }

  async append(result: SlogateResult): Promise<void> {
    await this.appendLine(JSON.stringify(result));
  }

  async invalidate(id: string, reason: string, time: string): Promise<void> {
    const known = (await this.list()).some((entry) => entry.id === id);
    if (!known) {
      throw new SlogateError("NOT_FOUND", `no result with id ${id} in ${this.path}`, {
        suggestion: "Run `slogate history list` to see the stored result ids",
      });
    }
    await this.appendLine(JSON.stringify({ schemaVersion: 1, kind: "invalidation", invalidates: id, time, reason }));
  }

  private async appendLine(json: string): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await writeFile(this.path, "", { flag: "a" });
    let release: (() => Promise<void>) | undefined;
    try {
      // The lock's modules load with the first write, not with every read of the history.
      const { default: lockfile } = await import("proper-lockfile");
      release = await lockfile.lock(this.path, {
        // A writer killed while holding the lock stops refreshing it; after 5 s others take over.
        stale: 5_000,
        retries: { retries: 200, factor: 1.2, minTimeout: 5, maxTimeout: 200, randomize: true },
      });
    } catch (error) {
      throw new SlogateError("HISTORY_LOCKED", `could not lock history ${this.path}: ${(error as Error).message}`, {
        cause: error,
        suggestion: "Another slogate may be writing it; if none is, remove the .lock folder next to it",
      });
    }
    try {
      const { size } = await stat(this.path);
      // A torn line from an interrupted writer must not swallow the next record.
      const prefix = size > 0 && (await lastByte(this.path, size)) !== 0x0a ? "\n" : "";
      await appendFile(this.path, `${prefix}${json}\n`, "utf8");
    } finally {
      await release();
    }
  }
}

const CHUNK = 64 * 1024;

/** A directory where the history file should be: the user's path to fix, not a failing disk. */
function directoryGiven(path: string): SlogateError {
  return new SlogateError("INVALID_INPUT", `the history ${path} is a directory, not a file`, {
    suggestion: "Name a JSON Lines file, e.g. --history .slogate/history.jsonl",
  });
}

/**
 * The lines of a file from last to first; `fromEnd` is 0 for the last line. A final newline ends
 * the last line rather than starting an empty one.
 */
async function* readLinesBackward(path: string): AsyncGenerator<{ text: string; fromEnd: number }> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new SlogateError("HISTORY_IO", `cannot read history ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw directoryGiven(path);
    let position = stats.size;
    let carry = Buffer.alloc(0);
    let fromEnd = 0;
    let first = true;
    while (position > 0) {
      const size = Math.min(CHUNK, position);
      position -= size;
      const chunk = Buffer.alloc(size);
      await handle.read(chunk, 0, size, position);
      const buffer = Buffer.concat([chunk, carry]);
      let end = buffer.length;
      for (let i = buffer.length - 1; i >= 0; i--) {
        if (buffer[i] !== 0x0a) continue;
        if (!(first && i + 1 === end)) yield { text: decodeLine(buffer.subarray(i + 1, end)), fromEnd: fromEnd++ };
        first = false;
        end = i;
      }
      carry = buffer.subarray(0, end);
    }
    if (carry.length > 0 || !first) yield { text: decodeLine(carry), fromEnd };
  } finally {
    await handle.close();
  }
}

function decodeLine(bytes: Buffer): string {
  return bytes.toString("utf8").replace(/\r$/, "");
}

/** How many lines the file has, by the same rule as `readLinesBackward`. */
async function countLines(path: string): Promise<number> {
  let newlines = 0;
  let last = 0x0a;
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    for (const byte of chunk as Buffer) if (byte === 0x0a) newlines++;
    size += (chunk as Buffer).length;
    last = (chunk as Buffer)[(chunk as Buffer).length - 1] ?? last;
  }
  if (size === 0) return 0;
  return last === 0x0a ? newlines : newlines + 1;
}

function isTruncatedJson(text: string): boolean {
  if (!text.trimStart().startsWith("{")) return false;
  try {
    JSON.parse(text);
    return false;
  } catch (error) {
    // Truncated input fails exactly where the text ends; corruption fails somewhere inside it.
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    return /end of JSON input/.test(message) || (position !== undefined && Number(position) >= text.trimEnd().length);
  }
}

async function lastByte(path: string, size: number): Promise<number> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(1);
    await handle.read(buffer, 0, 1, size - 1);
    return buffer[0] ?? 0;
  } finally {
    await handle.close();
  }
}
