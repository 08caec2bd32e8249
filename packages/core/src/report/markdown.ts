import { formatNumber } from "../result/format-number.js";
import type { SlogateResult } from "../result/result.js";
import type { ReportRenderer } from "./report-renderer.js";
import { comparedText, objectiveName, STATUS_MARK, scoreText, targetsText, valueText, verdictWord } from "./text.js";

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** Markdown for job summaries, PR/MR notes: result line, objectives table, explanations. */
export const markdownRenderer: ReportRenderer = {
  format: "markdown",
  render(result: SlogateResult): string {
    const lines: string[] = [];
    lines.push(`## ${STATUS_MARK[result.result]} slogate: ${verdictWord(result.result)} (score ${formatNumber(result.score)})`);
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
          `| ${STATUS_MARK[objective.status]} ${objective.status}${objective.keySli ? " (key)" : ""} | ${cell(objectiveName(objective))} | ${cell(valueText(objective))} | ${comparedText(objective)} | ${cell(targetsText(objective.passTargets, true))} | ${cell(targetsText(objective.warningTargets, true))} | ${scoreText(objective)} |`,
        );
      }
      lines.push("");
      lines.push("<details><summary>Why each objective scored as it did</summary>", "");
      for (const objective of result.objectives) lines.push(`- **${cell(objectiveName(objective))}**: ${cell(objective.explanation)}`);
      lines.push("", "</details>");
    }
    return `${lines.join("\n")}\n`;
  },
};
