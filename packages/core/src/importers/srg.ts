import type { YamlSource } from "../config/yaml-source.js";
import {
  always,
  criterionNumber,
  Findings,
  type ImportedGate,
  type ImportedObjective,
  negativeThresholds,
  type ObjectiveReport,
  sliName,
} from "./import-result.js";

/**
 * A Dynatrace Site Reliability Guardian (settings schema app:dynatrace.site.reliability.guardian:guardians)
 * as Keptn v1 slo.yaml and sli.yaml. The operator says which way is better: LESS_THAN_OR_EQUAL
 * passes at or below the warning line, warns up to the target, fails above; GREATER_THAN_OR_EQUAL
 * the other way round. A DQL objective becomes slogate's `DQL;` query (Grail, a platform token).
 */

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** The guardian in whatever wrapping the export has: a settings object, a list of them, or the value itself. */
function guardianOf(value: unknown): { guardian: Json; path: Array<string | number> } | null {
  if (!isObject(value)) return null;
  if (Array.isArray(value.objectives)) return { guardian: value, path: [] };
  if (isObject(value.value) && Array.isArray(value.value.objectives)) return { guardian: value.value, path: ["value"] };
  if (Array.isArray(value.items) && value.items.length === 1 && isObject(value.items[0]) && isObject(value.items[0].value)) {
    return { guardian: value.items[0].value, path: ["items", 0, "value"] };
  }
  return null;
}

const OPERATORS = { LESS_THAN_OR_EQUAL: "<=", GREATER_THAN_OR_EQUAL: ">=" } as const;

export function importSrg(source: YamlSource): ImportedGate {
  const findings = new Findings(source);
  findings.diagnostics.push(...source.diagnostics.filter((d) => d.severity === "error"));
  findings.check();
  const found = guardianOf(source.document?.toJS());
  if (!found) {
    findings.error(
      [],
      "this is not a Site Reliability Guardian",
      "the guardian ({name, objectives: [...]}) or its settings object ({schemaId, value: {...}})",
    );
    findings.check();
  }
  const { guardian, path } = found as NonNullable<typeof found>;
  const variables = Array.isArray(guardian.variables) ? guardian.variables.filter(isObject) : [];
  const labels: Record<string, string> = {};
  for (const variable of variables) if (typeof variable.name === "string") labels[variable.name] = String(variable.definition ?? "");
  const objectives: ImportedObjective[] = [];
  const indicators: Record<string, string> = {};
  const reports: ObjectiveReport[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of (guardian.objectives as unknown[]).entries()) {
    const at = [...path, "objectives", index];
    if (!isObject(raw) || typeof raw.name !== "string" || raw.name === "") {
      findings.error(at, "the objective has no name", "name: <objective name>");
      continue;
    }
    let sli = sliName(raw.name);
    for (let n = 2; seen.has(sli); n++) sli = `${sliName(raw.name)}_${n}`;
    seen.add(sli);
    const notes: string[] = [];
    let fidelity: ObjectiveReport["fidelity"] = "exact";
    const type = raw.objectiveType ?? "DQL";
    if (type === "DQL") {
      if (typeof raw.dqlQuery !== "string" || raw.dqlQuery.trim() === "") {
        findings.error([...at, "dqlQuery"], "a DQL objective has no dqlQuery", "dqlQuery: fetch … | summarize value = …");
        continue;
      }
      // The guardian's $variables are labels here: same default, given per run with --labels.
      indicators[sli] =
        `DQL;${raw.dqlQuery.replace(/\$([A-Za-z0-9_]+)/g, (whole, name: string) => (name in labels ? `$LABEL.${name}` : whole))}`;
    } else if (type === "REFERENCE_SLO") {
      if (typeof raw.referenceSlo !== "string") {
        findings.error([...at, "referenceSlo"], "a REFERENCE_SLO objective has no referenceSlo", "referenceSlo: func:slo.<key>");
        continue;
      }
      indicators[sli] = `metricSelector=${raw.referenceSlo}`;
      fidelity = "approximated";
      notes.push("the referenced SLO is read as its func:slo metric over the window, not through the SLO's own evaluation");
    } else {
      findings.error([...at, "objectiveType"], `objectiveType ${JSON.stringify(type)} is not one a guardian has`, "DQL or REFERENCE_SLO");
      continue;
    }
    const operatorName = (raw.comparisonOperator ?? "GREATER_THAN_OR_EQUAL") as string;
    const operator = OPERATORS[operatorName as keyof typeof OPERATORS];
    if (!operator) {
      findings.error(
        [...at, "comparisonOperator"],
        `comparisonOperator ${JSON.stringify(operatorName)} is not a guardian's`,
        "LESS_THAN_OR_EQUAL or GREATER_THAN_OR_EQUAL",
      );
      continue;
    }
    const target = typeof raw.target === "number" ? raw.target : null;
    const warning = typeof raw.warning === "number" ? raw.warning : null;
    let pass: string[][] | null = null;
    let warn: string[][] | null = null;
    if (raw.autoAdaptiveThresholdEnabled === true) {
      fidelity = "not expressed";
      notes.push(
        "auto-adaptive thresholds (learnt by Davis from 30 days of validations) have no slo.yaml form: imported as informational; write criteria (e.g. <=+10% against earlier runs) to gate on it",
      );
    } else if (target !== null || warning !== null) {
      // Passing: at or better than the warning line (the target when there is none).
      pass = [[`${operator}${criterionNumber((warning ?? target) as number)}`]];
      if (target !== null && warning !== null) warn = [[`${operator}${criterionNumber(target)}`]];
      else if (target === null && warning !== null) warn = always(warning);
    } else notes.push("no target and no warning: informational, as in the guardian");
    const negative = [...negativeThresholds(pass), ...negativeThresholds(warn)];
    if (negative.length > 0) {
      fidelity = "not expressed";
      notes.push(
        `a negative threshold (${[...new Set(negative)].join(", ")}) reads as a relative criterion in Keptn's slo.yaml: check this objective by hand`,
      );
    }
    if (Array.isArray(raw.segments) && raw.segments.length > 0) {
      fidelity = "not expressed";
      notes.push("its Grail segments have no slo.yaml form: the query runs on all data; add the segment's filter to the DQL");
    }
    if (isObject(raw.displayUnit))
      notes.push(
        `display unit ${String(raw.displayUnit.display ?? "")} dropped: criteria stay in the query's unit, as the guardian's thresholds are`,
      );
    if (Array.isArray(raw.links) && raw.links.length > 0) notes.push("links dropped");
    // A guardian fails when an objective fails: each objective with a target is a key SLI.
    objectives.push({ sli, displayName: raw.name, pass, warning: warn, weight: 1, key: target !== null && fidelity !== "not expressed" });
    reports.push({ sli, fidelity, notes });
  }
  findings.check();
  const dropped: string[] = [];
  if (Array.isArray(guardian.tags) && guardian.tags.length > 0) dropped.push(`the guardian's tags (${guardian.tags.join(", ")})`);
  if (guardian.eventKind !== undefined && guardian.eventKind !== null)
    dropped.push(`eventKind ${String(guardian.eventKind)} (slogate sends its own events)`);
  return {
    objectives,
    indicators,
    // Worst status wins, as a guardian's validation: every objective must pass for pass, none fail for warning.
    totalScore: { pass: "100%", warning: "0%" },
    providers: { default: "dynatrace" },
    labels,
    reports,
    dropped,
    notes: [
      "the guardian's roll-up (the worst objective decides) is written as key SLIs with total_score pass 100% and warning 0%",
      ...(variables.length > 0
        ? [
            `the guardian's variables are labels in slogate.yaml (${variables.map((v) => String(v.name)).join(", ")}); override them per run with --labels`,
          ]
        : []),
    ],
  };
}
