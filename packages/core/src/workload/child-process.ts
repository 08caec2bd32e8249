import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export interface ProcessSpec {
  /** Program and arguments, passed to the program as they are: no shell sees them. */
  argv: string[];
  /** Run `argv[0]` as a shell script (`sh -c`), only when the user asked for a shell. */
  shell?: boolean;
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
  /** Time between TERM and KILL when the process has to be stopped. */
  graceMs?: number;
}

export interface ProcessEnd {
  exitCode: number | null;
  /** The signal that ended the process, when one did. */
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  /** The program could not be started at all (not found, not executable). */
  spawnError?: string;
}

const DEFAULT_GRACE_MS = 5_000;

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/**
 * Runs a program in its own process group and streams its output by line. On timeout or abort
 * the whole group (the tool and everything it started) gets TERM, then KILL after the grace
 * period, so no load generator keeps running after slogate has moved on.
 */
export function runProcess(spec: ProcessSpec, signal: AbortSignal, onOutput: (line: string) => void): Promise<ProcessEnd> {
  const [program, ...args] = spec.argv;
  if (!program) return Promise.resolve({ exitCode: null, signal: null, timedOut: false, cancelled: false, spawnError: "no program given" });
  const graceMs = spec.graceMs ?? DEFAULT_GRACE_MS;
  return new Promise((resolve) => {
    let child: ChildProcess;
    const command = spec.shell ? "/bin/sh" : program;
    const commandArgs = spec.shell ? ["-c", program, ...args] : args;
    try {
      child = spawn(command, commandArgs, {
        cwd: spec.cwd,
        env: spec.env as NodeJS.ProcessEnv,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (error) {
      resolve({ exitCode: null, signal: null, timedOut: false, cancelled: false, spawnError: (error as Error).message });
      return;
    }
    let timedOut = false;
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      const pid = child.pid;
      if (pid === undefined || killTimer) return;
      signalGroup(pid, "SIGTERM");
      const deadline = Date.now() + graceMs;
      // Poll the group, not the leader: a child that ignores TERM outlives its parent.
      killTimer = setInterval(() => {
        if (!groupAlive(pid)) {
          clearInterval(killTimer);
        } else if (Date.now() >= deadline) {
          signalGroup(pid, "SIGKILL");
          clearInterval(killTimer);
        }
      }, 50);
    };
    const timeout = spec.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, spec.timeoutMs)
      : undefined;
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });

    const pending: Promise<void>[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
      lines.on("line", onOutput);
      pending.push(new Promise((done) => lines.once("close", done)));
    }
    let spawnError: string | undefined;
    child.once("error", (error) => {
      spawnError = (error as NodeJS.ErrnoException).code === "ENOENT" ? `${program}: command not found` : error.message;
    });
    child.once("close", async (exitCode, exitSignal) => {
      if (timeout) clearTimeout(timeout);
      signal.removeEventListener("abort", onAbort);
      await Promise.all(pending);
      // Wait until stragglers of a stopped group are gone as well.
      if (killTimer && child.pid !== undefined) {
        while (groupAlive(child.pid)) await new Promise((r) => setTimeout(r, 50));
      }
      if (killTimer) clearInterval(killTimer);
      resolve({
        exitCode: spawnError ? null : exitCode,
        signal: exitSignal,
        timedOut,
        cancelled,
        ...(spawnError ? { spawnError } : {}),
      });
    });
  });
}

/** The outcome's status and reason for a process that ended. */
export function describeEnd(
  end: ProcessEnd,
  what: string,
  timeoutMs?: number,
): { status: "completed" | "failed" | "timed-out" | "cancelled"; reason?: string } {
  if (end.spawnError) return { status: "failed", reason: `${what} could not start: ${end.spawnError}` };
  if (end.cancelled) return { status: "cancelled", reason: `${what} was cancelled` };
  if (end.timedOut)
    return { status: "timed-out", reason: `${what} ran longer than its timeout (${(timeoutMs ?? 0) / 1000} s) and was stopped` };
  if (end.signal) return { status: "failed", reason: `${what} was killed by ${end.signal}` };
  if (end.exitCode !== 0) return { status: "failed", reason: `${what} exited with code ${end.exitCode}` };
  return { status: "completed" };
}

export interface ToolRun {
  /** The window the tool ran in. */
  start: string;
  end: string;
  ended: ProcessEnd;
  /** The results file's text; null when the tool wrote none. */
  results: string | null;
  /** Where the results file was (for messages); it is gone once the run returns. */
  resultsFile: string;
}

/**
 * Runs a load tool that writes its results to a file: in a fresh temporary folder, removed
 * afterwards whatever happens. A missing results file is not an error here; the runner decides.
 */
export async function runToolWithResults(
  prefix: string,
  fileName: string,
  spec: (resultsFile: string, directory: string) => ProcessSpec,
  context: { signal: AbortSignal; onOutput?: (line: string) => void; now?: () => Date },
): Promise<ToolRun> {
  const now = context.now ?? (() => new Date());
  const directory = await mkdtemp(join(tmpdir(), prefix));
  const resultsFile = join(directory, fileName);
  try {
    const start = now().toISOString();
    const ended = await runProcess(spec(resultsFile, directory), context.signal, context.onOutput ?? (() => {}));
    const end = now().toISOString();
    const results = await readFile(resultsFile, "utf8").catch(() => null);
    return { start, end, ended, results, resultsFile };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
