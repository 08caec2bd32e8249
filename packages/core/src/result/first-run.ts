import { parseCriteria } from "../engine/criteria.js";
import type { Target } from "../engine/types.js";

/** What a relative criterion shows when no earlier result exists: Keptn counts it as met. */
export const NO_EARLIER_RESULT = "no earlier result: met, as in Keptn";

/**
 * A relative criterion judged without any earlier result: Keptn reports target 0 and met, which
 * reads like a real threshold of 0; reports say what happened instead.
 */
export function withoutEarlierResult(target: Target, comparedWith: readonly string[]): boolean {
  if (comparedWith.length > 0 || target.violated) return false;
  try {
    return parseCriteria(target.criteria).isComparison;
  } catch {
    return false;
  }
}
