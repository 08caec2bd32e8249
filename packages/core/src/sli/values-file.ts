import { isMap, isSeq, type Node } from "yaml";
import type { Diagnostic } from "../config/diagnostics.js";
import { ConfigError } from "../config/diagnostics.js";
import { parseYamlSource, positionOf, type YamlSource } from "../config/yaml-source.js";
import type { SliResult } from "../engine/types.js";
import type { SliAnswer } from "./sli-provider.js";

const FORMS =
  '{"sli": number}, Keptn indicatorValues [{"metric", "value", "success", "message"}], or get-sli.finished data {"result", "status", "get-sli": {"indicatorValues"}}';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nodeFor(root: unknown, path: Array<string | number>): Node | null {
  let node = root as Node | null;
  for (const segment of path) {
    if (isMap(node)) node = (node.get(segment, true) as Node | undefined) ?? node;
    else if (isSeq(node) && typeof segment === "number") node = (node.items[segment] as Node | undefined) ?? node;
  }
  return node;
}

class ValuesReader {
  readonly diagnostics: Diagnostic[] = [];

  constructor(private readonly source: YamlSource) {}

  fail(path: Array<string | number>, message: string, expected: string, suggestion?: string): void {
    this.diagnostics.push({
      severity: "error",
      position: positionOf(this.source, nodeFor(this.source.document?.contents, path)),
      message,
      expected,
      ...(suggestion ? { suggestion } : {}),
    });
  }

  indicatorValues(list: unknown[], path: Array<string | number>): SliResult[] {
    const results: SliResult[] = [];
    list.forEach((entry, index) => {
      const at = [...path, index];
      if (!isObject(entry) || typeof entry.metric !== "string") {
        this.fail(at, "an indicator value needs a metric name", '{"metric": "<sli>", "value": <number>, "success": true}');
        return;
      }
      // Keptn decodes a missing success as Go's zero value: a failed SLI, never a silent pass.
      const success = entry.success === undefined ? false : entry.success;
      if (typeof success !== "boolean") {
        this.fail([...at, "success"], `success of ${entry.metric} is not true or false`, "true or false");
        return;
      }
      const value = entry.value ?? 0;
      if (typeof value !== "number" || (success && !Number.isFinite(value))) {
        this.fail(
          [...at, "value"],
          `value of ${entry.metric} is not a finite number`,
          "a number",
          "Use success: false with a message for a value that could not be measured",
        );
        return;
      }
      const message =
        typeof entry.message === "string" && entry.message !== ""
          ? entry.message
          : entry.success === undefined
            ? 'no "success" in the indicator value: Keptn reads that as false'
            : "";
      // A provider's compared value is kept, as Keptn kept it, also on a failed SLI.
      const compared = typeof entry.comparedValue === "number" ? { comparedValue: entry.comparedValue } : {};
      results.push({ metric: entry.metric, value, success, message, ...compared });
    });
    return results;
  }

  valueMap(map: Json): SliResult[] {
    const results: SliResult[] = [];
    for (const [metric, value] of Object.entries(map)) {
      if (value === null) {
        results.push({ metric, value: 0, success: false, message: "no value (null) in the SLI values file" });
      } else if (typeof value === "number" && Number.isFinite(value)) {
        results.push({ metric, value, success: true, message: "" });
      } else {
        this.fail([metric], `value of ${metric} is not a number`, "a finite number, or null for a value that could not be measured");
      }
    }
    return results;
  }
}

/** Keptn's get-sli.finished labels, plus its project, stage and service, as gate labels. */
function keptnLabels(data: Json): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const key of ["project", "stage", "service"]) if (typeof data[key] === "string") labels[key] = data[key] as string;
  if (isObject(data.labels)) for (const [key, value] of Object.entries(data.labels)) if (typeof value === "string") labels[key] = value;
  return labels;
}

/**
 * JSON is read strictly (YAML, which gives us positions, would also take trailing commas and
 * comments); a syntax error points at the offset JSON.parse names.
 */
function rejectInvalidJson(text: string, file: string): void {
  try {
    JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = Number(/position (\d+)/.exec(message)?.[1] ?? text.length);
    const before = text.slice(0, offset).split("\n");
    throw new ConfigError([
      {
        severity: "error",
        position: { file, line: before.length, column: (before.at(-1)?.length ?? 0) + 1 },
        message: `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, "")}`,
        expected: FORMS,
        ...(/,\s*[}\]]/.test(text) ? { suggestion: "JSON allows no comma after the last entry" } : {}),
      },
    ]);
  }
}

/**
 * Reads SLI values from JSON in the forms the CLI contract names: a plain map, Keptn's
 * indicatorValues list, or a whole get-sli.finished `data` object (also inside its CloudEvent).
 */
export function parseSliValues(text: string, file: string): SliAnswer {
  rejectInvalidJson(text, file);
  const source = parseYamlSource(text, file);
  const reader = new ValuesReader(source);
  if (source.diagnostics.some((d) => d.severity === "error")) throw new ConfigError(source.diagnostics);
  const value: unknown = source.document?.toJS() ?? null;
  let answer: SliAnswer | null = null;
  if (Array.isArray(value)) {
    answer = { status: "succeeded", result: "pass", message: "", indicatorValues: reader.indicatorValues(value, []) };
  } else if (isObject(value)) {
    const envelope = isObject(value.data) && typeof value.type === "string" ? value.data : null;
    const data = envelope ?? value;
    const prefix = envelope ? ["data"] : [];
    const getSli = data["get-sli"];
    if (isObject(getSli)) {
      const list = Array.isArray(getSli.indicatorValues) ? getSli.indicatorValues : [];
      answer = {
        status: typeof data.status === "string" ? data.status : "succeeded",
        result: typeof data.result === "string" ? data.result : "pass",
        message: typeof data.message === "string" ? data.message : "",
        indicatorValues: reader.indicatorValues(list, [...prefix, "get-sli", "indicatorValues"]),
        labels: keptnLabels(data),
        window: {
          ...(typeof getSli.start === "string" ? { start: getSli.start } : {}),
          ...(typeof getSli.end === "string" ? { end: getSli.end } : {}),
        },
      };
    } else if (Array.isArray(data.indicatorValues)) {
      answer = {
        status: "succeeded",
        result: "pass",
        message: "",
        indicatorValues: reader.indicatorValues(data.indicatorValues, [...prefix, "indicatorValues"]),
      };
    } else {
      answer = { status: "succeeded", result: "pass", message: "", indicatorValues: reader.valueMap(value) };
    }
  } else {
    reader.fail([], "the SLI values file holds no object or list", FORMS);
  }
  if (reader.diagnostics.length > 0 || answer === null) throw new ConfigError(reader.diagnostics);
  return answer;
}
