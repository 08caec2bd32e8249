import type { CriteriaBlock, Objective, Slo } from "../engine/types.js";
import { parseDynatraceQuery } from "../sli/dynatrace/query.js";
import { type FixedBound, fixedBounds } from "./fixed-bounds.js";
import { type OwnedChange, type OwnedKind, planOwnedObjects } from "./owned-objects.js";

/**
 * Dynatrace SLOs for the gate's SLO-shaped objectives: a percentage metric that passes at or above
 * a fixed value (a success rate, an availability). Production then tracks the objective with the
 * gate's own thresholds. Pure: the desired SLOs and the changes against what Dynatrace has.
 */

/** The fields of an SLO (Service-level objectives API v2) that slogate writes. */
export interface SloObjectValue {
  name: string;
  description: string;
  enabled: boolean;
  evaluationType: "AGGREGATE";
  metricExpression: string;
  filter: string;
  target: number;
  warning: number;
  timeframe: string;
}

export interface DesiredSlo {
  sli: string;
  value: SloObjectValue | null;
  /** What the SLO tracks, or why the objective has none. */
  said: string;
}

/** Production SLOs look back a week, Dynatrace's default; the gate keeps judging its own window. */
export const SLO_TIMEFRAME = "-1w";

/** The one fixed lower bound of a criteria list (`>=99.5`), none, or something else. */
function lowerBound(blocks: CriteriaBlock[] | null): FixedBound | null | "other" {
  if (!blocks || blocks.length === 0) return null;
  if (blocks.length !== 1 || blocks[0]?.criteria.length !== 1) return "other";
  const [bound] = fixedBounds(blocks[0]);
  return bound && (bound.operator === ">=" || bound.operator === ">") ? bound : "other";
}

/**
 * An objective's Dynatrace thresholds: it passes at or above the pass bound and warns at or above
 * the warning bound — Dynatrace's warning and target. Anything else is not SLO-shaped.
 */
export function sloThresholds(objective: Objective): { target: number; warning: number; said: string } | { reason: string } {
  const pass = lowerBound(objective.pass);
  const warning = lowerBound(objective.warning);
  if (pass === null) return { reason: "informational: no pass criteria" };
  if (pass === "other" || warning === "other")
    return { reason: "not SLO-shaped: an SLO needs one fixed lower bound to pass (>=) and at most one to warn" };
  const target = warning?.value ?? pass.value;
  if (target > pass.value) return { reason: "not SLO-shaped: the warning bound is above the pass bound" };
  if (target < 0 || pass.value > 100) return { reason: "not SLO-shaped: an SLO's thresholds are percentages (0 to 100)" };
  return {
    target,
    warning: pass.value,
    said: `SLO passing at ${pass.criterion}${warning ? `, warning at ${warning.criterion}` : ""} over ${SLO_TIMEFRAME.slice(1)}`,
  };
}

/** An objective that can become an SLO once its metric is known to be a percentage; else why not. */
export type SloShape =
  | { sli: string; said: string }
  | {
      sli: string;
      objective: Objective;
      thresholds: { target: number; warning: number; said: string };
      parameters: { metricSelector: string; entitySelector?: string };
    };

/**
 * Each objective's SLO shape: SLO-shaped thresholds on a metrics query Dynatrace can keep, or the
 * reason it gets no SLO. `unwritable` holds the queries not written to Dynatrace, and why.
 */
export function sloShapes(slo: Slo, indicators: Record<string, string>, unwritable: Record<string, string> = {}): SloShape[] {
  return slo.objectives.map((objective): SloShape => {
    const { sli } = objective;
    if (unwritable[sli]) return { sli, said: `no SLO: ${unwritable[sli]}` };
    const query = indicators[sli];
    const parsed = query === undefined ? null : parseDynatraceQuery(query);
    if (parsed && !("error" in parsed) && parsed.query.kind === "slo")
      return { sli, said: "no SLO: its SLI reads a Dynatrace SLO already" };
    if (!parsed || "error" in parsed || parsed.query.kind !== "metrics") return { sli, said: "no SLO: its SLI is not a Dynatrace metric" };
    if (parsed.query.perSeries) return { sli, said: "no SLO: its SLI is read per series, an SLO judges one value" };
    const thresholds = sloThresholds(objective);
    if ("reason" in thresholds) return { sli, said: `no SLO: ${thresholds.reason}` };
    const { metricSelector, entitySelector, mzSelector } = parsed.query.parameters;
    if (mzSelector) return { sli, said: "no SLO: an SLO takes an entity filter, not a management-zone selector" };
    return { sli, objective, thresholds, parameters: { metricSelector, ...(entitySelector ? { entitySelector } : {}) } };
  });
}

/**
 * The SLO for each SLO-shaped objective whose metric is a percentage (`unitOf`: the unit each
 * candidate's descriptor gives, or why it is not known), or why it has none.
 */
export function desiredSlos(shapes: readonly SloShape[], unitOf: ReadonlyMap<string, string>, prefix: string): DesiredSlo[] {
  return shapes.map((shape) => {
    if (!("objective" in shape)) return { sli: shape.sli, value: null, said: shape.said };
    const { sli, objective, thresholds, parameters } = shape;
    const unit = unitOf.get(sli);
    if (unit !== "Percent") {
      return { sli, value: null, said: `no SLO: an SLO's metric is a percentage, this one's unit is ${unit ?? "not known"}` };
    }
    const gate = prefix.slice("slogate ".length, -1);
    return {
      sli,
      said: thresholds.said,
      value: {
        name: `${prefix} ${sli}`,
        description: `The quality gate of ${gate} passes ${objective.displayName || sli} at or above ${thresholds.warning} and warns from ${thresholds.target}; written by slogate monitoring apply from slo.yaml, which overwrites changes made here.`,
        enabled: true,
        evaluationType: "AGGREGATE",
        metricExpression: parameters.metricSelector,
        filter: parameters.entitySelector ?? "",
        target: thresholds.target,
        warning: thresholds.warning,
        timeframe: SLO_TIMEFRAME,
      },
    };
  });
}

export type SloChange = OwnedChange<SloObjectValue>;

/** SLOs as objects a gate owns: named by their name. */
const SLO_OBJECT: OwnedKind<SloObjectValue> = {
  nameOf: (value) => value.name,
  essence: (value) =>
    JSON.stringify([
      value.name,
      value.description,
      value.enabled,
      value.evaluationType,
      value.metricExpression,
      value.filter ?? "",
      value.target,
      value.warning,
      value.timeframe,
    ]),
};

/** Changes that make Dynatrace's SLOs of this gate the desired ones; other SLOs are never touched. */
export function planSlos(
  desired: readonly DesiredSlo[],
  existing: ReadonlyArray<{ objectId: string; value: Partial<SloObjectValue> }>,
  prefix: string,
  prune: boolean,
): SloChange[] {
  return planOwnedObjects(SLO_OBJECT, desired, existing, prefix, prune);
}
