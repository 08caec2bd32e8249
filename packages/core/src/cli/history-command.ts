import { readFile } from "node:fs/promises";
import { SlogateError } from "../errors.js";
import type { HistoryStore } from "../history/history-store.js";
import { importKeptnEvents, type KeptnImport } from "../history/keptn-import.js";
import { formatNumber } from "../result/format-number.js";
import { historyStore } from "./command-config.js";
import type { CliIo } from "./io.js";
import { type OptionSpec, parseCommandLine, usageError } from "./usage.js";

export const HISTORY_HELP = `Usage: slogate history <list|invalidate|import> [options]

  slogate history list --history <file> [--format console|json]
      Lists stored results, oldest first, with their ids.
  slogate history invalidate <id> --history <file> [--reason <text>]
      Withdraws a result from future comparisons (it stays in the file, marked).
  slogate history import keptn <export> --history <file>
      Appends Keptn's evaluation.finished events (the API's event list, a JSON array, or
      JSON Lines from keptn get event) as slogate results, oldest first, and Keptn's
      invalidations as slogate's; prints a line per Keptn field a slogate result drops.

Options:
  --history <file>   JSON Lines history (default: history.path of slogate.yaml), or dynatrace:
                     the gate's results kept as events in Dynatrace (DT_URL, DT_API_TOKEN)
  --labels <k=v,…>   with --history dynatrace: the gate's project, stage and service
  --config <file>    slogate.yaml to take history.path from (default: ./slogate.yaml)
  -h, --help         show this help
`;

const OPTIONS: OptionSpec = {
  history: { type: "string" },
  label: { type: "string", multiple: true },
  labels: { type: "string", multiple: true },
  config: { type: "string" },
  format: { type: "string" },
  reason: { type: "string" },
  help: { type: "boolean", short: "h" },
};

export async function historyCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, OPTIONS, "history");
  const [action, ...rest] = positionals;
  if (values.help || action === undefined) {
    io.stdout(HISTORY_HELP);
    return values.help ? 0 : 2;
  }
  const store = await historyStore(io, values, { confirmWrites: action !== "import" });
  try {
    return await historyAction(action, rest, values, store, io);
  } finally {
    await store.close?.();
  }
}

async function historyAction(
  action: string,
  rest: string[],
  values: Record<string, string | boolean | Array<string | boolean> | undefined>,
  store: HistoryStore,
  io: CliIo,
): Promise<number> {
  const path = store.location;

  if (action === "list") {
    const entries = await store.list();
    if (values.format === "json") {
      io.stdout(
        `${JSON.stringify(
          entries.map(({ previous: _previous, kind: _kind, keptn: _keptn, ...entry }) => entry),
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    if (values.format !== undefined && values.format !== "console") {
      throw usageError(`--format ${JSON.stringify(values.format)} is not one history list prints`, "Use console or json");
    }
    for (const entry of entries) {
      const mark = entry.invalidated ? "  (invalidated)" : "";
      io.stdout(
        `${entry.id}  ${entry.time ?? "–"}  ${entry.result.padEnd(7)}  score ${formatNumber(entry.score)}  ${entry.origin}${mark}\n`,
      );
    }
    if (entries.length === 0) io.stdout(`no results in ${path}\n`);
    return 0;
  }
  if (action === "invalidate") {
    const [id] = rest;
    if (!id) throw usageError("history invalidate needs a result id", "Run `slogate history list` to see the ids");
    await store.invalidate(id, typeof values.reason === "string" ? values.reason : "", io.now().toISOString());
    io.stdout(`invalidated ${id}: it is no longer used for comparisons\n`);
    return 0;
  }
  if (action === "import") {
    const [kind, file] = rest;
    if (kind !== "keptn" || !file)
      throw usageError("history import needs a source and its file", "slogate history import keptn <export.json>");
    let imported: KeptnImport;
    try {
      imported = importKeptnEvents(await readFile(file, "utf8"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw usageError(`${file} does not exist`, "Give the path of Keptn's export");
      throw new SlogateError("INVALID_INPUT", `${file}: ${(error as Error).message}`, {
        position: { file, line: 1, column: 1 },
        suggestion: "Export Keptn's sh.keptn.event.evaluation.finished events (the API's event list or keptn get event output)",
      });
    }
    for (const result of imported.results) await store.append(result);
    for (const id of imported.invalidated) await store.invalidate(id, "invalidated in Keptn", io.now().toISOString());
    const named = typeof values.history === "string" ? values.history : path;
    io.stdout(
      `imported ${imported.results.length} Keptn evaluation${imported.results.length === 1 ? "" : "s"} into ${named}${imported.invalidated.length > 0 ? ` (${imported.invalidated.length} invalidated, as in Keptn)` : ""}\n`,
    );
    for (const { field, events, why } of imported.dropped)
      io.stdout(`dropped ${field} (${events} event${events === 1 ? "" : "s"}): ${why}\n`);
    return 0;
  }
  throw usageError(`unknown history action ${JSON.stringify(action)}`, "Use list, invalidate or import");
}
