import type { PreviousEvaluation } from "../engine/types.js";
import { SlogateError } from "../errors.js";
import { RESULT_SCHEMA_VERSION, type SlogateResult } from "../result/result.js";

const KEPTN_FINISHED = "sh.keptn.event.evaluation.finished";
const KEPTN_INVALIDATED = "sh.keptn.event.evaluation.invalidated";

/** One stored evaluation, whether slogate wrote it or it came from Keptn. */
export interface StoredEvaluation {
  kind: "evaluation";
  id: string;
  time: string | null;
  /** The evaluation window, when the line states it. */
  window: { start: string; end: string } | null;
  /** Event-level result (pass | warning | fail), the field Keptn's selection filters on. */
  result: string;
  score: number | null;
  origin: "slogate" | "keptn";
  /** Keptn's triggeredid, which Keptn's invalidation events refer to. */
  triggeredId: string | null;
  previous: PreviousEvaluation;
  /** Each objective's status in that run (pass, warning, fail, info), for heatmaps. */
  statuses: Record<string, string>;
  invalidated: boolean;
  /** The whole result, when slogate wrote the line (Keptn lines carry no report of their own). */
  document: SlogateResult | null;
  /** Labels the result was stored with (Keptn: its project, stage, service and labels). */
  labels: Record<string, string>;
  /** The branch the result's code was on, when the line says. */
  branch: string | null;
  /** Keptn's evaluation.finished `data`, for a Keptn line (its report is built from it on demand). */
  keptn?: Record<string, unknown>;
}

/** A later line that withdraws an evaluation from comparisons. */
export interface Invalidation {
  kind: "invalidation";
  /** slogate result id, or Keptn triggeredid (Keptn's invalidated event). */
  target: string;
  byTriggeredId: boolean;
}

export type HistoryLine = StoredEvaluation | Invalidation;

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function indicatorsOf(value: unknown): PreviousEvaluation["indicatorResults"] {
  if (!Array.isArray(value)) return null;
  return value.map((indicator) => {
    const shaped = isObject(indicator) ? indicator.value : null;
    if (!isObject(shaped) || typeof shaped.metric !== "string") return { value: null };
    return {
      value: {
        metric: shaped.metric,
        value: typeof shaped.value === "number" ? shaped.value : 0,
        success: shaped.success === true,
      },
    };
  });
}

function keptnStatuses(indicators: unknown): Record<string, string> {
  const statuses: Record<string, string> = {};
  if (!Array.isArray(indicators)) return statuses;
  for (const indicator of indicators) {
    const metric = isObject(indicator) && isObject(indicator.value) ? indicator.value.metric : undefined;
    if (typeof metric === "string" && isObject(indicator) && typeof indicator.status === "string") statuses[metric] = indicator.status;
  }
  return statuses;
}

/** The string-valued entries of an object. */
function stringEntries(value: Json): Record<string, string> {
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

function fromSlogate(line: Json): StoredEvaluation {
  const result = line as unknown as SlogateResult;
  if (typeof result.id !== "string" || typeof result.result !== "string" || !Array.isArray(result.objectives)) {
    throw new Error("a slogate result needs id, result and objectives");
  }
  if (!result.objectives.every((objective) => isObject(objective) && typeof objective.sli === "string")) {
    throw new Error("every objective of a slogate result needs an sli name");
  }
  return {
    kind: "evaluation",
    id: result.id,
    time: typeof result.time === "string" ? result.time : null,
    window:
      result.window && typeof result.window.start === "string" && typeof result.window.end === "string"
        ? { start: result.window.start, end: result.window.end }
        : null,
    result: result.result,
    score: typeof result.score === "number" ? result.score : null,
    origin: "slogate",
    triggeredId: null,
    statuses: Object.fromEntries(result.objectives.map((objective) => [objective.sli, objective.status])),
    invalidated: false,
    document: result,
    labels: isObject(result.labels) ? stringEntries(result.labels as unknown as Json) : {},
    branch: typeof result.source?.branch === "string" ? result.source.branch : null,
    previous: {
      id: result.id,
      result: typeof result.uncappedResult === "string" ? result.uncappedResult : result.result,
      ...(result.objectives.some((objective) => Array.isArray(objective.samples))
        ? {
            samples: Object.fromEntries(
              result.objectives.flatMap((objective) =>
                Array.isArray(objective.samples)
                  ? [[objective.sli, objective.samples.filter((v): v is number => typeof v === "number")]]
                  : [],
              ),
            ),
          }
        : {}),
      indicatorResults: result.objectives.map((objective) =>
        objective.value === null && !objective.success
          ? { value: { metric: objective.sli, value: 0, success: false } }
          : { value: { metric: objective.sli, value: objective.value ?? 0, success: objective.success } },
      ),
    },
  };
}

function fromKeptn(data: Json, envelope: Json | null, fallbackId: string): StoredEvaluation {
  const evaluation = isObject(data.evaluation) ? data.evaluation : {};
  const id = typeof envelope?.id === "string" ? envelope.id : typeof data.id === "string" ? data.id : fallbackId;
  const result = typeof data.result === "string" ? data.result : typeof evaluation.result === "string" ? evaluation.result : "";
  if (result === "") throw new Error("a Keptn evaluation.finished payload needs a result");
  return {
    kind: "evaluation",
    id,
    time: typeof envelope?.time === "string" ? envelope.time : typeof evaluation.timeEnd === "string" ? evaluation.timeEnd : null,
    window:
      typeof evaluation.timeStart === "string" && typeof evaluation.timeEnd === "string"
        ? { start: evaluation.timeStart, end: evaluation.timeEnd }
        : null,
    result,
    score: typeof evaluation.score === "number" ? evaluation.score : null,
    origin: "keptn",
    triggeredId: typeof envelope?.triggeredid === "string" ? envelope.triggeredid : null,
    statuses: keptnStatuses(evaluation.indicatorResults),
    invalidated: false,
    document: null,
    labels: {
      ...(isObject(data.labels) ? stringEntries(data.labels) : {}),
      ...stringEntries(Object.fromEntries(["project", "stage", "service"].map((key) => [key, data[key]]))),
    },
    branch: null,
    previous: { id, result, indicatorResults: indicatorsOf(evaluation.indicatorResults) },
    keptn: data,
  };
}

/**
 * Reads one history line: a slogate result, a slogate invalidation, or Keptn's evaluation.finished
 * (the whole CloudEvent or its `data`) and evaluation.invalidated events, so Keptn users keep their
 * baselines. Throws a plain Error saying what is wrong; the caller adds file and line.
 */
export function parseHistoryLine(text: string, fallbackId: string): HistoryLine {
  let line: unknown;
  try {
    line = JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(line)) throw new Error("expected a JSON object");
  if (line.kind === "invalidation") {
    if (typeof line.invalidates !== "string") throw new Error('an invalidation needs "invalidates": "<result id>"');
    return { kind: "invalidation", target: line.invalidates, byTriggeredId: false };
  }
  if (line.schemaVersion !== undefined) {
    if (line.schemaVersion !== RESULT_SCHEMA_VERSION) {
      throw new Error(`schemaVersion ${JSON.stringify(line.schemaVersion)} is not one this slogate reads (${RESULT_SCHEMA_VERSION})`);
    }
    return fromSlogate(line);
  }
  if (typeof line.type === "string") {
    if (line.type === KEPTN_INVALIDATED) {
      if (typeof line.triggeredid !== "string") throw new Error("a Keptn evaluation.invalidated event needs triggeredid");
      return { kind: "invalidation", target: line.triggeredid, byTriggeredId: true };
    }
    if (line.type !== KEPTN_FINISHED || !isObject(line.data)) {
      throw new Error(`a CloudEvent of type ${JSON.stringify(line.type)} is not an evaluation result`);
    }
    return fromKeptn(line.data, line, fallbackId);
  }
  if (isObject(line.evaluation) || typeof line.result === "string") return fromKeptn(line, null, fallbackId);
  throw new Error("expected a slogate result (schemaVersion), or a Keptn evaluation.finished event or its data");
}

export function historyError(file: string, lineNumber: number, problem: string): SlogateError {
  return new SlogateError("INVALID_INPUT", `history line ${lineNumber}: ${problem}`, {
    position: { file, line: lineNumber, column: 1 },
    suggestion: "Fix or remove that line; each line must be one JSON result",
  });
}
