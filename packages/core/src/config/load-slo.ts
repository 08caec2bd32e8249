import { isMap, isScalar, isSeq, type Node } from "yaml";
import { parseCriteria } from "../engine/criteria.js";
import { parsePercentage } from "../engine/score.js";
import type { Comparison, CriteriaBlock, Objective, Slo } from "../engine/types.js";
import { SlogateError } from "../errors.js";
import { type Diagnostic, hasErrors } from "./diagnostics.js";
import { displayPath, schemaDiagnostics } from "./schema-diagnostics.js";
import {
  documentPart,
  emptyDiagnostic,
  type PathSegment,
  parseYamlSource,
  positionOf,
  scalarText,
  type YamlSource,
} from "./yaml-source.js";

export interface SloReading {
  /** The SLO with Keptn's defaults applied; null when the file cannot be read as an SLO at all. */
  slo: Slo | null;
  diagnostics: Diagnostic[];
  /** Base64 of the raw file text, for Keptn's `sloFileContent`. */
  sloFileContent: string;
}

/** Keptn's defaults when the whole comparison block is missing. */
export const DEFAULT_COMPARISON: Comparison = {
  compare_with: "single_result",
  include_result_with_score: "all",
  number_of_comparison_results: 1,
  aggregate_function: "avg",
};

// Go's yaml decoder still reads YAML 1.1 words into a bool field; anything else there is false.
const GO_YAML_TRUE = new Set(["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"]);

function child(node: unknown, key: string): Node | null {
  if (!isMap(node)) return null;
  const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
  const value = pair?.value as Node | null | undefined;
  if (value === undefined || value === null) return null;
  if (isScalar(value) && value.value === null) return null;
  return value;
}

function integerOf(node: Node | null): number {
  return isScalar(node) && typeof node.value === "number" ? node.value : 0;
}

function booleanOf(node: Node | null): boolean {
  if (!isScalar(node)) return false;
  if (typeof node.value === "boolean") return node.value;
  return node.type === "PLAIN" && GO_YAML_TRUE.has(String(node.value));
}

function criteriaBlocks(node: Node | null): CriteriaBlock[] | null {
  if (!isSeq(node)) return null;
  return node.items.map((block) => {
    const list = child(block, "criteria");
    return { criteria: isSeq(list) ? list.items.map((item) => scalarText(item) ?? "") : [] };
  });
}

/** Keptn's `parseSLO`: builds the model from the YAML nodes and applies the defaults. */
function buildSlo(root: unknown): Slo {
  const comparisonNode = child(root, "comparison");
  let comparison = DEFAULT_COMPARISON;
  if (comparisonNode) {
    comparison = {
      compare_with: scalarText(child(comparisonNode, "compare_with")) ?? "",
      include_result_with_score: scalarText(child(comparisonNode, "include_result_with_score")) || "all",
      number_of_comparison_results: integerOf(child(comparisonNode, "number_of_comparison_results")) || 3,
      aggregate_function: scalarText(child(comparisonNode, "aggregate_function")) || "avg",
    };
  }
  const filterNode = child(root, "filter");
  let filter: Record<string, string> | null = null;
  if (isMap(filterNode)) {
    filter = {};
    for (const pair of filterNode.items) filter[scalarText(pair.key) ?? ""] = scalarText(pair.value) ?? "";
  }
  const objectivesNode = child(root, "objectives");
  const objectives: Objective[] = [];
  if (isSeq(objectivesNode)) {
    for (const item of objectivesNode.items) {
      if (!isMap(item)) continue; // null entries are valid Keptn and dropped
      objectives.push({
        sli: scalarText(child(item, "sli")) ?? "",
        displayName: scalarText(child(item, "displayName")) ?? "",
        pass: criteriaBlocks(child(item, "pass")),
        warning: criteriaBlocks(child(item, "warning")),
        weight: integerOf(child(item, "weight")) || 1,
        key_sli: booleanOf(child(item, "key_sli")),
      });
    }
  }
  const totalNode = child(root, "total_score");
  const total_score = totalNode
    ? { pass: scalarText(child(totalNode, "pass")) ?? "", warning: scalarText(child(totalNode, "warning")) ?? "" }
    : null;
  return { spec_version: scalarText(child(root, "spec_version")) ?? "", filter, comparison, objectives, total_score };
}

const CRITERIA_EXPECTED =
  'an operator (<, <=, =, >=, >) and a number: "<600" is absolute; "<=+10%", "<=10%" or ">-5" compare with previous results';

function suggestCriteria(text: string): string | undefined {
  const compact = text.replaceAll(/\s/g, "");
  if (/^[+-]?\d*\.?\d+%?$/.test(compact)) return `Add an operator, e.g. "=${compact}" or "<=${compact}"`;
  if (/^==/.test(compact)) return `Use a single "=": "${compact.slice(1)}"`;
  if (/^=</.test(compact)) return `Write the operator as "<=": "<=${compact.slice(2)}"`;
  if (/^=>/.test(compact)) return `Write the operator as ">=": ">=${compact.slice(2)}"`;
  if (/^(<=|>=|<|>|=)[+-]?\d*\.?\d+[a-zA-Z]+%?$/.test(compact)) {
    return `Leave out the unit: "${compact.replace(/[a-zA-Z]+(?=%?$)/, "")}"`;
  }
  if (/\t/.test(text)) return "Remove the tab characters (Keptn removes only spaces)";
  return undefined;
}

function criteriaDiagnostics(source: YamlSource, root: unknown, basePath: readonly PathSegment[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const objectivesNode = child(root, "objectives");
  if (!isSeq(objectivesNode)) return diagnostics;
  objectivesNode.items.forEach((item, objectiveIndex) => {
    for (const list of ["pass", "warning"] as const) {
      const blocks = child(item, list);
      if (!isSeq(blocks)) continue;
      blocks.items.forEach((block, blockIndex) => {
        const criteria = child(block, "criteria");
        if (!isSeq(criteria) || criteria.items.length === 0) {
          // Keptn ANDs the criteria of a block: none at all is a block that always holds.
          diagnostics.push({
            severity: "warning",
            position: positionOf(source, (isSeq(criteria) ? criteria : block) as Node),
            message: `${displayPath([...basePath, "objectives", objectiveIndex, list, blockIndex])} has no criteria: Keptn counts such a block as always met, and so does slogate`,
            expected: 'a list of criteria, e.g. criteria: ["<600"]',
            suggestion: `Add criteria, or remove the empty ${list} block`,
          });
          return;
        }
        criteria.items.forEach((criterionNode, criterionIndex) => {
          const text = scalarText(criterionNode) ?? "";
          try {
            const parsed = parseCriteria(text);
            if (parsed.checkPercentage && !/[+-]/.test(text) && parsed.operator !== "=" && parsed.value !== 0) {
              // "<=1%" reads as an absolute 1% to people, but Keptn compares it with earlier results.
              diagnostics.push({
                severity: "warning",
                position: positionOf(source, criterionNode as Node),
                message: `criterion ${JSON.stringify(text)} has no sign: Keptn reads any % as relative to earlier results (at most ${parsed.value}% above them), not as an absolute ${parsed.value}%`,
                expected: `"<=+${parsed.value}%" for a change, or an absolute value in the SLI's unit (e.g. "<=${parsed.value / 100}" for a ratio)`,
                suggestion: `Write "${text.replace(/^([<>=]+)/, "$1+")}" to say it is a change`,
              });
            }
          } catch (error) {
            if (!(error instanceof SlogateError)) throw error;
            const suggestion = suggestCriteria(text);
            const path = [...basePath, "objectives", objectiveIndex, list, blockIndex, "criteria", criterionIndex];
            diagnostics.push({
              severity: "error",
              position: positionOf(source, criterionNode as Node),
              message: `criterion ${JSON.stringify(text)} of SLI ${JSON.stringify(scalarText(child(item, "sli")) ?? "")} (${displayPath(path)}) cannot be read: ${error.message}`,
              expected: CRITERIA_EXPECTED,
              ...(suggestion ? { suggestion } : {}),
            });
          }
        });
      });
    }
  });
  return diagnostics;
}

function scoreDiagnostics(source: YamlSource, root: unknown, slo: Slo, rootNode: Node | null): Diagnostic[] {
  const totalNode = child(root, "total_score");
  if (!slo.total_score || slo.total_score.pass === "") {
    return [
      {
        severity: "error",
        position: positionOf(source, totalNode ?? rootNode),
        message: "no total_score.pass: Keptn cannot decide a result without a target score",
        expected: 'total_score with pass (and optionally warning) percentages, e.g. pass: "90%"',
        suggestion: 'Add:\n  total_score:\n    pass: "90%"\n    warning: "75%"',
      },
    ];
  }
  const diagnostics: Diagnostic[] = [];
  for (const key of ["pass", "warning"] as const) {
    const text = slo.total_score[key];
    if (text === "" || parsePercentage(text) !== undefined) continue;
    diagnostics.push({
      severity: "error",
      position: positionOf(source, child(totalNode, key)),
      message: `total_score.${key} ${JSON.stringify(text)} is not a percentage`,
      expected: 'a number with an optional trailing %, e.g. "90%" (no spaces)',
      ...(/\s/.test(text) ? { suggestion: `Remove the spaces: "${text.replaceAll(/\s/g, "")}"` } : {}),
    });
  }
  return diagnostics;
}

/** The aggregate functions Keptn knows; any other one makes it compare with 0. */
const AGGREGATE_FUNCTIONS = new Set(["avg", "p50", "p90", "p95"]);

function comparisonDiagnostics(source: YamlSource, root: unknown, slo: Slo): Diagnostic[] {
  const { comparison } = slo;
  if (!AGGREGATE_FUNCTIONS.has(comparison.aggregate_function)) {
    return [
      {
        severity: "warning",
        position: positionOf(source, child(child(root, "comparison"), "aggregate_function")),
        message: `aggregate_function ${JSON.stringify(comparison.aggregate_function)} is not one Keptn knows: relative criteria compare with 0, as Keptn did`,
        expected: "avg, p50, p90 or p95",
        suggestion: "Use avg, p50, p90 or p95",
      },
    ];
  }
  if (comparison.compare_with === "several_results" && comparison.number_of_comparison_results < 1) {
    const node = child(child(root, "comparison"), "number_of_comparison_results");
    return [
      {
        severity: "error",
        position: positionOf(source, node),
        message: `number_of_comparison_results is ${comparison.number_of_comparison_results}`,
        expected: "a whole number of at least 1",
      },
    ];
  }
  return [];
}

/**
 * Reads a Keptn slo.yaml (or an SLO nested at `basePath` in another file). Never throws for a
 * user mistake: every problem is a positioned diagnostic, and the SLO is still built when only
 * criteria or scores are wrong, so Keptn's own outcome for it can be reported.
 */
export function readSlo(source: YamlSource, basePath: readonly PathSegment[] = []): SloReading {
  const diagnostics = [...source.diagnostics];
  if (hasErrors(diagnostics)) return { slo: null, diagnostics, sloFileContent: "" };
  const { root: rootNode, value } = documentPart(source, basePath);
  // Keptn reports the raw file; an SLO inline in slogate.yaml is reported as its own YAML text.
  const sloText = basePath.length === 0 ? source.text : String(rootNode ?? "");
  const sloFileContent = source.document ? Buffer.from(sloText, "utf8").toString("base64") : "";
  if (value === null) {
    diagnostics.push(
      emptyDiagnostic(source, rootNode, "the SLO", "objectives and total_score", "See examples/slo.yaml for a complete SLO"),
    );
    return { slo: null, diagnostics, sloFileContent };
  }
  diagnostics.push(...schemaDiagnostics(source, "slo", value, { unknownKey: "warning", basePath }));
  if (hasErrors(diagnostics)) return { slo: null, diagnostics, sloFileContent };
  const slo = buildSlo(rootNode);
  diagnostics.push(...criteriaDiagnostics(source, rootNode, basePath));
  diagnostics.push(...scoreDiagnostics(source, rootNode, slo, rootNode));
  diagnostics.push(...comparisonDiagnostics(source, rootNode, slo));
  return { slo, diagnostics, sloFileContent };
}

export function readSloText(text: string, file: string): SloReading {
  return readSlo(parseYamlSource(text, file));
}
