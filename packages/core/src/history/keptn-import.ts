import type { SlogateResult } from "../result/result.js";
import { keptnAsResult } from "./keptn-result.js";
import { type HistoryLine, parseHistoryLine, type StoredEvaluation } from "./records.js";

/** What an import of Keptn's evaluations produced, and what of them a slogate result cannot hold. */
export interface KeptnImport {
  results: SlogateResult[];
  /** Ids of imported results Keptn's evaluation.invalidated events withdrew. */
  invalidated: string[];
  /** Each field left behind, with how many events carried it. */
  dropped: Array<{ field: string; events: number; why: string }>;
}

/** Fields of Keptn's events a slogate result has no place for, and what becomes of their content. */
const DROPPED: Array<{ field: string; why: string; present: (event: Record<string, unknown>, data: Record<string, unknown>) => boolean }> =
  [
    {
      field: "data.evaluation.sloFileContent",
      why: "the slo.yaml itself is not kept; its objective weights are",
      present: (_e, data) => typeof (data.evaluation as Record<string, unknown> | undefined)?.sloFileContent === "string",
    },
    {
      field: "shkeptncontext",
      why: "Keptn's sequence id has no meaning outside Keptn",
      present: (event) => event.shkeptncontext !== undefined,
    },
    {
      field: "triggeredid",
      why: "used to apply Keptn's invalidations during the import, then dropped",
      present: (event) => event.triggeredid !== undefined,
    },
    { field: "source", why: "always Keptn's lighthouse-service", present: (event) => event.source !== undefined },
    { field: "gitcommitid", why: "Keptn's configuration commit, not the code's", present: (event) => event.gitcommitid !== undefined },
    { field: "data.temporaryData", why: "Keptn-internal", present: (_e, data) => data.temporaryData !== undefined },
  ];

/**
 * Keptn's events from an export: the API's event list (`{"events": [...]}`), a JSON array, or
 * JSON Lines (`keptn get event` output, or a history file).
 */
function eventsOf(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      const whole = JSON.parse(trimmed) as unknown;
      if (Array.isArray(whole)) return whole;
      if (typeof whole === "object" && whole !== null && Array.isArray((whole as { events?: unknown }).events))
        return (whole as { events: unknown[] }).events;
    } catch {
      // Not one JSON document: read it as lines.
    }
  }
  return trimmed.split("\n").flatMap((line) => (line.trim() === "" ? [] : [JSON.parse(line) as unknown]));
}

/**
 * Converts Keptn's evaluation.finished (and evaluation.invalidated) events into slogate results,
 * oldest first: values, compared values, targets, statuses, scores, weights, labels and compared
 * events carry over. An event that is not one of those is an error naming its position.
 */
export function importKeptnEvents(text: string): KeptnImport {
  const events = eventsOf(text);
  const lines: Array<{ line: HistoryLine; event: Record<string, unknown> }> = events.map((event, index) => {
    if (typeof event !== "object" || event === null) throw new Error(`event ${index + 1}: expected a JSON object`);
    try {
      return { line: parseHistoryLine(JSON.stringify(event), `keptn-${index + 1}`), event: event as Record<string, unknown> };
    } catch (error) {
      throw new Error(`event ${index + 1}: ${(error as Error).message}`);
    }
  });
  const evaluations = lines
    .filter((entry): entry is { line: StoredEvaluation; event: Record<string, unknown> } => entry.line.kind === "evaluation")
    .sort((a, b) => (a.line.time ?? "").localeCompare(b.line.time ?? ""));
  const withdrawn = new Set(lines.flatMap(({ line }) => (line.kind === "invalidation" && line.byTriggeredId ? [line.target] : [])));
  const dropped = DROPPED.map(({ field, why, present }) => ({
    field,
    why,
    events: evaluations.filter(({ event, line }) => present(event, line.keptn ?? {})).length,
  })).filter((entry) => entry.events > 0);
  return {
    results: evaluations.map(({ line }) => keptnAsResult(line)),
    invalidated: evaluations.filter(({ line }) => line.triggeredId !== null && withdrawn.has(line.triggeredId)).map(({ line }) => line.id),
    dropped,
  };
}
