import { SlogateError } from "../errors.js";
import { parseGoFloat } from "./go-number.js";
import type { Operator } from "./types.js";

/** A parsed criterion, with Keptn's field names (`criteriaObject` in lighthouse-service). */
export interface Criterion {
  operator: Operator;
  value: number;
  checkPercentage: boolean;
  isComparison: boolean;
  checkIncrease: boolean;
}

export const INVALID_CRITERIA_STRING = "invalid criteria string";
export const UNPARSABLE_TARGET_VALUE = "could not parse criteria target value";

// Keptn's gate is a character class, so it only checks that the text starts with one of `<|=>`.
const KEPTN_CRITERIA_GATE = /^[<|=>]/;
const OPERATORS_IN_MATCH_ORDER: readonly Operator[] = ["<=", "<", "=", ">=", ">"];

/**
 * Parses a criterion exactly as Keptn's `parseCriteriaString` does: ASCII spaces are removed
 * anywhere, `%` always means relative-increase unless a `-` follows the operator, and a leading
 * sign makes any criterion relative (so an absolute threshold can never be negative).
 */
export function parseCriteria(text: string): Criterion {
  let rest = text.replaceAll(" ", "");
  if (!KEPTN_CRITERIA_GATE.test(rest)) {
    throw new SlogateError("INVALID_CRITERIA", INVALID_CRITERIA_STRING);
  }
  let operator: Operator | undefined;
  for (const candidate of OPERATORS_IN_MATCH_ORDER) {
    if (rest.startsWith(candidate)) {
      operator = candidate;
      rest = rest.slice(candidate.length);
      break;
    }
  }
  let checkPercentage = false;
  let isComparison = false;
  let checkIncrease = false;
  if (rest.endsWith("%")) {
    rest = rest.slice(0, -1);
    checkPercentage = true;
    isComparison = true;
    checkIncrease = true;
  }
  if (rest.startsWith("-")) {
    rest = rest.slice(1);
    isComparison = true;
    checkIncrease = false;
  } else if (rest.startsWith("+")) {
    rest = rest.slice(1);
    isComparison = true;
    checkIncrease = true;
  }
  const value = parseGoFloat(rest);
  if (value === undefined || operator === undefined) {
    throw new SlogateError("INVALID_CRITERIA", UNPARSABLE_TARGET_VALUE);
  }
  return { operator, value, checkPercentage, isComparison, checkIncrease };
}

/** Plain IEEE-754 comparison, no epsilon: Keptn's `evaluateValue`. */
export function compareValue(measured: number, target: number, operator: string): boolean {
  switch (operator) {
    case "<":
      return measured < target;
    case "<=":
      return measured <= target;
    case "=":
      return measured === target;
    case ">=":
      return measured >= target;
    case ">":
      return measured > target;
    default:
      throw new SlogateError("INVALID_CRITERIA", "no operator set");
  }
}

/** The bound a relative criterion sets, in Keptn's operation order (it matters for the last bit). */
export function relativeTarget(criterion: Criterion, aggregate: number): number {
  if (criterion.checkPercentage) {
    return criterion.checkIncrease ? (aggregate * (100 + criterion.value)) / 100 : (aggregate * (100 - criterion.value)) / 100;
  }
  return criterion.checkIncrease ? aggregate + criterion.value : aggregate - criterion.value;
}
