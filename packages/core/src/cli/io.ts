import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { exitCancelled, terminationSignal } from "../termination.js";

/** What a command may touch of the outside world; injected so commands run in-process in tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  /** Whether stderr (where progress goes) is a terminal; defaults to isTTY. */
  stderrIsTTY?: boolean;
  cwd: string;
  env: Record<string, string | undefined>;
  now: () => Date;
  /**
   * A signal aborted by SIGINT/SIGTERM, for long work that must clean up when cancelled (a load
   * test). Asking for it is what makes the process wait for that clean-up instead of dying.
   */
  cancelSignal?: () => AbortSignal;
}

export { CANCELLED_EXIT_CODE } from "../termination.js";

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
    env: process.env,
    now: () => new Date(),
    cancelSignal: () =>
      terminationSignal(
        (signal) => process.stderr.write(`\nslogate: ${signal} received: stopping the workload (again to exit at once)\n`),
        exitCancelled,
      ),
  };
}

export async function writeOutput(io: CliIo, path: string, text: string): Promise<void> {
  const target = resolve(io.cwd, path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, text, "utf8");
}

/**
 * Colour for people at a terminal, or when asked (--color, FORCE_COLOR: CI logs render ANSI
 * colours); never when NO_COLOR asks for none.
 */
export function useColor(io: CliIo, asked = false): boolean {
  if (io.env.NO_COLOR) return false;
  const forced = io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== "" && io.env.FORCE_COLOR !== "0";
  return asked || forced || (io.isTTY && io.env.TERM !== "dumb");
}
