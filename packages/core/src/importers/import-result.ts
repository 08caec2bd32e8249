import { stringify } from "yaml";
import { ConfigError, type Diagnostic } from "../config/diagnostics.js";
import { type PathSegment, positionOfPath, type YamlSource } from "../config/yaml-source.js";

/**
 * What an importer made of objectives written for another tool: Keptn files, and per objective
 * what carried over exactly, what was approximated, and what could not be expressed.
 */

export type Fidelity = "exact" | "approximated" | "not expressed";

export interface ObjectiveReport {
  sli: string;
  fidelity: Fidelity;
  /** What changed or was dropped, in words; empty when exact. */
  notes: string[];
}

export interface ImportedObjective {
  sli: string;
  displayName: string;
  /** OR of AND blocks; null: informational. */
  pass: string[][] | null;
  warning: string[][] | null;
  weight: number;
  key: boolean;
}

export interface ImportedGate {
  objectives: ImportedObjective[];
  indicators: Record<string, string>;
  totalScore: { pass: string; warning: string };
  /** slogate.yaml's providers and labels, when the source says where values come from. */
  providers: Record<string, unknown> | null;
  labels: Record<string, string>;
  reports: ObjectiveReport[];
  /** Things of the whole source that were dropped (not one objective's). */
  dropped: string[];
  /** What a user should know that loses nothing (how a setting is given now). */
  notes: string[];
}

/** True when every objective carried over exactly and nothing was dropped. */
export function lossless(gate: ImportedGate): boolean {
  return gate.dropped.length === 0 && gate.reports.every((report) => report.fidelity === "exact");
}

/** The Keptn files of an imported gate (slogate.yaml only when the source named a provider or labels). */
export function importedFiles(gate: ImportedGate, source: string): Record<string, string> {
  const header = `# Imported from ${source} by slogate import; see the import report for what changed\n`;
  const slo = {
    spec_version: "1.0",
    comparison: { compare_with: "single_result", include_result_with_score: "pass", aggregate_function: "avg" },
    objectives: gate.objectives.map((objective) => ({
      sli: objective.sli,
      displayName: objective.displayName,
      ...(objective.pass ? { pass: objective.pass.map((criteria) => ({ criteria })) } : {}),
      ...(objective.warning ? { warning: objective.warning.map((criteria) => ({ criteria })) } : {}),
      weight: objective.weight,
      key_sli: objective.key,
    })),
    total_score: gate.totalScore,
  };
  const files: Record<string, string> = {
    "slo.yaml": header + stringify(slo),
    "sli.yaml": header + stringify({ spec_version: "1.0", indicators: gate.indicators }),
  };
  if (gate.providers || Object.keys(gate.labels).length > 0) {
    files["slogate.yaml"] =
      header +
      stringify({
        version: 1,
        slo: "slo.yaml",
        sli: "sli.yaml",
        ...(gate.providers ? { providers: gate.providers } : {}),
        ...(Object.keys(gate.labels).length > 0 ? { labels: gate.labels } : {}),
      });
  }
  return files;
}

/** Collects positioned findings in a source file; `fail` throws them all. */
export class Findings {
  readonly diagnostics: Diagnostic[] = [];

  constructor(private readonly source: YamlSource) {}

  error(path: readonly PathSegment[], message: string, expected: string, suggestion?: string): void {
    this.diagnostics.push({
      severity: "error",
      position: positionOfPath(this.source, path),
      message,
      expected,
      ...(suggestion ? { suggestion } : {}),
    });
  }

  /** Throws when anything was found. */
  check(): void {
    if (this.diagnostics.length > 0) throw new ConfigError(this.diagnostics);
  }
}

/** Negated numeric bound: the criterion that holds exactly when `operator value` does not. */
export const NEGATION: Record<string, string> = { "<": ">=", "<=": ">", ">": "<=", ">=": "<" };

/** AND of two OR-of-AND conditions, as OR-of-AND (distributing). */
export function and(a: string[][], b: string[][]): string[][] {
  return a.flatMap((left) => b.map((right) => [...left, ...right]));
}

/** A number as a criterion writes it (no exponent, no trailing zeros). */
export function criterionNumber(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/\.?0+$/, "");
}

/**
 * Criteria a Keptn slo.yaml reads differently from what they say: a leading sign makes a criterion
 * relative, so an absolute threshold below zero (`>=-10`) cannot be written.
 */
export function negativeThresholds(blocks: readonly string[][] | null): string[] {
  return (blocks ?? []).flat().filter((criterion) => /^[<>=]+-/.test(criterion));
}

/** A condition always met by any value (for a warning band that cannot fail). */
export function always(threshold: number): string[][] {
  const n = criterionNumber(threshold);
  return [[`<=${n}`], [`>${n}`]];
}

/** An SLI name as Keptn files like them: lower case, `_` for anything else. */
export function sliName(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, "_")
      .replace(/^_+|_+$/g, "") || "objective"
  );
}
