import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const CORE_ROOT = resolve(here, "..");
export const REPO_ROOT = resolve(CORE_ROOT, "..", "..");
/** The built CLI, run as a user runs it: a separate Node process. */
export const CLI = join(CORE_ROOT, "dist", "cli.js");
/** ../shared beside the repository, as laid out for developers and CI. */
export const SHARED = resolve(REPO_ROOT, "..", "shared");

export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

export function tempDir(prefix = "slogate-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeFiles(directory: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(directory, name), content);
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
