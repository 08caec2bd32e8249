import { resolve } from "node:path";
import { findConfig } from "../config/find-config.js";
import type { CliIo } from "./io.js";
import { usageError } from "./usage.js";

/**
 * The history file a command reads: --history, else history.path of slogate.yaml (--config, or
 * ./slogate.yaml where the command runs), as `evaluate` and `run` find it.
 */
export async function historyPath(io: CliIo, values: { history?: unknown; config?: unknown }): Promise<string> {
  if (typeof values.history === "string") return resolve(io.cwd, values.history);
  const config = await findConfig(io.cwd, typeof values.config === "string" ? values.config : undefined);
  const path = config?.history?.path;
  if (!path) {
    throw usageError(
      config ? `${config.file} names no history file` : "no history file given, and there is no slogate.yaml here",
      "Pass --history <file.jsonl>, or set history.path in slogate.yaml",
    );
  }
  return path;
}
