import type { ObjectiveOutcome } from "../engine/objectives.js";
import type { CriteriaBlock, Target } from "../engine/types.js";
import { baselineTargetOf } from "./baseline-target.js";
import { NO_EARLIER_RESULT, withoutEarlierResult } from "./first-run.js";
import { formatNumber } from "./format-number.js";

function describeTarget(target: Target, comparedWith: readonly string[]): string {
  if (withoutEarlierResult(target, comparedWith)) return `${target.criteria} (${NO_EARLIER_RESULT})`;
  return `${target.criteria} (target ${formatNumber(target.targetValue)}) ${target.violated ? "violated" : "met"}`;
}

/** The targets of each block, split by how many criteria each block has. */
function targetsByBlock(blocks: readonly CriteriaBlock[] | null, targets: readonly Target[]): Target[][] {
  const grouped: Target[][] = [];
  let offset = 0;
  for (const block of blocks ?? []) {
    grouped.push(targets.slice(offset, offset + block.criteria.length));
    offset += block.criteria.length;
  }
  return grouped;
}

function describeBlocks(
  name: string,
  blocks: readonly CriteriaBlock[] | null,
  targets: readonly Target[] | null,
  comparedWith: readonly string[],
): string {
  const grouped = targetsByBlock(blocks, targets ?? []);
  if (grouped.length === 0) return `no ${name} criteria`;
  return grouped
    .map((group, index) => `${name} block ${index + 1}: ${group.map((target) => describeTarget(target, comparedWith)).join(" AND ")}`)
    .join("; ");
}

/** One sentence per objective: which rule decided its status, with the numbers behind it. */
export function explainRule(outcome: ObjectiveOutcome): string {
  const { objective, indicator, rule } = outcome;
  const compared =
    outcome.comparedWith.length > 0 && indicator.value
      ? baselineTargetOf(outcome.comparedWith) !== null
        ? `; compared value ${formatNumber(indicator.value.comparedValue)} from the baseline target ${baselineTargetOf(outcome.comparedWith)}, loaded in the same moments`
        : `; compared value ${formatNumber(indicator.value.comparedValue)} from ${outcome.comparedWith.length} previous result${outcome.comparedWith.length === 1 ? "" : "s"}`
      : "";
  switch (rule.kind) {
    case "informational":
      return indicator.value === null
        ? "info: no pass criteria, not scored; no value was received"
        : "info: no pass criteria, reported but not scored";
    case "sli-failed":
      return `fail: no usable value (${rule.reason}); scores 0 of weight ${objective.weight}${objective.key_sli ? " and, as a key SLI, fails the evaluation" : ""}`;
    case "pass-block": {
      const group = targetsByBlock(objective.pass, indicator.passTargets ?? [])[rule.block] ?? [];
      return `pass: criteria block ${rule.block + 1} met: ${group.map((target) => describeTarget(target, outcome.comparedWith)).join(" AND ")}${compared}`;
    }
    case "warning-block": {
      const group = targetsByBlock(objective.warning, indicator.warningTargets ?? [])[rule.block] ?? [];
      return `warning: no pass block met (${describeBlocks("pass", objective.pass, indicator.passTargets, outcome.comparedWith)}); warning block ${rule.block + 1} met: ${group.map((target) => describeTarget(target, outcome.comparedWith)).join(" AND ")}${compared}`;
    }
    case "statistical": {
      const findings = (outcome.statistics ?? []).map((f) => `${f.criterion} ${f.decision}: ${f.reason}`).join("; ");
      const word =
        rule.decision === "inconclusive" && rule.between
          ? indicator.status === "warning"
            ? `inconclusive between ${rule.between.best} and ${rule.between.worst} (shown as warning, scored ${indicator.score} of ${objective.weight}; the gate is capped at warning)`
            : `inconclusive between ${rule.between.best} and ${rule.between.worst} (counted as ${indicator.status})`
          : rule.decision;
      return `${word} by the statistical comparison: ${findings}`;
    }
    case "no-block-satisfied":
      return `fail: ${describeBlocks("pass", objective.pass, indicator.passTargets, outcome.comparedWith)}; ${describeBlocks("warning", objective.warning, indicator.warningTargets, outcome.comparedWith)}${compared}${objective.key_sli ? "; as a key SLI it fails the evaluation" : ""}`;
  }
}
