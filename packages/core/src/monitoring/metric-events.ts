import type { Objective, Slo } from "../engine/types.js";
import { parseDynatraceQuery } from "../sli/dynatrace/query.js";
import { type FixedBound, fixedBounds } from "./fixed-bounds.js";
import { type OwnedChange, type OwnedKind, planOwnedObjects } from "./owned-objects.js";

/**
 * Production alerting on the gate's own thresholds: for each objective with one fixed failing
 * threshold, a metric event (Settings 2.0 schema builtin:anomaly-detection.metric-events) that
 * alerts when the metric crosses it. Pure: the desired events from slo.yaml and sli.yaml, and
 * the changes against what Dynatrace has.
 */

export const METRIC_EVENTS_SCHEMA = "builtin:anomaly-detection.metric-events";

export interface MetricEventValue {
  enabled: boolean;
  summary: string;
  queryDefinition: { type: "METRIC_SELECTOR"; metricSelector: string };
  modelProperties: {
    type: "STATIC_THRESHOLD";
    threshold: number;
    alertOnNoData: boolean;
    alertCondition: "ABOVE" | "BELOW";
    violatingSamples: number;
    samples: number;
    dealertingSamples: number;
  };
  eventTemplate: { title: string; description: string; eventType: "CUSTOM_ALERT"; davisMerge: boolean; metadata: [] };
}

export interface DesiredAlert {
  sli: string;
  value: MetricEventValue | null;
  /** What the alert watches, or why the objective has none. */
  said: string;
}

/** The summary prefix that marks a gate's metric events: its identity in Dynatrace. */
export function alertPrefix(labels: { project: string; stage: string; service: string }): string {
  return `slogate ${labels.project}/${labels.stage}/${labels.service}:`;
}

/**
 * The failing threshold of an objective: the warning block's absolute criterion when there is
 * one (beyond it the objective fails), else the pass block's. One block, one fixed bound.
 */
function failingBound(objective: Objective): FixedBound | { reason: string } {
  const blocks = objective.warning?.length ? objective.warning : (objective.pass ?? []);
  if (blocks.length === 0) return { reason: "informational: no criteria" };
  if (blocks.length > 1) return { reason: "its criteria are alternatives (several blocks), which one threshold cannot watch" };
  const absolute = fixedBounds(blocks[0]);
  if (absolute.length === 0) return { reason: "no fixed threshold: relative criteria compare with earlier runs" };
  if (absolute.length > 1) return { reason: "a range of fixed thresholds, which one metric event cannot watch" };
  return absolute[0] as FixedBound;
}

/** The metric event for each objective whose SLI is a metric with a fixed failing threshold, or why not. */
export function desiredAlerts(
  slo: Slo,
  indicators: Record<string, string>,
  selectorOf: (query: string) => string | null,
  prefix: string,
): DesiredAlert[] {
  return slo.objectives.map((objective) => {
    const query = indicators[objective.sli];
    const selector = query === undefined ? null : selectorOf(query);
    const parsed = query === undefined ? null : parseDynatraceQuery(query);
    if (!selector || !parsed || "error" in parsed || parsed.query.kind !== "metrics") {
      return { sli: objective.sli, value: null, said: "no alert: its SLI is not a Dynatrace metric on a dashboard tile" };
    }
    const bound = failingBound(objective);
    if ("reason" in bound) return { sli: objective.sli, value: null, said: `no alert: ${bound.reason}` };
    const above = bound.operator === "<" || bound.operator === "<=";
    const name = objective.displayName || objective.sli;
    return {
      sli: objective.sli,
      said: `alert when ${above ? "above" : "below"} ${bound.value} (${bound.criterion})`,
      value: {
        enabled: true,
        summary: `${prefix} ${objective.sli}`,
        queryDefinition: { type: "METRIC_SELECTOR", metricSelector: selector },
        modelProperties: {
          type: "STATIC_THRESHOLD",
          threshold: bound.value,
          alertOnNoData: false,
          alertCondition: above ? "ABOVE" : "BELOW",
          // 3 of 5 one-minute samples: a blip does not alert, a sustained breach does.
          violatingSamples: 3,
          samples: 5,
          dealertingSamples: 5,
        },
        eventTemplate: {
          title: `${name} breaks its quality-gate objective ${bound.criterion}`,
          description: `The {metricname} value was {alert_condition} the threshold of {threshold} that the quality gate of ${prefix.slice("slogate ".length, -1)} fails at.`,
          eventType: "CUSTOM_ALERT",
          davisMerge: true,
          metadata: [],
        },
      },
    };
  });
}

export type AlertChange = OwnedChange<MetricEventValue>;

/** Metric events as objects a gate owns: named by their summary. */
const METRIC_EVENT: OwnedKind<MetricEventValue> = {
  nameOf: (value) => value.summary,
  essence(value) {
    const m = value.modelProperties;
    const e = value.eventTemplate;
    return JSON.stringify([
      value.enabled,
      value.summary,
      value.queryDefinition?.type,
      value.queryDefinition?.metricSelector,
      m?.type,
      m?.threshold,
      m?.alertOnNoData,
      m?.alertCondition,
      m?.violatingSamples,
      m?.samples,
      m?.dealertingSamples,
      e?.title,
      e?.description,
      e?.eventType,
      e?.davisMerge,
    ]);
  },
};

/** Changes that make Dynatrace's metric events of this gate the desired ones; others' are never touched. */
export function planAlerts(
  desired: readonly DesiredAlert[],
  existing: ReadonlyArray<{ objectId: string; value: Partial<MetricEventValue> }>,
  prefix: string,
  prune: boolean,
): AlertChange[] {
  return planOwnedObjects(METRIC_EVENT, desired, existing, prefix, prune);
}
