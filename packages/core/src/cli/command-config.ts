import { resolve } from "node:path";
import { findConfig } from "../config/find-config.js";
import { DYNATRACE_HISTORY, DynatraceHistoryStore } from "../history/dynatrace-store.js";
import { FileHistoryStore } from "../history/file-store.js";
import type { HistoryStore } from "../history/history-store.js";
import { dynatraceConnection } from "../sli/dynatrace/connection.js";
import type { CliIo } from "./io.js";
import { parseLabels, usageError } from "./usage.js";

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

/**
 * The history a command reads and writes: a file (see historyPath), or with `--history dynatrace`
 * the gate's events in Dynatrace, keyed by the project, stage and service labels.
 */
export async function historyStore(
  io: CliIo,
  values: { history?: unknown; config?: unknown; label?: unknown; labels?: unknown },
  options: { confirmWrites?: boolean } = {},
): Promise<HistoryStore> {
  const onWarning = (message: string) => io.stderr(`${message}\n`);
  if (values.history !== DYNATRACE_HISTORY) return new FileHistoryStore(await historyPath(io, values), { onWarning });
  const config = await findConfig(io.cwd, typeof values.config === "string" ? values.config : undefined);
  const given = [values.label, values.labels].flat().filter((value): value is string => typeof value === "string");
  const labels = { ...(config?.labels ?? {}), ...parseLabels(given.flatMap((value) => value.split(/,(?=\s*[\w.-]+=)/))) };
  return new DynatraceHistoryStore({
    ...dynatraceConnection(config?.providers.dynatrace ?? {}, io.env),
    labels,
    env: io.env,
    onWarning,
    ...(options.confirmWrites === false ? { readYourWriteMs: 0 } : {}),
  });
}
