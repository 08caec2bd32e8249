import type { RecentRun } from "../report/report-renderer.js";
import type { StoredEvaluation } from "./records.js";

/** The last `count` stored runs, oldest first, as heatmaps and trend charts show them. */
export function recentRuns(entries: readonly StoredEvaluation[], count: number): RecentRun[] {
  return entries.slice(-count).map((entry) => ({
    id: entry.id,
    time: entry.time,
    result: entry.result,
    invalidated: entry.invalidated,
    statuses: entry.statuses,
    values: Object.fromEntries(
      (entry.previous.indicatorResults ?? []).flatMap((i) => (i.value ? [[i.value.metric, i.value.success ? i.value.value : null]] : [])),
    ),
  }));
}
