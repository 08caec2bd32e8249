import type { YamlSource } from "../config/yaml-source.js";
import {
  always,
  and,
  criterionNumber,
  Findings,
  type ImportedGate,
  type ImportedObjective,
  NEGATION,
  negativeThresholds,
  type ObjectiveReport,
} from "./import-result.js";

/**
 * Keptn v2 (the lifecycle toolkit's metrics operator): an AnalysisDefinition, its
 * AnalysisValueTemplates and KeptnMetricsProviders, as Keptn v1 slo.yaml and sli.yaml.
 *
 * An Analysis target says when an objective FAILS (or warns), checked in that order; Keptn's
 * slo.yaml says when it passes (or warns). So pass is "neither the failure nor the warning
 * condition", warning is "not the failure condition", each written as OR-of-AND criteria blocks.
 */

const API_VERSIONS = ["metrics.keptn.sh/v1", "metrics.keptn.sh/v1beta1", "metrics.keptn.sh/v1alpha3", "metrics.keptn.sh/v1alpha2"];
const OPERATORS = ["lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual", "equalTo", "inRange", "notInRange"] as const;
type OperatorName = (typeof OPERATORS)[number];
const COMPARISON: Record<string, string> = { lessThan: "<", lessThanOrEqual: "<=", greaterThan: ">", greaterThanOrEqual: ">=" };

const DECIMAL_SUFFIX: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const BINARY_SUFFIX: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };

/** A Kubernetes quantity (`600`, `500m`, `30M`, `1Ki`, `1e3`) as a number, or undefined. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const match = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE]))?$/.exec(value.trim());
  if (!match) return undefined;
  const base = Number(match[1]);
  if (match[2]) return Number(`${match[1]}${match[2]}`);
  if (match[3]) return base * (BINARY_SUFFIX[match[3]] ?? 1);
  return base * (DECIMAL_SUFFIX[match[4] ?? ""] ?? 1);
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

interface Document {
  source: YamlSource;
  value: Json;
  kind: string;
  name: string;
}

/** The condition under which an operator holds, negated, as OR-of-AND criteria. */
function negated(operator: OperatorName, spec: Json, at: (string | number)[], findings: Findings): string[][] | null {
  const quantity = (key: string) => {
    const parsed = parseQuantity(spec[key]);
    if (parsed === undefined) {
      findings.error([...at, key], `${key} is not a quantity`, 'a number or a Kubernetes quantity such as 600, "500m" or "1Ki"');
    }
    return parsed;
  };
  if (operator === "inRange" || operator === "notInRange") {
    const low = quantity("lowBound");
    const high = quantity("highBound");
    if (low === undefined || high === undefined) return null;
    if (!(low < high)) {
      findings.error(at, "lowBound is not below highBound", "lowBound < highBound, as Keptn's admission webhook requires");
      return null;
    }
    const [l, h] = [criterionNumber(low), criterionNumber(high)];
    return operator === "inRange" ? [[`<${l}`], [`>${h}`]] : [[`>=${l}`, `<=${h}`]];
  }
  const value = quantity("fixedValue");
  if (value === undefined) return null;
  const n = criterionNumber(value);
  if (operator === "equalTo") return [[`<${n}`], [`>${n}`]];
  return [[`${NEGATION[COMPARISON[operator] as string]}${n}`]];
}

/** One failure or warning target: exactly one operator. */
function targetCondition(target: unknown, at: (string | number)[], findings: Findings): { notMet: string[][]; threshold: number } | null {
  if (target === undefined || target === null) return null;
  if (!isObject(target)) {
    findings.error(at, "the target is not a mapping", `one of ${OPERATORS.join(", ")}`);
    return null;
  }
  const given = Object.keys(target);
  const known = given.filter((key): key is OperatorName => (OPERATORS as readonly string[]).includes(key));
  if (known.length !== 1 || given.length !== 1) {
    findings.error(at, `a target needs exactly one operator, not ${given.length === 0 ? "none" : given.join(", ")}`, OPERATORS.join(", "));
    return null;
  }
  const operator = known[0] as OperatorName;
  const spec = target[operator];
  if (!isObject(spec)) {
    findings.error(
      [...at, operator],
      `${operator} is not a mapping`,
      operator.endsWith("Range") ? "{lowBound, highBound}" : "{fixedValue}",
    );
    return null;
  }
  const notMet = negated(operator, spec, [...at, operator], findings);
  const threshold = parseQuantity(spec.fixedValue ?? spec.lowBound) ?? 0;
  return notMet ? { notMet, threshold } : null;
}

function readDocuments(sources: readonly YamlSource[]): { documents: Document[]; findings: Findings[] } {
  const documents: Document[] = [];
  const findings: Findings[] = [];
  for (const source of sources) {
    const found = new Findings(source);
    findings.push(found);
    found.diagnostics.push(...source.diagnostics.filter((d) => d.severity === "error"));
    if (found.diagnostics.length > 0) continue;
    const value = source.document?.toJS() as unknown;
    if (!isObject(value)) {
      found.error([], "this document is not a Kubernetes resource", "apiVersion, kind, metadata and spec");
      continue;
    }
    if (typeof value.apiVersion !== "string" || !API_VERSIONS.includes(value.apiVersion)) {
      found.error(["apiVersion"], `apiVersion ${JSON.stringify(value.apiVersion)} is not the metrics operator's`, API_VERSIONS.join(", "));
      continue;
    }
    const name = isObject(value.metadata) && typeof value.metadata.name === "string" ? value.metadata.name : "";
    if (!name) found.error(["metadata"], "the resource has no metadata.name", "metadata: {name: …}");
    documents.push({ source, value, kind: String(value.kind ?? ""), name });
  }
  return { documents, findings };
}

/** Placeholders of a template query (`{{.service}}`) as sli.yaml's (`$SERVICE`, `$LABEL.<arg>`). */
function keptnPlaceholders(query: string, args: Set<string>): string {
  return query.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, key: string) => {
    const upper = key.toUpperCase();
    if (["PROJECT", "STAGE", "SERVICE", "DEPLOYMENT"].includes(upper)) return `$${upper}`;
    args.add(key);
    return `$LABEL.${key}`;
  });
}

/** The sli.yaml query for an AnalysisValueTemplate's query on a provider type, and what that changes. */
function sliQuery(type: string | null, query: string): { query: string; note: string | null; provider: string | null } | null {
  switch (type) {
    case "prometheus":
    case "thanos":
    case "cortex":
      return {
        query,
        provider: "prometheus",
        note: "the Analysis took the first sample of a range query; slogate's Prometheus provider evaluates the query over the window",
      };
    case "dynatrace":
      return {
        query: `metricSelector=${query}`,
        provider: "dynatrace",
        note: "the Analysis averaged every data point; slogate asks Dynatrace for one value over the window (resolution=Inf)",
      };
    case "dql":
      return { query: `DQL;${query}`, provider: "dynatrace", note: null };
    default:
      return null;
  }
}

/** Imports an AnalysisDefinition with the value templates and providers given beside it. */
export function importKeptnAnalysis(sources: readonly YamlSource[]): ImportedGate {
  const { documents, findings } = readDocuments(sources);
  for (const found of findings) found.check();
  const definitions = documents.filter((document) => document.kind === "AnalysisDefinition");
  if (definitions.length !== 1) {
    const first = findings[0] as Findings;
    first.error(
      [],
      `${definitions.length === 0 ? "no" : definitions.length} AnalysisDefinition${definitions.length === 1 ? "" : "s"} among the files`,
      "exactly one AnalysisDefinition, with its AnalysisValueTemplates (and KeptnMetricsProviders) beside it",
    );
    first.check();
  }
  const definition = definitions[0] as Document;
  const found = findings[sources.indexOf(definition.source)] as Findings;
  const templates = new Map(documents.filter((d) => d.kind === "AnalysisValueTemplate").map((d) => [d.name, d.value] as const));
  const providers = new Map(documents.filter((d) => d.kind === "KeptnMetricsProvider").map((d) => [d.name, d.value] as const));
  const spec = isObject(definition.value.spec) ? definition.value.spec : {};
  const objectives = Array.isArray(spec.objectives) ? spec.objectives : [];
  const total = isObject(spec.totalScore) ? spec.totalScore : null;
  if (!total || typeof total.passPercentage !== "number" || typeof total.warningPercentage !== "number") {
    found.error(["spec", "totalScore"], "the definition has no totalScore", "totalScore: {passPercentage: 90, warningPercentage: 75}");
  }
  const imported: ImportedObjective[] = [];
  const indicators: Record<string, string> = {};
  const reports: ObjectiveReport[] = [];
  const args = new Set<string>();
  const routes = new Map<string, string>();
  const urls = new Map<string, string>();
  for (const [index, raw] of objectives.entries()) {
    const at = ["spec", "objectives", index];
    if (!isObject(raw) || !isObject(raw.analysisValueTemplateRef) || typeof raw.analysisValueTemplateRef.name !== "string") {
      found.error(at, "the objective has no analysisValueTemplateRef.name", "analysisValueTemplateRef: {name: <AnalysisValueTemplate>}");
      continue;
    }
    const sli = raw.analysisValueTemplateRef.name;
    const target = isObject(raw.target) ? raw.target : {};
    const failure = targetCondition(target.failure, [...at, "target", "failure"], found);
    const warning = targetCondition(target.warning, [...at, "target", "warning"], found);
    const weight = raw.weight === undefined ? 1 : Number(raw.weight);
    const notes: string[] = [];
    let fidelity: ObjectiveReport["fidelity"] = "exact";
    // Fail first, then warn, else pass: pass = ¬F ∧ ¬W; warning = ¬F (always, without F).
    const pass = failure && warning ? and(failure.notMet, warning.notMet) : ((failure ?? warning)?.notMet ?? always(0));
    const warningBlocks = warning ? (failure ? failure.notMet : always(warning.threshold)) : null;
    if (!failure && !warning) notes.push("no target: the Analysis always passes it, so every value passes here too");
    if (weight === 0) {
      fidelity = "approximated";
      notes.push("weight 0: Keptn's slo.yaml reads it as 1 (the Analysis scored it 0, and a key objective of weight 0 always failed)");
    }
    const template = templates.get(sli);
    if (!template) {
      fidelity = "not expressed";
      notes.push(`no AnalysisValueTemplate ${JSON.stringify(sli)} given: sli.yaml has no query for it`);
    } else {
      const templateSpec = isObject(template.spec) ? template.spec : {};
      const providerName =
        isObject(templateSpec.provider) && typeof templateSpec.provider.name === "string" ? templateSpec.provider.name : "";
      const provider = providers.get(providerName);
      const providerSpec = provider && isObject(provider.spec) ? provider.spec : null;
      const type = typeof providerSpec?.type === "string" ? providerSpec.type : null;
      const mapped = sliQuery(type, keptnPlaceholders(String(templateSpec.query ?? ""), args));
      if (!mapped) {
        fidelity = "not expressed";
        notes.push(
          type === null
            ? `its provider ${JSON.stringify(providerName)} was not given (a KeptnMetricsProvider tells its type): the query is kept as written`
            : `its provider type ${type} has no slogate SLI provider: the query is kept as written`,
        );
        indicators[sli] = String(templateSpec.query ?? "");
      } else {
        indicators[sli] = mapped.query;
        if (mapped.note) {
          if (fidelity === "exact") fidelity = "approximated";
          notes.push(mapped.note);
        }
        if (mapped.provider) {
          routes.set(sli, mapped.provider);
          if (typeof providerSpec?.targetServer === "string") urls.set(mapped.provider, providerSpec.targetServer);
        }
      }
    }
    const negative = [...negativeThresholds(pass), ...negativeThresholds(warningBlocks)];
    if (negative.length > 0) {
      fidelity = "not expressed";
      notes.push(
        `a negative threshold (${[...new Set(negative)].join(", ")}) reads as a relative criterion in Keptn's slo.yaml: check this objective by hand`,
      );
    }
    imported.push({
      sli,
      displayName: sli,
      pass,
      warning: warningBlocks,
      weight: weight === 0 ? 1 : weight,
      key: raw.keyObjective === true,
    });
    reports.push({ sli, fidelity, notes });
  }
  found.check();
  // The first provider type is the default; SLIs on another one are routed to it by name.
  const defaultProvider = [...routes.values()][0] ?? null;
  const overrides = Object.fromEntries([...routes].filter(([, provider]) => provider !== defaultProvider));
  const providerConfig = defaultProvider
    ? {
        default: defaultProvider,
        ...Object.fromEntries([...urls].map(([provider, url]) => [provider, { url }])),
        ...(Object.keys(overrides).length > 0 ? { overrides } : {}),
      }
    : null;
  const notes =
    args.size > 0
      ? [`the Analysis' args (${[...args].join(", ")}) are labels now: pass them with --labels ${[...args].map((a) => `${a}=…`).join(",")}`]
      : [];
  return {
    objectives: imported,
    indicators,
    totalScore: { pass: `${total?.passPercentage ?? 90}%`, warning: `${total?.warningPercentage ?? 75}%` },
    providers: providerConfig,
    labels: {},
    reports,
    dropped: [],
    notes,
  };
}
