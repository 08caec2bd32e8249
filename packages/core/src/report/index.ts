import type { SlogateResult } from "../result/result.js";
import { consoleRenderer } from "./console.js";
import { explainRenderer } from "./explain-report.js";
import { htmlRenderer } from "./html.js";
import { junitRenderer } from "./junit.js";
import { markdownRenderer } from "./markdown.js";
import type { RecentRun, RenderOptions, ReportRenderer } from "./report-renderer.js";

export const jsonRenderer: ReportRenderer = {
  format: "json",
  render: (result: SlogateResult) => `${JSON.stringify(result, null, 2)}\n`,
};

export const RENDERERS = [consoleRenderer, explainRenderer, jsonRenderer, markdownRenderer, junitRenderer, htmlRenderer] as const;
export type ReportFormat = (typeof RENDERERS)[number]["format"];

export function renderReport(format: string, result: SlogateResult, options?: RenderOptions): string {
  const renderer = RENDERERS.find((r) => r.format === format);
  if (!renderer) throw new Error(`no renderer for ${format}`);
  return renderer.render(result, options);
}

export type { RecentRun, RenderOptions, ReportRenderer };
