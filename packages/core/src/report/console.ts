import type { IndicatorStatus } from "../engine/types.js";
import { formatNumber } from "../result/format-number.js";
import type { SlogateResult } from "../result/result.js";
import type { RenderOptions, ReportRenderer } from "./report-renderer.js";
import { comparedText, objectiveName, scoreText, valueText, verdictWord } from "./text.js";

const COLOR: Record<IndicatorStatus, string> = { pass: "\u001b[32m", warning: "\u001b[33m", fail: "\u001b[31m", info: "\u001b[36m" };
const RESET = "\u001b[0m";

function paint(text: string, status: IndicatorStatus, color: boolean): string {
  return color ? `${COLOR[status]}${text}${RESET}` : text;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

/** The terminal view: verdict, a table of objectives, one line of explanation under each. */
export const consoleRenderer: ReportRenderer = {
  format: "console",
  render(result: SlogateResult, options: RenderOptions = {}): string {
    const color = options.color ?? false;
    const lines = [
      `slogate ${paint(verdictWord(result), result.result, color)}  score ${formatNumber(result.score)}  window ${result.window.start || "–"} → ${result.window.end || "–"}  id ${result.id}`,
    ];
    if (result.message) lines.push(`  ${result.message}`);
    const rows = result.objectives.map((o) => [
      o.status,
      objectiveName(o) + (o.keySli ? " (key)" : ""),
      valueText(o),
      comparedText(o),
      scoreText(o),
    ]);
    const header = ["STATUS", "OBJECTIVE", "VALUE", "COMPARED", "SCORE"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    if (rows.length > 0) {
      lines.push("", `  ${header.map((h, i) => pad(h, widths[i] ?? 0)).join("  ")}`);
      result.objectives.forEach((objective, index) => {
        const row = rows[index] ?? [];
        const cells = row.map((c, i) => pad(c, widths[i] ?? 0));
        cells[0] = paint(cells[0] ?? "", objective.status, color);
        lines.push(`  ${cells.join("  ")}`.trimEnd());
        lines.push(`      ${objective.explanation}`);
      });
    }
    return `${lines.join("\n")}\n`;
  },
};
