import { formatNumber } from "../result/format-number.js";
import type { SlogateResult } from "../result/result.js";
import type { ReportRenderer } from "./report-renderer.js";
import { objectiveName, scoredWeight, scoreShare, targetsText, valueText, verdictWord } from "./text.js";

/**
 * `--explain`: for each objective the resolved query, the value, the targets computed from its
 * criteria, the compared value and the runs behind it, the rule that decided, and its share of the
 * total score — the answer to "why did the gate say that?".
 */
export const explainRenderer: ReportRenderer = {
  format: "explain",
  render(result: SlogateResult): string {
    const totalWeight = scoredWeight(result.objectives);
    const lines = [
      `slogate ${verdictWord(result)}  score ${formatNumber(result.score)}  window ${result.window.start || "–"} → ${result.window.end || "–"}  id ${result.id}`,
    ];
    if (result.message) lines.push(result.message);
    for (const objective of result.objectives) {
      const name = objectiveName(objective);
      lines.push("", `${name}${name === objective.sli ? "" : ` [${objective.sli}]`}${objective.keySli ? " (key SLI)" : ""}`);
      lines.push(`  query     ${objective.query ?? "–"}`);
      lines.push(`  value     ${valueText(objective)}${objective.error ? ` (${objective.error})` : ""}`);
      const runs = objective.comparedWith;
      lines.push(
        `  compared  ${objective.comparedValue === null ? "– (no previous value to compare with)" : `${formatNumber(objective.comparedValue)} from ${runs.length} previous result${runs.length === 1 ? "" : "s"}: ${runs.join(", ")}`}`,
      );
      lines.push(`  pass      ${targetsText(objective.passTargets, objective.comparedWith)}`);
      lines.push(`  warning   ${targetsText(objective.warningTargets, objective.comparedWith)}`);
      lines.push(`  decided   ${objective.explanation}`);
      for (const finding of objective.statistics ?? []) {
        const change = finding.change
          ? `change ×${formatNumber(Number(finding.change.estimate.toFixed(4)))} (interval ×${formatNumber(Number(finding.change.low.toFixed(4)))} … ×${formatNumber(Number(finding.change.high.toFixed(4)))})`
          : "change –";
        const noise = finding.noiseFloor === null ? "noise floor –" : `noise floor ±${(finding.noiseFloor * 100).toFixed(1)}%`;
        const rank = finding.rankTest
          ? `rank test U=${formatNumber(finding.rankTest.u)} p=${finding.rankTest.p.toPrecision(3)} (${finding.rankTest.currentSamples} vs ${finding.rankTest.baselineSamples} samples), request shift ×${finding.rankTest.shift.estimate.toFixed(3)} (×${finding.rankTest.shift.low.toFixed(3)} … ×${finding.rankTest.shift.high.toFixed(3)})`
          : "no per-request samples";
        lines.push(
          `  statistics ${finding.criterion}: ${finding.decision}; ${change}; ${noise} from ${finding.previousRuns} earlier runs; ${rank}`,
        );
      }
      lines.push(`  score     ${scoreShare(objective, totalWeight)}`);
    }
    return `${lines.join("\n")}\n`;
  },
};
