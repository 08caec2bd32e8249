import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { CiContext } from "./ci/ci-context.js";
import { readCiContext } from "./ci/index.js";
import { ConfigError, hasErrors } from "./config/diagnostics.js";
import { findConfig } from "./config/find-config.js";
import { loadSliFile, loadSloFile, type ProviderId, type SlogateConfig } from "./config/load-config.js";
import { readSli } from "./config/load-sli.js";
import { readSloText } from "./config/load-slo.js";
import { parseYamlSource } from "./config/yaml-source.js";
import type { MissingSliPolicy } from "./engine/evaluate.js";
import { DEFAULT_STATISTICAL_SETTINGS, type StatisticalSettings } from "./engine/statistical.js";
import { usageError } from "./errors.js";
import { DynatraceEventSink } from "./events/dynatrace.js";
import type { Plan } from "./gate.js";
import { DYNATRACE_HISTORY, DynatraceHistoryStore } from "./history/dynatrace-store.js";
import { FileHistoryStore } from "./history/file-store.js";
import { GitBranchHistoryStore } from "./history/git-branch-store.js";
import { type GateOptions, labelsOf } from "./options.js";
import { dynatraceConnection } from "./sli/dynatrace/connection.js";
import { DynatraceDashboards, loadDashboardGate } from "./sli/dynatrace/dashboards.js";
import { resolvePlaceholders } from "./sli/placeholders.js";
import { createProvider, type ProviderSettings } from "./sli/providers.js";
import { ReplaySliProvider } from "./sli/replay-provider.js";
import { RoutedSliProvider } from "./sli/routed-provider.js";
import type { SliProvider } from "./sli/sli-provider.js";
import { isWorkloadQuery } from "./sli/workload-provider.js";

/** A gate's options, where it runs, and where its warnings go; anything unsaid comes from slogate.yaml. */
export interface PlanOptions extends GateOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** The gate follows a load test (`slogate run`): its measurements are the default SLI source. */
  afterLoadTest?: boolean;
  onWarning?: (message: string) => void;
  onProgress?: (message: string, done?: boolean) => void;
}

export interface LoadedPlan {
  plan: Plan;
  config: SlogateConfig | null;
  /** True when an SLI comes from a backend that is queried over a window (not a values file). */
  queriesBackend: boolean;
  /** Where each SLI is fetched and the query written for it (sli.yaml), for a dry run. */
  routing: { defaultProvider: string; overrides: Record<string, string>; indicators: Record<string, string> };
}

/** Placeholders in an entity selector; one without a value is an error, never sent as written. */
function resolveEventSelector(selector: string, labels: Record<string, string>, env: Record<string, string | undefined>): string {
  const now = new Date().toISOString();
  const { query, missing } = resolvePlaceholders(selector, { window: { start: now, end: now }, labels, filters: {}, env });
  if (missing.length > 0) {
    throw usageError(
      `the event entity selector uses ${missing.join(", ")} but no value was given`,
      "Set it with --label (or --project, --stage, --service, --deployment)",
    );
  }
  return query;
}

/**
 * History in a git branch. An https remote authenticates with SLOGATE_GIT_TOKEN (a token that may
 * push; SLOGATE_GIT_USER names its user where the host wants one), sent as an HTTP header git
 * never prints, never as part of the URL.
 */
function gitBranchHistory(options: PlanOptions, context: CiContext): GitBranchHistoryStore {
  // In CI the history lives in the pipeline's own repository unless another is named.
  const remote = options.historyRemote ?? context.cloneUrl;
  if (!remote) throw usageError("--history-branch needs the repository to keep it in", "Add --history-remote <url or path>");
  const token = options.env.SLOGATE_GIT_TOKEN;
  return new GitBranchHistoryStore({
    remote,
    branch: options.historyBranch ?? "slogate-history",
    ...(token && /^https?:/.test(remote)
      ? { authHeader: `AUTHORIZATION: basic ${Buffer.from(`${options.env.SLOGATE_GIT_USER ?? "slogate"}:${token}`).toString("base64")}` }
      : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
}

type Sli = Awaited<ReturnType<typeof loadSliFile>> | null;

/** The SLO and sli.yaml: the caller's files over slogate.yaml's. A broken sli.yaml stops here. */
async function resolveFiles(options: PlanOptions, config: SlogateConfig | null) {
  if (options.dashboard !== undefined) return dashboardFiles(options, config);
  const slo = options.slo ? await loadSloFile(resolve(options.cwd, options.slo)) : config?.slo;
  if (!slo) throw usageError("no SLO given", "Pass --slo <slo.yaml>, or --config <slogate.yaml>, or run where a slogate.yaml is");
  const sli: Sli = options.sli ? await loadSliFile(resolve(options.cwd, options.sli)) : (config?.sli ?? null);
  if (sli && hasErrors(sli.diagnostics)) throw new ConfigError(sli.diagnostics);
  return { slo, sli };
}

/**
 * The SLO and sli.yaml a Dynatrace quality-gate dashboard defines (dynatrace-service's dashboard
 * mode), read through the same loaders as files; written out too with --write-config.
 */
async function dashboardFiles(options: PlanOptions, config: SlogateConfig | null) {
  if (options.slo !== undefined || options.sli !== undefined) {
    throw usageError("--dashboard defines the SLOs and SLIs itself", "Drop --slo and --sli, or drop --dashboard");
  }
  const connection = dynatraceConnection(config?.providers.dynatrace ?? {}, options.env);
  const api = new DynatraceDashboards(connection.endpoints, connection.credentials);
  try {
    const labels = { ...(config?.labels ?? {}), ...labelsOf(options) };
    const { dashboard, gate, sloText, sliText } = await loadDashboardGate(api, options.dashboard ?? "", labels);
    for (const skipped of gate.skipped) options.onWarning?.(`slogate: dashboard "${dashboard.dashboardMetadata.name}": ${skipped}`);
    const name = `dashboard ${dashboard.id}`;
    if (options.writeConfig !== undefined) {
      const directory = resolve(options.cwd, options.writeConfig);
      await mkdir(directory, { recursive: true });
      await writeFile(join(directory, "slo.yaml"), sloText);
      await writeFile(join(directory, "sli.yaml"), sliText);
    }
    const slo = { ...readSloText(sloText, `${name} (slo)`), file: `${name} (slo)` };
    const sli = { ...readSli(parseYamlSource(sliText, `${name} (sli)`)), file: `${name} (sli)` };
    return { slo, sli };
  } finally {
    await api.close();
  }
}

/** Where results are kept and whether this one is stored. */
function resolveHistory(
  options: PlanOptions,
  config: SlogateConfig | null,
  context: CiContext,
  labels: Record<string, string>,
): Pick<Plan, "history" | "storeHistory" | "baselineFilter"> {
  if (options.history === DYNATRACE_HISTORY) {
    const history = new DynatraceHistoryStore({
      ...dynatraceConnection(config?.providers.dynatrace ?? {}, options.env),
      labels,
      env: options.env,
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    });
    const storeHistory = options.store === true && (context.pullRequest === undefined || options.storePullRequests === true);
    const branch = options.compareBranch ?? (context.pullRequest !== undefined ? context.targetBranch : undefined);
    return { history, storeHistory, baselineFilter: { labels, ...(branch ? { branch } : {}) } };
  }
  const path = options.history ? resolve(options.cwd, options.history) : config?.history?.path;
  if (options.store && !path && !options.historyBranch) throw usageError("--store needs a history file", "Add --history <file.jsonl>");
  const history = options.historyBranch
    ? gitBranchHistory(options, context)
    : path
      ? new FileHistoryStore(path, options.onWarning ? { onWarning: options.onWarning } : {})
      : null;
  const asked =
    options.historyBranch !== undefined || options.store === true || (options.history === undefined && (config?.history?.store ?? false));
  // A pull request's code is not merged: its run compares with the history but adds nothing to it.
  const storeHistory = asked && (context.pullRequest === undefined || options.storePullRequests === true);
  const branch = options.compareBranch ?? (context.pullRequest !== undefined ? context.targetBranch : undefined);
  return { history, storeHistory, baselineFilter: { labels, ...(branch ? { branch } : {}) } };
}

/** How objectives are judged: the missing-SLI policy and the comparison of relative criteria. */
function resolveEvaluation(options: PlanOptions, config: SlogateConfig | null): Pick<Plan, "missingSli" | "statistics"> {
  const missingSli: MissingSliPolicy = options.missingSli ?? config?.evaluation.missingSli ?? "keptn";
  const comparison = options.comparison ?? config?.evaluation.comparison ?? "keptn";
  const configured = config?.evaluation.statistics ?? {};
  const statistics: StatisticalSettings | null =
    comparison === "statistical"
      ? {
          alpha: configured.alpha ?? DEFAULT_STATISTICAL_SETTINGS.alpha,
          inconclusive: configured.inconclusive ?? DEFAULT_STATISTICAL_SETTINGS.inconclusive,
          minRuns: configured["min-runs"] ?? DEFAULT_STATISTICAL_SETTINGS.minRuns,
        }
      : null;
  return { missingSli, statistics };
}

/** Where each SLI comes from: the default provider, sli.yaml's workload: queries and slogate.yaml's overrides. */
function resolveSources(options: PlanOptions, config: SlogateConfig | null, sli: Sli, labels: Record<string, string>, series: boolean) {
  const defaultId: ProviderId | undefined =
    options.provider ?? (options.sliValues ? "file" : (config?.providers.default ?? (options.afterLoadTest ? "workload" : undefined)));
  if (!defaultId)
    throw usageError("no SLI source given", "Pass --sli-values <file.json>, or --provider prometheus, or set providers in slogate.yaml");
  const valuesPath = options.sliValues ? resolve(options.cwd, options.sliValues) : config?.providers.file?.path;
  const settings: ProviderSettings = {
    ...(series ? { series: true } : {}),
    ...(valuesPath ? { valuesPath } : {}),
    ...(config?.providers.prometheus ? { prometheus: config.providers.prometheus } : {}),
    ...(config?.providers.dynatrace ? { dynatrace: config.providers.dynatrace } : {}),
    ...(options.settle !== undefined ? { settle: options.settle } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    indicators: sli?.indicators ?? {},
    labels,
    env: options.env,
  };
  const created = new Map<ProviderId, SliProvider>();
  const providerFor = (id: ProviderId) => {
    const existing = created.get(id) ?? createProvider(id, settings);
    created.set(id, existing);
    return existing;
  };
  const defaultProvider = providerFor(defaultId);
  // An sli.yaml query `workload:<measurement>` sends that SLI to the workload, next to backend queries.
  const workloadQueries = Object.entries(sli?.indicators ?? {}).flatMap(([name, query]) =>
    isWorkloadQuery(query) ? [[name, "workload"] as const] : [],
  );
  const routes = Object.entries({ ...Object.fromEntries(workloadQueries), ...(config?.providers.overrides ?? {}) }).filter(
    ([, id]) => id !== defaultId,
  );
  const overrides = new Map(routes.map(([name, id]) => [name, providerFor(id)] as const));
  return {
    provider: overrides.size > 0 ? new RoutedSliProvider(defaultProvider, overrides) : defaultProvider,
    queriesBackend: [...created.keys()].some((id) => id !== "file" && id !== "workload"),
    routing: { defaultProvider: defaultId, overrides: Object.fromEntries(routes), indicators: sli?.indicators ?? {} },
  };
}

/** Where delivery events go (Dynatrace), and whether one that is not delivered fails the gate. */
function resolveEvents(
  options: PlanOptions,
  config: SlogateConfig | null,
  labels: Record<string, string>,
): Pick<Plan, "events" | "eventsRequired"> {
  const settings = config?.events.dynatrace ?? null;
  const eventsRequired = options.eventsRequired ?? settings?.required ?? false;
  if (options.sendEvent !== true && settings === null) return { events: null, eventsRequired };
  const entitySelector = options.entitySelector ?? settings?.["entity-selector"];
  const events = new DynatraceEventSink({
    ...dynatraceConnection(config?.providers.dynatrace ?? {}, options.env),
    ...(entitySelector ? { entitySelector: resolveEventSelector(entitySelector, labels, options.env) } : {}),
    ...(settings?.["timeout-minutes"] ? { timeoutMinutes: settings["timeout-minutes"] } : {}),
    http: { env: options.env },
  });
  return { events, eventsRequired };
}

/**
 * Resolves slogate.yaml and the caller's options into a runnable plan, one concern per resolver.
 * Mistakes in slogate.yaml or sli.yaml stop here (ConfigError); an invalid SLO is carried on, so
 * that Keptn's answer for it can still be reported.
 */
export async function loadPlan(options: PlanOptions): Promise<LoadedPlan> {
  const config = await findConfig(options.cwd, options.config, options.slo === undefined);
  const { slo, sli } = await resolveFiles(options, config);
  const labels = { ...(config?.labels ?? {}), ...labelsOf(options) };
  const context = readCiContext(options.env);
  const history = resolveHistory(options, config, context, labels);
  const evaluation = resolveEvaluation(options, config);
  const diagnostics = [...(config?.diagnostics ?? []), ...(sli?.diagnostics ?? [])];
  if (options.replay !== undefined) {
    if (!history.history) throw usageError("--replay needs the history the result is stored in", "Add --history <file.jsonl>");
    const provider = new ReplaySliProvider(history.history, options.replay);
    return {
      config,
      queriesBackend: false,
      routing: { defaultProvider: provider.id, overrides: {}, indicators: {} },
      plan: { slo, provider, history: history.history, storeHistory: false, labels, missingSli: evaluation.missingSli, diagnostics },
    };
  }
  const sources = resolveSources(options, config, sli, labels, evaluation.statistics !== null);
  return {
    config,
    queriesBackend: sources.queriesBackend,
    routing: sources.routing,
    plan: {
      slo,
      provider: sources.provider,
      ...history,
      labels,
      ...evaluation,
      ...resolveEvents(options, config, labels),
      context,
      diagnostics,
    },
  };
}
