import type { ErrorObject } from "ajv";
import type { Diagnostic, Severity } from "./diagnostics.js";
import { knownKeysAt, type SchemaName, validateAgainst } from "./schemas.js";
import { nearestKey } from "./suggest.js";
import { keyNodeAt, type PathSegment, positionOf, positionOfPath, type YamlSource } from "./yaml-source.js";

export interface SchemaCheckOptions {
  /** How a key that is neither known nor a likely misspelling is reported. */
  unknownKey: Severity;
  /** Prefix for paths when the document is nested in another (an inline SLO in slogate.yaml). */
  basePath?: readonly PathSegment[];
}

function pathOf(instancePath: string): PathSegment[] {
  if (instancePath === "") return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

export function displayPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return "the document";
  return path.map((segment, index) => (typeof segment === "number" ? `[${segment}]` : index === 0 ? segment : `.${segment}`)).join("");
}

const TYPE_WORDS: Record<string, string> = {
  integer: "a whole number",
  number: "a number",
  string: "a string",
  boolean: "true or false",
  object: "a mapping (key: value lines)",
  array: "a list (lines starting with '- ')",
  null: "nothing",
};

function describeTypes(type: unknown): string {
  const types = (Array.isArray(type) ? type : [type]).filter((t) => t !== "null").map((t) => TYPE_WORDS[String(t)] ?? String(t));
  return types.join(" or ");
}

/**
 * Checks a parsed document against one of the shipped schemas and turns ajv's findings into
 * positioned diagnostics: unknown keys get the nearest known key as a suggestion, type errors say
 * which type was expected.
 */
export function schemaDiagnostics(source: YamlSource, name: SchemaName, value: unknown, options: SchemaCheckOptions): Diagnostic[] {
  const base = options.basePath ?? [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const errors = validateAgainst(name, value);
  // oneOf/anyOf/if wrappers repeat what their branches said more precisely.
  const specific = errors.filter((error) => !["oneOf", "anyOf", "if"].includes(error.keyword));
  for (const error of specific.length > 0 ? specific : errors) {
    const path = [...base, ...pathOf(error.instancePath)];
    const diagnostic = toDiagnostic(source, name, error, path, options);
    const key = `${diagnostic.position.line}:${diagnostic.position.column}:${diagnostic.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push(diagnostic);
  }
  return diagnostics;
}

function toDiagnostic(
  source: YamlSource,
  name: SchemaName,
  error: ErrorObject,
  path: PathSegment[],
  options: SchemaCheckOptions,
): Diagnostic {
  const where = displayPath(path);
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const known = knownKeysAt(name, error.schemaPath);
      const near = nearestKey(key, known);
      const position = positionOf(source, keyNodeAt(source, path, key));
      const inside = path.length === 0 ? "at the top level" : `in ${where}`;
      if (near) {
        return {
          severity: "error",
          position,
          message: `unknown key "${key}" ${inside}`,
          expected: `one of ${known.join(", ")}`,
          suggestion: `Did you mean "${near}"?`,
        };
      }
      return {
        severity: options.unknownKey,
        position,
        message: `unknown key "${key}" ${inside}${options.unknownKey === "warning" ? " is ignored" : ""}`,
        expected: `one of ${known.join(", ")}`,
        suggestion: options.unknownKey === "warning" ? "Remove it if it is not meant for another tool" : "Remove it or correct its name",
      };
    }
    case "required": {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      return {
        severity: "error",
        position: positionOfPath(source, path),
        message: `${where} has no "${missing}"`,
        expected: `a "${missing}" key`,
        suggestion: `Add "${missing}:"`,
      };
    }
    case "type":
      return {
        severity: "error",
        position: positionOfPath(source, path),
        message: `${where} has the wrong type`,
        expected: describeTypes((error.params as { type: unknown }).type),
        ...(path.at(-1) === "weight" ? { suggestion: "Keptn weights are whole numbers; use 1, 2, 3…" } : {}),
      };
    case "enum":
    case "const": {
      const allowed = (error.params as { allowedValues?: unknown[]; allowedValue?: unknown }).allowedValues ?? [
        (error.params as { allowedValue?: unknown }).allowedValue,
      ];
      return {
        severity: "error",
        position: positionOfPath(source, path),
        message: `${where} has a value slogate does not know`,
        expected: `one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}`,
      };
    }
    case "maximum":
    case "minimum":
      return {
        severity: "error",
        position: positionOfPath(source, path),
        message: `${where} is out of range`,
        expected: `a whole number ${error.message ?? ""}`.trim(),
      };
    default:
      return {
        severity: "error",
        position: positionOfPath(source, path),
        message: `${where} ${error.message ?? "is invalid"}`,
      };
  }
}
