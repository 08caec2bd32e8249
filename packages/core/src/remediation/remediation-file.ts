import { ConfigError, type Diagnostic, hasErrors } from "../config/diagnostics.js";
import { readTextFile } from "../config/load-config.js";
import { schemaDiagnostics } from "../config/schema-diagnostics.js";
import { emptyDiagnostic, parseYamlSource, positionOfPath, type YamlSource } from "../config/yaml-source.js";

/** One action of a remediation, as remediation.yaml states it. */
export interface RemediationAction {
  name: string;
  action: string;
  description: string;
  value: unknown;
  /** slogate's own: the command that carries the action out, when the file gives it. */
  command?: string[];
  shell?: boolean;
  timeout?: string;
}

export interface Remediation {
  problemType: string;
  actions: RemediationAction[];
}

export interface RemediationFile {
  file: string;
  remediations: Remediation[];
  diagnostics: Diagnostic[];
}

/** The problem type Keptn falls back to when no entry names the problem. */
export const DEFAULT_PROBLEM_TYPE = "default";

interface RawAction {
  name?: string;
  action: string;
  description?: string;
  value?: unknown;
  command?: string[];
  shell?: boolean;
  timeout?: string;
}

/** Reads Keptn's remediation.yaml (spec.keptn.sh/0.1.4); refuses the file with positioned errors. */
export function readRemediation(source: YamlSource): RemediationFile {
  const diagnostics = [...source.diagnostics];
  const value = source.document?.toJS() as unknown;
  if (!hasErrors(diagnostics) && (value === null || value === undefined)) {
    diagnostics.push(
      emptyDiagnostic(source, null, "the remediation file", "apiVersion: spec.keptn.sh/0.1.4, kind: Remediation, spec.remediations"),
    );
  }
  if (!hasErrors(diagnostics)) {
    const legacy = typeof value === "object" && value !== null && "remediations" in value && !("spec" in value);
    if (legacy) {
      diagnostics.push({
        severity: "error",
        position: positionOfPath(source, ["remediations"]),
        message: "this is Keptn's remediation format before spec 0.1.4 (remediations at the top level)",
        expected: "apiVersion: spec.keptn.sh/0.1.4 with spec.remediations[].problemType and actionsOnOpen",
        suggestion: "Move each entry under spec.remediations: name becomes problemType, actions becomes actionsOnOpen",
      });
    } else diagnostics.push(...schemaDiagnostics(source, "remediation", value, { unknownKey: "warning" }));
  }
  if (hasErrors(diagnostics)) return { file: source.file, remediations: [], diagnostics };
  const spec = (value as { spec: { remediations: Array<{ problemType: string; actionsOnOpen: RawAction[] }> } }).spec;
  const remediations = spec.remediations.map((entry) => ({
    problemType: entry.problemType,
    actions: entry.actionsOnOpen.map((raw) => ({
      name: raw.name ?? raw.action,
      action: raw.action,
      description: raw.description ?? "",
      value: raw.value ?? null,
      ...(raw.command ? { command: raw.command } : {}),
      ...(raw.shell !== undefined ? { shell: raw.shell } : {}),
      ...(raw.timeout !== undefined ? { timeout: raw.timeout } : {}),
    })),
  }));
  return { file: source.file, remediations, diagnostics };
}

/** Reads and checks a remediation.yaml file; a file with errors is refused (exit 2). */
export async function loadRemediation(path: string): Promise<RemediationFile> {
  const reading = readRemediation(parseYamlSource(await readTextFile(path, "remediation file"), path));
  if (hasErrors(reading.diagnostics)) throw new ConfigError(reading.diagnostics);
  return reading;
}

/**
 * The remediation for a problem, by the rule Keptn's remediation-service (0.8.4 and later) used
 * for Dynatrace problems: the first entry whose problemType equals the problem's title exactly
 * (Dynatrace sends no root cause to match first), else the `default` entry.
 */
export function remediationFor(file: RemediationFile, title: string): Remediation | null {
  return (
    file.remediations.find((entry) => entry.problemType === title) ??
    file.remediations.find((entry) => entry.problemType === DEFAULT_PROBLEM_TYPE) ??
    null
  );
}
