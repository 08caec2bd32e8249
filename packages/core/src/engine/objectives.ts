import { isSlogateError } from "../errors.js";
import { type Aggregate, aggregatePrevious, indexPreviousValues, type PreviousSeries } from "./aggregate.js";
import { type Criterion, compareValue, parseCriteria, relativeTarget } from "./criteria.js";
import type { StatisticalFinding } from "./statistical.js";
import type {
  Comparison,
  CriteriaBlock,
  IndicatorResult,
  KeySliState,
  Objective,
  PreviousEvaluation,
  SliResult,
  Slo,
  Target,
} from "./types.js";

export const NO_VALUE_MESSAGE = "no value received from SLI provider";

/** What decided an objective's status, for the explanation shown to users. */
export type DecidingRule =
  | { kind: "pass-block"; block: number }
  | { kind: "warning-block"; block: number }
  | { kind: "no-block-satisfied" }
  | { kind: "informational" }
  | { kind: "sli-failed"; reason: string }
  | {
      kind: "statistical";
      decision: "pass" | "warning" | "fail" | "inconclusive";
      /** For an inconclusive objective: the statuses the data cannot choose between. */
      between: { best: "pass" | "warning" | "fail"; worst: "pass" | "warning" | "fail" } | null;
    };

export interface ObjectiveOutcome {
  objective: Objective;
  indicator: IndicatorResult;
  /** Ids of the previous evaluations whose values made up the compared value. */
  comparedWith: string[];
  rule: DecidingRule;
  /** The statistical comparison's findings, when that mode judged the objective. */
  statistics?: StatisticalFinding[];
  /** Why the statistical comparison could not decide this objective (it then caps the gate at warning). */
  inconclusive?: string;
}

export interface ObjectivesOutcome {
  /** null when no objective was evaluated (no objectives, or a criteria error). */
  indicators: IndicatorResult[] | null;
  outcomes: ObjectiveOutcome[];
  maxScore: number;
  keySli: KeySliState;
  message: string;
  /** Keptn's "error with <name>: …" for an unparsable pass criterion; the evaluation stops. */
  error: string | null;
}

interface CriteriaContext {
  value: SliResult & { comparedValue: number };
  previous: PreviousSeries;
  comparison: Comparison;
  /** Keptn recomputes the aggregate for every criterion; it is the same each time, so keep it. */
  aggregate?: Aggregate;
}

interface ListOutcome {
  satisfied: boolean;
  /** 0-based index of the first satisfied block, -1 when none. */
  firstSatisfied: number;
  targets: Target[];
  aggregate: Aggregate | null;
}

function evaluateCriterion(text: string, context: CriteriaContext): { satisfied: boolean; target: Target; aggregate: Aggregate } {
  const criterion: Criterion = parseCriteria(text);
  context.aggregate ??= aggregatePrevious(context.previous, context.comparison);
  const aggregate = context.aggregate;
  context.value.comparedValue = aggregate.value;
  if (!criterion.isComparison) {
    const satisfied = compareValue(context.value.value, criterion.value, criterion.operator);
    return { satisfied, target: { criteria: text, targetValue: criterion.value, violated: !satisfied }, aggregate };
  }
  if (aggregate.skip) {
    return { satisfied: true, target: { criteria: text, targetValue: 0, violated: false }, aggregate };
  }
  const bound = relativeTarget(criterion, aggregate.value);
  const satisfied = compareValue(context.value.value, bound, criterion.operator);
  return { satisfied, target: { criteria: text, targetValue: bound, violated: !satisfied }, aggregate };
}

/** AND inside a block, OR across blocks; every block is evaluated so every violation is reported. */
export function evaluateCriteriaList(blocks: readonly CriteriaBlock[], context: CriteriaContext): ListOutcome {
  const targets: Target[] = [];
  let firstSatisfied = -1;
  let aggregate: Aggregate | null = null;
  blocks.forEach((block, index) => {
    let blockSatisfied = true;
    for (const text of block.criteria) {
      const outcome = evaluateCriterion(text, context);
      aggregate = outcome.aggregate;
      targets.push(outcome.target);
      if (!outcome.satisfied) blockSatisfied = false;
    }
    if (blockSatisfied && firstSatisfied < 0) firstSatisfied = index;
  });
  return { satisfied: firstSatisfied >= 0, firstSatisfied, targets, aggregate };
}

/**
 * Keptn's `getEmptyTargets`: every parsable criterion as violated. For a relative criterion the
 * reported target is the aggregate itself, not the bound (a Keptn quirk its tests assert).
 */
function violatedTargets(blocks: readonly CriteriaBlock[] | null, previous: PreviousSeries, comparison: Comparison): Target[] {
  const targets: Target[] = [];
  const aggregate = aggregatePrevious(previous, comparison).value;
  for (const block of blocks ?? []) {
    for (const text of block.criteria) {
      let criterion: Criterion;
      try {
        criterion = parseCriteria(text);
      } catch (error) {
        if (isSlogateError(error)) continue;
        throw error;
      }
      targets.push({ criteria: text, targetValue: criterion.isComparison ? aggregate : criterion.value, violated: true });
    }
  }
  return targets;
}

/** Keptn's lookup: the first value with that name, removed by swapping in the last one. */
export function takeSliResult(results: SliResult[], sli: string): SliResult | null {
  const index = results.findIndex((result) => result.metric === sli);
  if (index < 0) return null;
  const found = results[index] as SliResult;
  results[index] = results[results.length - 1] as SliResult;
  results.pop();
  return found;
}

function withComparedValue(result: SliResult): SliResult & { comparedValue: number } {
  return { ...result, comparedValue: result.comparedValue ?? 0 };
}

/** Keptn's `evaluateObjectives` (1.x-final), plus the deciding rule of each objective. */
export function evaluateObjectives(slo: Slo, sliResults: readonly SliResult[], previous: readonly PreviousEvaluation[]): ObjectivesOutcome {
  const notFailed: KeySliState = { failed: false, name: "", message: "" };
  if (slo.objectives.length === 0) {
    return { indicators: null, outcomes: [], maxScore: 100, keySli: notFailed, message: "", error: null };
  }
  const remaining = [...sliResults];
  const previousBySli = indexPreviousValues(previous);
  const outcomes: ObjectiveOutcome[] = [];
  let maxScore = 0;
  let keySli = notFailed;

  for (const objective of slo.objectives) {
    const hasPass = (objective.pass?.length ?? 0) > 0;
    if (hasPass) maxScore += objective.weight;
    const previousValues = previousBySli.get(objective.sli) ?? { evaluationIds: [], values: [], success: [] };
    const found = takeSliResult(remaining, objective.sli);
    const base = { displayName: objective.displayName, keySli: false };

    if (!hasPass) {
      outcomes.push({
        objective,
        indicator: {
          ...base,
          score: 0,
          status: "info",
          value: found ? withComparedValue(found) : null,
          passTargets: [],
          warningTargets: violatedTargets(objective.warning, previousValues, slo.comparison),
        },
        comparedWith: [],
        rule: { kind: "informational" },
      });
      continue;
    }

    if (found === null || !found.success) {
      const value = found
        ? withComparedValue(found)
        : { metric: objective.sli, value: 0, comparedValue: 0, success: false, message: NO_VALUE_MESSAGE };
      if (objective.key_sli) keySli = { failed: true, name: objective.displayName, message: value.message };
      outcomes.push({
        objective,
        indicator: {
          ...base,
          score: 0,
          status: "fail",
          value,
          passTargets: violatedTargets(objective.pass, previousValues, slo.comparison),
          warningTargets: violatedTargets(objective.warning, previousValues, slo.comparison),
        },
        comparedWith: [],
        rule: { kind: "sli-failed", reason: value.message || NO_VALUE_MESSAGE },
      });
      continue;
    }

    const context: CriteriaContext = { value: withComparedValue(found), previous: previousValues, comparison: slo.comparison };
    let passOutcome: ListOutcome;
    try {
      passOutcome = evaluateCriteriaList(objective.pass ?? [], context);
    } catch (error) {
      if (!isSlogateError(error)) throw error;
      const name = objective.displayName || objective.sli;
      return {
        indicators: null,
        outcomes: [],
        maxScore,
        keySli,
        message: "",
        error: `error with ${name}: ${error.message}`,
      };
    }
    let warningOutcome: ListOutcome | null = null;
    if ((objective.warning?.length ?? 0) > 0) {
      try {
        warningOutcome = evaluateCriteriaList(objective.warning ?? [], context);
      } catch (error) {
        if (!isSlogateError(error)) throw error;
        // Keptn ignores an unparsable warning list: not satisfied, no targets.
        warningOutcome = { satisfied: false, firstSatisfied: -1, targets: [], aggregate: null };
      }
    }
    const indicator: IndicatorResult = {
      displayName: objective.displayName,
      keySli: objective.key_sli,
      score: 0,
      status: "fail",
      value: context.value,
      // Keptn appends targets to a nil list: a list without criteria reports null, not [].
      passTargets: passOutcome.targets.length > 0 ? passOutcome.targets : null,
      warningTargets: warningOutcome && warningOutcome.targets.length > 0 ? warningOutcome.targets : null,
    };
    let rule: DecidingRule;
    if (passOutcome.satisfied) {
      indicator.score = objective.weight;
      indicator.status = "pass";
      rule = { kind: "pass-block", block: passOutcome.firstSatisfied };
    } else if (warningOutcome?.satisfied) {
      indicator.score = 0.5 * objective.weight;
      indicator.status = "warning";
      rule = { kind: "warning-block", block: warningOutcome.firstSatisfied };
    } else {
      if (objective.key_sli) {
        keySli = { failed: true, name: objective.displayName, message: "failed evaluation with score 0.000000" };
      }
      rule = { kind: "no-block-satisfied" };
    }
    const aggregate = passOutcome.aggregate ?? warningOutcome?.aggregate ?? null;
    outcomes.push({ objective, indicator, comparedWith: aggregate?.sourceIds ?? [], rule });
  }

  let message = "";
  if (remaining.length > 0) {
    message = `Lighthouse received additional SLIs, which are not specified as SLO: ${remaining
      .map((result) => result.metric)
      .join(", ")} . Please consider using them as an SLO.`;
  }
  return { indicators: outcomes.map((o) => o.indicator), outcomes, maxScore, keySli, message, error: null };
}
