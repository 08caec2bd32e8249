import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { isMap, type Node } from "yaml";
import type { MissingSliPolicy } from "../engine/evaluate.js";
import { SlogateError } from "../errors.js";
import { type Diagnostic, hasErrors } from "./diagnostics.js";
import { readSli, type SliReading } from "./load-sli.js";
import { readSlo, type SloReading } from "./load-slo.js";
import { schemaDiagnostics } from "./schema-diagnostics.js";
import { parseYamlSource, scalarText, type YamlSource } from "./yaml-source.js";

/** Every SLI provider slogate knows, one file each in src/sli/; the schema's enums must equal it. */
export const PROVIDER_IDS = ["file", "prometheus", "dynatrace", "workload"] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export interface DynatraceSettings {
  url?: string;
  "token-env"?: string;
  "platform-token-env"?: string;
  settle?: string;
  "timeout-ms"?: number;
  concurrency?: number;
}

export interface PrometheusSettings {
  url?: string;
  auth?: { type?: "bearer" | "basic"; "token-env"?: string; username?: string; "password-env"?: string };
  "timeout-ms"?: number;
}

export interface DynatraceEventSettings {
  "entity-selector"?: string;
  "timeout-minutes"?: number;
  required?: boolean;
}

/** Every kind of workload slogate runs, one file each in src/workload/; the schema's enum must equal it. */
export const WORKLOAD_TYPES = ["builtin", "command", "k6", "jmeter"] as const;
export type WorkloadType = (typeof WORKLOAD_TYPES)[number];

/** slogate.yaml's `workload`, with paths made absolute. */
export interface WorkloadSettings {
  type: WorkloadType;
  name?: string;
  timeout?: string;
  "grace-period"?: string;
  target?: string;
  "baseline-target"?: string;
  "fail-fast"?: boolean;
  endpoints?: Array<{ url: string; method?: string; headers?: Record<string, string>; body?: string; weight?: number; name?: string }>;
  vus?: number;
  rate?: number;
  "max-in-flight"?: number;
  duration?: string;
  requests?: number;
  command?: string[];
  shell?: boolean;
  env?: Record<string, string>;
  cwd?: string;
  script?: string;
  plan?: string;
  properties?: Record<string, string>;
  args?: string[];
}

/** A command that carries out one kind of remediation action (scaling, toggle-feature, …). */
export interface RemediationCommand {
  command: string[];
  shell?: boolean;
  timeout?: string;
}

/** slogate.yaml's `remediation`, with the file's path made absolute. */
export interface RemediationSettings {
  file?: string;
  wait?: string;
  actions: Record<string, RemediationCommand>;
}

/** slogate.yaml's `synthetic`: the HTTP monitor that checks each deployment. */
export interface SyntheticSettings {
  locations?: string[];
  retention?: "keep" | "delete";
  timeout?: string;
  "frequency-min"?: number;
}

/** slogate.yaml, resolved: paths made absolute, inline documents read. */
export interface SlogateConfig {
  file: string;
  slo: SloReading & { file: string };
  sli: (SliReading & { file: string }) | null;
  labels: Record<string, string>;
  providers: {
    default: ProviderId | null;
    file: { path: string } | null;
    prometheus: PrometheusSettings | null;
    dynatrace: DynatraceSettings | null;
    overrides: Record<string, ProviderId>;
  };
  history: { type: "file"; path: string; store: boolean } | null;
  evaluation: {
    missingSli: MissingSliPolicy | null;
    warningExitCode: number | null;
    comparison: "keptn" | "statistical" | null;
    statistics: { alpha?: number; inconclusive?: "warning" | "fail"; "min-runs"?: number } | null;
  };
  events: { dynatrace: DynatraceEventSettings | null };
  workload: WorkloadSettings | null;
  remediation: RemediationSettings | null;
  synthetic: SyntheticSettings | null;
  /** Problems of slogate.yaml itself; the SLO's and SLI's own are in `slo` and `sli`. */
  diagnostics: Diagnostic[];
}

/** Every diagnostic of a configuration and the files it names, each once, in file order. */
export function allDiagnostics(config: SlogateConfig): Diagnostic[] {
  const all = [...config.diagnostics, ...config.slo.diagnostics, ...(config.sli?.diagnostics ?? [])];
  return all.filter((diagnostic, index) => all.indexOf(diagnostic) === index);
}

export async function readTextFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SlogateError(
      "INVALID_INPUT",
      `cannot read ${what} ${path}: ${code === "ENOENT" ? "no such file" : (code ?? (error as Error).message)}`,
      {
        cause: error,
        suggestion: code === "ENOENT" ? "Check the path; relative paths in slogate.yaml are relative to that file" : undefined,
      },
    );
  }
}

/** Reads a Keptn slo.yaml from disk. */
export async function loadSloFile(path: string): Promise<SloReading & { file: string }> {
  const text = await readTextFile(path, "SLO file");
  return { ...readSlo(parseYamlSource(text, path)), file: path };
}

export async function loadSliFile(path: string): Promise<SliReading & { file: string }> {
  const text = await readTextFile(path, "SLI file");
  return { ...readSli(parseYamlSource(text, path)), file: path };
}

function child(source: YamlSource, key: string): Node | null {
  const root = source.document?.contents;
  return isMap(root) ? ((root.get(key, true) as Node | undefined) ?? null) : null;
}

/**
 * Reads slogate.yaml. Unlike Keptn's files, every unknown key here is an error: this format is
 * ours, so an unknown key is a mistake, not someone else's extension.
 */
export async function loadConfigFile(path: string): Promise<SlogateConfig> {
  const text = await readTextFile(path, "configuration");
  const source = parseYamlSource(text, path);
  const diagnostics = [...source.diagnostics];
  const raw = hasErrors(diagnostics) ? null : (source.document?.toJS() ?? null);
  const directory = dirname(path);
  const emptySlo = { slo: null, diagnostics: [], sloFileContent: "", file: path };
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    if (!hasErrors(diagnostics)) {
      diagnostics.push({
        severity: "error",
        position: { file: path, line: 1, column: 1 },
        message: "slogate.yaml holds no settings",
        expected: "a mapping with at least `version: 1` and `slo:`",
      });
    }
    return emptyConfig(path, emptySlo, diagnostics);
  }
  const value = raw as Record<string, unknown>;
  // Inline SLO/SLI documents are checked by their own readers, with positions inside this file.
  const outline = {
    ...value,
    slo: typeof value.slo === "object" ? "inline" : value.slo,
    sli: typeof value.sli === "object" ? "inline" : value.sli,
  };
  diagnostics.push(...schemaDiagnostics(source, "slogate", outline, { unknownKey: "error" }));

  let slo: SloReading & { file: string } = emptySlo;
  if (typeof value.slo === "string") slo = await loadSloFile(resolve(directory, value.slo));
  else if (value.slo && typeof value.slo === "object") slo = { ...readSlo(source, ["slo"]), file: path };

  let sli: (SliReading & { file: string }) | null = null;
  if (typeof value.sli === "string") sli = await loadSliFile(resolve(directory, value.sli));
  else if (value.sli && typeof value.sli === "object") sli = { ...readSli(source, ["sli"]), file: path };

  const labels: Record<string, string> = {};
  const labelNode = child(source, "labels");
  if (isMap(labelNode)) for (const pair of labelNode.items) labels[scalarText(pair.key) ?? ""] = scalarText(pair.value) ?? "";

  const providers = (value.providers ?? {}) as {
    default?: ProviderId;
    file?: { path?: string };
    prometheus?: PrometheusSettings;
    dynatrace?: DynatraceSettings;
    overrides?: Record<string, ProviderId>;
  };
  const history = value.history as { path?: string; store?: boolean } | undefined;
  const evaluation = (value.evaluation ?? {}) as {
    "missing-sli"?: MissingSliPolicy;
    "warning-exit-code"?: number;
    comparison?: "keptn" | "statistical";
    statistics?: SlogateConfig["evaluation"]["statistics"];
  };
  return {
    file: path,
    slo,
    sli,
    labels,
    providers: {
      default:
        providers.default ?? (providers.file ? "file" : providers.prometheus ? "prometheus" : providers.dynatrace ? "dynatrace" : null),
      file: typeof providers.file?.path === "string" ? { path: resolve(directory, providers.file.path) } : null,
      prometheus: providers.prometheus ?? null,
      dynatrace: providers.dynatrace ?? null,
      overrides: providers.overrides ?? {},
    },
    history: history?.path ? { type: "file", path: resolve(directory, history.path), store: history.store ?? true } : null,
    evaluation: {
      missingSli: evaluation["missing-sli"] ?? null,
      warningExitCode: evaluation["warning-exit-code"] ?? null,
      comparison: evaluation.comparison ?? null,
      statistics: evaluation.statistics ?? null,
    },
    events: { dynatrace: ((value.events ?? {}) as { dynatrace?: DynatraceEventSettings }).dynatrace ?? null },
    workload: resolveWorkload(value.workload as WorkloadSettings | undefined, directory),
    remediation: resolveRemediation(value.remediation as Partial<RemediationSettings> | undefined, directory),
    synthetic: (value.synthetic as SyntheticSettings | undefined) ?? null,
    diagnostics,
  };
}

function emptyConfig(path: string, slo: SloReading & { file: string }, diagnostics: Diagnostic[]): SlogateConfig {
  return {
    file: path,
    slo,
    sli: null,
    labels: {},
    providers: { default: null, file: null, prometheus: null, dynatrace: null, overrides: {} },
    history: null,
    evaluation: { missingSli: null, warningExitCode: null, comparison: null, statistics: null },
    events: { dynatrace: null },
    workload: null,
    remediation: null,
    synthetic: null,
    diagnostics,
  };
}

/** Files a workload names are relative to slogate.yaml, like every other path in it. */
function resolveWorkload(workload: WorkloadSettings | undefined, directory: string): WorkloadSettings | null {
  if (!workload) return null;
  return {
    ...workload,
    ...(workload.script ? { script: resolve(directory, workload.script) } : {}),
    ...(workload.plan ? { plan: resolve(directory, workload.plan) } : {}),
    cwd: resolve(directory, workload.cwd ?? "."),
  };
}

function resolveRemediation(remediation: Partial<RemediationSettings> | undefined, directory: string): RemediationSettings | null {
  if (!remediation) return null;
  return {
    ...(remediation.file ? { file: resolve(directory, remediation.file) } : {}),
    ...(remediation.wait ? { wait: remediation.wait } : {}),
    actions: remediation.actions ?? {},
  };
}
