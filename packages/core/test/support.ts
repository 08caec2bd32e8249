import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { RESULT_SCHEMA_VERSION, type SlogateResult } from "../src/result/result.js";

const here = dirname(fileURLToPath(import.meta.url));
export const CORE_ROOT = resolve(here, "..");
export const REPO_ROOT = resolve(CORE_ROOT, "..", "..");
/** The built CLI, run as a user runs it: a separate Node process. */
export const CLI = join(CORE_ROOT, "dist", "cli.js");
/** Keptn's own test vectors (inputs and the outputs its Go tests assert), kept in this repository. */
export const KEPTN_VECTORS = join(CORE_ROOT, "test", "fixtures", "keptn", "vectors.json");
/**
 * The corpus of real Keptn files people wrote (third-party files under their own licences, so not
 * kept here): SLOGATE_REAL_CONFIGS, else ../shared/conformance/keptn-real-configs beside the clone.
 * Without it, the suites that read it are skipped with one line saying so; with
 * SLOGATE_REQUIRE_REAL_CONFIGS=1 (set by .ci/run when the corpus is there) its absence fails.
 */
export const REAL_CONFIGS = resolve(
  process.env.SLOGATE_REAL_CONFIGS || join(REPO_ROOT, "..", "shared", "conformance", "keptn-real-configs"),
);
export const HAS_REAL_CONFIGS = existsSync(join(REAL_CONFIGS, "slo")) && existsSync(join(REAL_CONFIGS, "sli"));
if (!HAS_REAL_CONFIGS && process.env.SLOGATE_REQUIRE_REAL_CONFIGS === "1") {
  throw new Error(`SLOGATE_REQUIRE_REAL_CONFIGS=1 but the real Keptn files are not at ${REAL_CONFIGS} (slo/ and sli/)`);
}
/** A suite's title, saying when it is skipped for want of the real-files corpus. */
export function realConfigsSuite(title: string): string {
  return HAS_REAL_CONFIGS
    ? title
    : `${title} (skipped: the real Keptn files are not here; set SLOGATE_REAL_CONFIGS or put them at ../shared/conformance/keptn-real-configs)`;
}

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

/** The CLI as a process without blocking the test's event loop (for tests that also serve HTTP). */
export function runCliAsync(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: options.cwd ?? REPO_ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...options.env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
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

/** Every file under `directory` whose bytes contain `secret` (for secret canaries). */
export function filesContaining(directory: string, secret: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (readFileSync(path).includes(secret)) found.push(path);
  }
  return found;
}

/** The CLI's main() in this process, its output captured: fast, for tests that run it many times. */
export async function runInProcess(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  const { main } = await import("../src/cli/main.js");
  let stdout = "";
  let stderr = "";
  const status = await main(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    isTTY: false,
    cwd,
    env,
    now: () => new Date(),
  });
  return { status, stdout, stderr };
}

/** A stored slogate result, as a history line holds it: one objective `rt` with `rt`, or none. */
export function storedResult(id: string, verdict: "pass" | "warning" | "fail" = "pass", rt?: number): SlogateResult {
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    id,
    time: "2024-01-01T00:00:00.000Z",
    window: { start: "2024-01-01T00:00:00.000Z", end: "2024-01-01T00:10:00.000Z" },
    labels: {},
    result: verdict,
    status: "succeeded",
    score: verdict === "pass" ? 100 : 0,
    message: "",
    comparedEvents: [],
    objectives:
      rt === undefined
        ? []
        : [
            {
              sli: "rt",
              displayName: "",
              value: rt,
              unit: null,
              success: true,
              status: verdict,
              score: 1,
              weight: 1,
              keySli: false,
              passTargets: [],
              warningTargets: [],
              comparedValue: null,
              comparedWith: [],
              query: null,
              error: null,
              explanation: "",
            },
          ],
  };
}
