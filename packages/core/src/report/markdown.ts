import { formatNumber } from "../result/format-number.js";
import type { SlogateResult } from "../result/result.js";
import { buildHeatmap } from "./heatmap.js";
import type { RecentRun, RenderOptions, ReportRenderer } from "./report-renderer.js";
import { comparedText, objectiveName, STATUS_MARK, scoreText, targetsText, valueText, verdictWord } from "./text.js";

const MARK: Record<string, string> = { pass: "✅", warning: "⚠️", fail: "❌", info: "ℹ️" };

/** Objectives × runs, oldest to newest, this run last and in bold; invalidated runs struck through. */
function heatmap(result: SlogateResult, recent: readonly RecentRun[]): string[] {
  const map = buildHeatmap(result, recent);
  const earlier = map.columns.filter((column) => !column.current);
  const header = earlier.map((run) => {
    const label = `${(run.time ?? "").slice(5, 10)} ${run.id.slice(0, 8)}`.trim();
    return run.invalidated ? `~~${label}~~` : label;
  });
  const lines = [
    `### Last ${map.columns.length} runs`,
    "",
    `| Objective | ${header.join(" | ")} | **this run** |`,
    `|---|${earlier.map(() => "---|").join("")}---|`,
  ];
  result.objectives.forEach((objective, index) => {
    const row = map.rows[index]?.cells ?? [];
    const cells = row.slice(0, -1).map(({ status, value, present }) => {
      if (!present) return "–";
      return `${status ? (MARK[status] ?? "") : ""} ${value === null ? "no value" : formatNumber(value)}`.trim();
    });
    const now = `**${MARK[objective.status] ?? ""} ${valueText(objective)}**`;
    lines.push(`| ${cell(objectiveName(objective))} | ${cells.join(" | ")} | ${now} |`);
  });
  return lines;
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** Markdown for job summaries, PR/MR notes: result line, objectives table, explanations. */
export const markdownRenderer: ReportRenderer = {
  format: "markdown",
  render(result: SlogateResult, options: RenderOptions = {}): string {
    const lines: string[] = [];
    lines.push(`## ${STATUS_MARK[result.result]} slogate: ${verdictWord(result)} (score ${formatNumber(result.score)})`);
    lines.push("");
    if (result.message) lines.push(`> ${cell(result.message)}`, "");
    const labels = Object.entries(result.labels).map(([k, v]) => `\`${k}=${v}\``);
    lines.push(
      `Window: ${result.window.start || "–"} → ${result.window.end || "–"}${labels.length ? ` · Labels: ${labels.join(" ")}` : ""} · Result id: \`${result.id}\``,
    );
    lines.push("");
    if (result.objectives.length > 0) {
      lines.push("| Status | Objective | Value | Compared | Pass targets | Warning targets | Score |");
      lines.push("|---|---|---|---|---|---|---|");
      for (const objective of result.objectives) {
        lines.push(
          `| ${STATUS_MARK[objective.status]} ${objective.status}${objective.keySli ? " (key)" : ""} | ${cell(objectiveName(objective))} | ${cell(valueText(objective))} | ${comparedText(objective)} | ${cell(targetsText(objective.passTargets, objective.comparedWith, true))} | ${cell(targetsText(objective.warningTargets, objective.comparedWith, true))} | ${scoreText(objective)} |`,
        );
      }
      lines.push("");
      if (options.recent && options.recent.length > 0) lines.push(...heatmap(result, options.recent), "");
      lines.push("<details><summary>Why each objective scored as it did</summary>", "");
      for (const objective of result.objectives) lines.push(`- **${cell(objectiveName(objective))}**: ${cell(objective.explanation)}`);
      lines.push("", "</details>");
    }
    return `${lines.join("\n")}\n`;
  },
};

/**
 * The Markdown report within a size limit (GitHub drops a job summary over 1 MiB, a comment over
 * 65,536 characters): first the explanations go, then objective rows from the end, each time
 * saying so in the text.
 */
export function renderMarkdownWithin(result: SlogateResult, maxBytes: number, recent: readonly RecentRun[] = []): string {
  // The oldest runs of the heatmap go first.
  for (let skip = 0; skip < recent.length; skip++) {
    const text = markdownRenderer.render(result, { recent: recent.slice(skip) });
    if (Buffer.byteLength(text) <= maxBytes) return text;
  }
  const full = markdownRenderer.render(result);
  if (Buffer.byteLength(full) <= maxBytes) return full;
  const withoutDetails = full.replace(
    /<details>[\s\S]*<\/details>\n?/,
    "_Explanations left out to fit the size limit; see the JSON report._\n",
  );
  if (Buffer.byteLength(withoutDetails) <= maxBytes) return withoutDetails;
  const lines = withoutDetails.split("\n");
  const rows = lines.map((line, index) => (line.startsWith("| ") && index > 0 ? index : -1)).filter((i) => i >= 0);
  const kept = [...lines];
  let dropped = 0;
  while (rows.length > 2 && Buffer.byteLength(kept.join("\n")) + 80 > maxBytes) {
    const index = rows.pop() as number;
    kept.splice(index, 1);
    dropped++;
  }
  const note = `_${dropped} more objective${dropped === 1 ? "" : "s"} left out to fit the size limit; see the JSON report._`;
  const text = `${kept.join("\n").trimEnd()}\n\n${note}\n`;
  return Buffer.byteLength(text) <= maxBytes ? text : `${text.slice(0, Math.max(0, maxBytes - 4))}…\n`;
}
