import { readSloText } from "../config/load-slo.js";
import type { IndicatorStatus, Target } from "../engine/types.js";
import { type ObjectiveResult, RESULT_SCHEMA_VERSION, type SlogateResult } from "../result/result.js";
import { isObject, type StoredEvaluation } from "./records.js";

const targets = (value: unknown): Target[] =>
  Array.isArray(value)
    ? value.filter(isObject).map((target) => ({
        criteria: String(target.criteria ?? ""),
        targetValue: typeof target.targetValue === "number" ? target.targetValue : 0,
        violated: target.violated === true,
      }))
    : [];

/** Objective weights from the slo.yaml Keptn kept with the evaluation (base64), when it did. */
function weightsOf(sloFileContent: unknown): Map<string, number> {
  if (typeof sloFileContent !== "string" || sloFileContent === "") return new Map();
  try {
    const { slo } = readSloText(Buffer.from(sloFileContent, "base64").toString("utf8"), "slo.yaml");
    return new Map((slo?.objectives ?? []).map((objective) => [objective.sli, objective.weight]));
  } catch {
    return new Map();
  }
}

function describe(status: string, score: number, weight: number, passTargets: Target[], warningTargets: Target[], message: string): string {
  const shown = (list: Target[]) =>
    list.map((t) => `${t.criteria} (target ${t.targetValue}) ${t.violated ? "violated" : "met"}`).join(", ");
  const parts = [`${status} in Keptn's evaluation; scored ${score} of ${weight}`];
  if (passTargets.length > 0) parts.push(`pass: ${shown(passTargets)}`);
  if (warningTargets.length > 0) parts.push(`warning: ${shown(warningTargets)}`);
  if (message) parts.push(message);
  return parts.join("; ");
}

/**
 * A Keptn evaluation.finished event as a slogate result, so reports, heatmaps and history
 * listings show years of Keptn evaluations as they show slogate's: each indicator with its value,
 * compared value, targets, status and score (weights from the slo.yaml Keptn kept with it).
 */
export function keptnAsResult(entry: StoredEvaluation): SlogateResult {
  const data = entry.keptn ?? {};
  const evaluation = isObject(data.evaluation) ? data.evaluation : {};
  const weights = weightsOf(evaluation.sloFileContent);
  const comparedEvents = Array.isArray(evaluation.comparedEvents)
    ? evaluation.comparedEvents.filter((id): id is string => typeof id === "string")
    : [];
  const objectives: ObjectiveResult[] = (Array.isArray(evaluation.indicatorResults) ? evaluation.indicatorResults : [])
    .filter(isObject)
    .map((indicator) => {
      const value = isObject(indicator.value) ? indicator.value : {};
      const sli = typeof value.metric === "string" ? value.metric : String(indicator.displayName ?? "");
      const success = value.success === true;
      const score = typeof indicator.score === "number" ? indicator.score : 0;
      const status = (typeof indicator.status === "string" ? indicator.status : "fail") as IndicatorStatus;
      const passTargets = targets(indicator.passTargets);
      const warningTargets = targets(indicator.warningTargets);
      const message = typeof value.message === "string" ? value.message : "";
      const weight = weights.get(sli) ?? 1;
      return {
        sli,
        displayName: typeof indicator.displayName === "string" && indicator.displayName !== "" ? indicator.displayName : sli,
        value: success && typeof value.value === "number" ? value.value : null,
        unit: null,
        success,
        status,
        score,
        weight,
        keySli: indicator.keySli === true,
        passTargets,
        warningTargets,
        comparedValue: typeof value.comparedValue === "number" && comparedEvents.length > 0 ? value.comparedValue : null,
        comparedWith: typeof value.comparedValue === "number" ? comparedEvents : [],
        query: null,
        error: success ? null : message || "no value",
        explanation: describe(status, score, weight, passTargets, warningTargets, success ? "" : message),
      };
    });
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    id: entry.id,
    time: entry.time ?? entry.window?.end ?? "",
    window: entry.window ?? { start: "", end: "" },
    labels: entry.labels,
    result: entry.result as SlogateResult["result"],
    status: data.status === "errored" ? "errored" : "succeeded",
    score: entry.score ?? 0,
    message: typeof data.message === "string" ? data.message : "",
    comparedEvents,
    objectives,
  };
}

/** The result to report on for a history entry: slogate's own, or one made from Keptn's event. */
export function reportableResult(entry: StoredEvaluation): SlogateResult | null {
  return entry.document ?? (entry.keptn ? keptnAsResult(entry) : null);
}
