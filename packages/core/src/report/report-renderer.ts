import type { SlogateResult } from "../result/result.js";

/** A stored run, as the heatmap of recent runs shows it. */
export interface RecentRun {
  id: string;
  time: string | null;
  result: string;
  invalidated: boolean;
  /** SLI → value (null: no usable value). */
  values: Record<string, number | null>;
  /** SLI → status in that run. */
  statuses: Record<string, string>;
}

export interface RenderOptions {
  /** ANSI colour, for terminals only. */
  color?: boolean;
  /** Earlier runs, oldest first, for the heatmap (Markdown). */
  recent?: RecentRun[];
}

/** Turns a result into text. Renderers return strings; callers do the I/O. */
export interface ReportRenderer {
  readonly format: string;
  render(result: SlogateResult, options?: RenderOptions): string;
}
