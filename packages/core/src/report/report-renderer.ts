import type { SlogateResult } from "../result/result.js";

export interface RenderOptions {
  /** ANSI colour, for terminals only. */
  color?: boolean;
}

/** Turns a result into text. Renderers return strings; callers do the I/O. */
export interface ReportRenderer {
  readonly format: string;
  render(result: SlogateResult, options?: RenderOptions): string;
}
