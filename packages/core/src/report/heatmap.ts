import type { SlogateResult } from "../result/result.js";
import type { RecentRun } from "./report-renderer.js";

export interface HeatmapColumn {
  id: string;
  time: string | null;
  result: string;
  invalidated: boolean;
  /** The run this report is about (the last column). */
  current: boolean;
}

export interface HeatmapCell {
  /** pass | warning | fail | info; null when the run did not have this objective. */
  status: string | null;
  /** null: no usable value (or not in that run). */
  value: number | null;
  /** false when the run had no such objective at all. */
  present: boolean;
}

export interface HeatmapRow {
  sli: string;
  name: string;
  unit: string | null;
  cells: HeatmapCell[];
}

/** Objectives × runs, oldest first, this run last: what every heatmap renderer draws. */
export interface Heatmap {
  columns: HeatmapColumn[];
  rows: HeatmapRow[];
}

export function buildHeatmap(result: SlogateResult, recent: readonly RecentRun[]): Heatmap {
  const columns: HeatmapColumn[] = [
    ...recent.map((run) => ({ id: run.id, time: run.time, result: run.result, invalidated: run.invalidated, current: false })),
    { id: result.id, time: result.time, result: result.result, invalidated: false, current: true },
  ];
  const rows = result.objectives.map((objective) => ({
    sli: objective.sli,
    name: objective.displayName || objective.sli,
    unit: objective.unit,
    cells: [
      ...recent.map((run) => ({
        status: run.statuses[objective.sli] ?? null,
        value: run.values[objective.sli] ?? null,
        present: objective.sli in run.statuses || objective.sli in run.values,
      })),
      { status: objective.status, value: objective.error ? null : objective.value, present: true },
    ],
  }));
  return { columns, rows };
}

/** `MM-DD hh:mm` of a run's time, for column labels. */
export function shortTime(time: string | null): string {
  return time ? `${time.slice(5, 10)} ${time.slice(11, 16)}` : "";
}
