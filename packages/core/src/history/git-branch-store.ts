import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { PreviousEvaluation } from "../engine/types.js";
import { SlogateError } from "../errors.js";
import { sleep } from "../http/http-client.js";
import type { SlogateResult } from "../result/result.js";
import { FileHistoryStore } from "./file-store.js";
import type { HistoryStore, SelectionOptions } from "./history-store.js";
import type { StoredEvaluation } from "./records.js";

export interface GitBranchHistoryOptions {
  /** The repository to read and push: a remote URL or a path. */
  remote: string;
  branch?: string;
  /** The JSON Lines file inside the branch. */
  path?: string;
  /** Extra HTTP header for git (e.g. the workflow token), never printed. */
  authHeader?: string;
  /** How often a rejected push is retried after fetching again. */
  attempts?: number;
  author?: { name: string; email: string };
  onWarning?: (message: string) => void;
}

/**
 * History in a dedicated branch of the repository the pipeline already has: a JSON Lines file,
 * one commit per result. A push that loses a race (non-fast-forward) fetches again and re-applies
 * the line, a bounded number of times, so concurrent jobs lose nothing.
 */
/** What git says when the branch moved between fetch and push. */
const LOST_RACE = /\(fetch first\)|non-fast-forward|\(stale info\)|cannot lock ref|failed to update ref|incorrect old value/;

export class GitBranchHistoryStore implements HistoryStore {
  private readonly branch: string;
  private readonly path: string;

  constructor(private readonly options: GitBranchHistoryOptions) {
    this.branch = options.branch ?? "slogate-history";
    this.path = options.path ?? "history.jsonl";
  }

  get location(): string {
    return `${this.path} in branch ${this.branch} of ${this.options.remote}`;
  }

  private async git(cwd: string, args: string[]): Promise<string> {
    const config = this.options.authHeader ? ["-c", `http.extraHeader=${this.options.authHeader}`] : [];
    // child_process is loaded with the first git command, not with every gate that never runs one.
    const exec = promisify((await import("node:child_process")).execFile);
    try {
      const { stdout } = await exec("git", [...config, ...args], {
        cwd,
        env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
        maxBuffer: 256 * 1024 * 1024,
      });
      return stdout;
    } catch (error) {
      const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message);
      const text = this.options.authHeader ? stderr.split(this.options.authHeader).join("***") : stderr;
      const said = text
        .trim()
        .split("\n")
        .filter((line) => !line.startsWith("hint:"));
      throw new SlogateError("HISTORY_IO", `git ${args[0]} failed for the history branch ${this.branch}: ${said.at(-1) ?? ""}`, {
        cause: new Error(text),
        suggestion:
          "Check that the job's token may read and push the repository (GitHub: permissions contents: write; GitLab: write_repository; Azure: Contribute)",
      });
    }
  }

  /** A scratch clone of just the history branch, or an empty one when the branch does not exist yet. */
  private async checkout(): Promise<{ dir: string; exists: boolean }> {
    const dir = await mkdtemp(join(tmpdir(), "slogate-history-"));
    await this.git(dir, ["init", "--quiet"]);
    await this.git(dir, ["remote", "add", "origin", this.options.remote]);
    const listed = await this.git(dir, ["ls-remote", "--heads", "origin", this.branch]);
    if (listed.trim() === "") {
      await this.git(dir, ["checkout", "--quiet", "--orphan", this.branch]);
      return { dir, exists: false };
    }
    await this.git(dir, ["fetch", "--quiet", "--depth", "1", "origin", this.branch]);
    await this.git(dir, ["checkout", "--quiet", "-B", this.branch, "FETCH_HEAD"]);
    return { dir, exists: true };
  }

  private async withFileStore<T>(work: (store: FileHistoryStore) => Promise<T>): Promise<T> {
    const { dir } = await this.checkout();
    try {
      return await work(new FileHistoryStore(join(dir, this.path), this.options.onWarning ? { onWarning: this.options.onWarning } : {}));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  list(): Promise<StoredEvaluation[]> {
    return this.withFileStore((store) => store.list());
  }

  selectPrevious(options: SelectionOptions): Promise<PreviousEvaluation[]> {
    return this.withFileStore((store) => store.selectPrevious(options));
  }

  append(result: SlogateResult): Promise<void> {
    return this.commitLine((store) => store.append(result), `slogate: ${result.result} ${result.id}`);
  }

  invalidate(id: string, reason: string, time: string): Promise<void> {
    return this.commitLine((store) => store.invalidate(id, reason, time), `slogate: invalidate ${id}`);
  }

  private async commitLine(write: (store: FileHistoryStore) => Promise<void>, message: string): Promise<void> {
    const attempts = this.options.attempts ?? 10;
    const author = this.options.author ?? { name: "slogate", email: "slogate@users.noreply.github.com" };
    for (let attempt = 1; ; attempt++) {
      const { dir } = await this.checkout();
      try {
        await write(new FileHistoryStore(join(dir, this.path)));
        await this.git(dir, ["add", this.path]);
        await this.git(dir, ["-c", `user.name=${author.name}`, "-c", `user.email=${author.email}`, "commit", "--quiet", "-m", message]);
        try {
          await this.git(dir, ["push", "--quiet", "origin", `HEAD:refs/heads/${this.branch}`]);
          return;
        } catch (error) {
          // Only a lost race is worth another try (another job pushed first: fetch its line and add
          // ours again on top); a refusal — no permission, a protected branch — stays a refusal.
          const said = ((error as SlogateError).cause as Error | undefined)?.message ?? "";
          if (!LOST_RACE.test(said)) throw error;
          if (attempt >= attempts) {
            throw new SlogateError("HISTORY_IO", `could not push to the history branch ${this.branch} after ${attempts} attempts`, {
              cause: error,
            });
          }
          this.options.onWarning?.(`the history branch ${this.branch} moved while storing; retrying (${attempt}/${attempts})`);
          // A little jitter keeps jobs that collided from colliding again.
          await sleep(50 + Math.random() * 200 * attempt);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  }
}
