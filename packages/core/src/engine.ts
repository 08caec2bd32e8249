/**
 * @slogate/core/engine — Keptn 1.x's SLO evaluation as a pure function: data in, data out, no
 * clock, no I/O. For anyone who wants the scoring alone.
 */

export { readSloText, type SloReading } from "./config/load-slo.js";
export { type Criterion, compareValue, parseCriteria, relativeTarget } from "./engine/criteria.js";
export { type EvaluationInput, type EvaluationOutcome, evaluate, type MissingSliPolicy, type SliRetrieval } from "./engine/evaluate.js";
export { calculateScore, parsePercentage } from "./engine/score.js";
export {
  DEFAULT_STATISTICAL_SETTINGS,
  judgePaired,
  judgeRelative,
  type PairedSlice,
  type StatisticalFinding,
  type StatisticalInput,
  type StatisticalSettings,
} from "./engine/statistical.js";
export type * from "./engine/types.js";
