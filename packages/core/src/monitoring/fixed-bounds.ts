import { parseCriteria } from "../engine/criteria.js";
import type { CriteriaBlock } from "../engine/types.js";

/** An absolute criterion of a block (`<=600`, `>=99.5`): a value Dynatrace can watch. */
export interface FixedBound {
  criterion: string;
  operator: string;
  value: number;
}

/**
 * The fixed bounds of a criteria block, for monitoring objects that carry one threshold: relative
 * criteria (against earlier runs) and `=` are not bounds; a criterion the engine would refuse is
 * left out here and reported by validation.
 */
export function fixedBounds(block: CriteriaBlock | undefined): FixedBound[] {
  return (block?.criteria ?? []).flatMap((criterion) => {
    try {
      const parsed = parseCriteria(criterion);
      return parsed.isComparison || parsed.operator === "=" ? [] : [{ criterion, operator: parsed.operator, value: parsed.value }];
    } catch {
      return [];
    }
  });
}
