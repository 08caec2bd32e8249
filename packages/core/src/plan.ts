import { resolve } from "node:path";
import { readCiContext } from "./ci/index.js";
import { ConfigError, hasErrors } from "./config/diagnostics.js";
import { findConfig } from "./config/find-config.js";
import { loadSliFile, loadSloFile, type ProviderId, type SlogateConfig } from "./config/load-config.js";
import type { MissingSliPolicy } from "./engine/evaluate.js";
import { DEFAULT_STATISTICAL_SETTINGS, type StatisticalSettings } from "./engine/statistical.js";
import { SlogateError } from "./errors.js";
import { DynatraceEventSink } from "./events/dynatrace.js";
import type { EventSink } from "./events/event-sink.js";
import type { Plan } from "./gate.js";
import { FileHistoryStore } from "./history/file-store.js";
import { GitBranchHistoryStore } from "./history/git-branch-store.js";
import { type GateOptions, labelsOf } from "./options.js";
import { dynatraceConnection } from "./sli/dynatrace/connection.js";
import { resolvePlaceholders } from "./sli/placeholders.js";
import { createProvider, isProviderId, PROVIDERS } from "./sli/providers.js";
import { ReplaySliProvider } from "./sli/replay-provider.js";
import { RoutedSliProvider } from "./sli/routed-provider.js";
import type { SliProvider } from "./sli/sli-provider.js";
import { isWorkloadQuery } from "./sli/workload-provider.js";
import type { WorkloadOutcome } from "./workload/workload-runner.js";

/** A gate's options, where it runs, and where its warnings go; anything unsaid comes from slogate.yaml. */
export interface PlanOptions extends GateOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** What `slogate run`'s workload measured; makes `workload` the default SLI source. */
  measured?: () => WorkloadOutcome | null;
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
    throw usage(
      `the event entity selector uses ${missing.join(", ")} but no value was given`,
      "Set it with --label (or --project, --stage, --service, --deployment)",
    );
  }
  return query;
}

/**
 * History in a git branch. An https remote authenticates with SLOGATE_GIT_TOKEN (a token that may
 * push), sent as an HTTP header git never prints, never as part of the URL.
 */
function gitBranchHistory(options: PlanOptions): GitBranchHistoryStore {
  const remote = options.historyRemote;
  if (!remote) throw usage("--history-branch needs the repository to keep it in", "Add --history-remote <url or path>");
  const token = options.env.SLOGATE_GIT_TOKEN;
  return new GitBranchHistoryStore({
    remote,
    branch: options.historyBranch ?? "slogate-history",
    ...(token && /^https?:/.test(remote)
      ? { authHeader: `AUTHORIZATION: basic ${Buffer.from(`slogate:${token}`).toString("base64")}` }
      : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
}

function usage(message: string, suggestion: string): SlogateError {
  return new SlogateError("INVALID_USAGE", message, { suggestion });
}

/**
 * Resolves slogate.yaml and the caller's options into a runnable plan. Mistakes in slogate.yaml
 * or sli.yaml stop here (ConfigError); an invalid SLO is carried on, so that Keptn's answer for it
 * can still be reported.
 */
export async function loadPlan(options: PlanOptions): Promise<LoadedPlan> {
  const at = (path: string) => resolve(options.cwd, path);
  const config = await findConfig(options.cwd, options.config, options.slo === undefined);

  const slo = options.slo ? await loadSloFile(at(options.slo)) : config?.slo;
  if (!slo) throw usage("no SLO given", "Pass --slo <slo.yaml>, or --config <slogate.yaml>, or run where a slogate.yaml is");
  const sli = options.sli ? await loadSliFile(at(options.sli)) : config?.sli;
  if (sli && hasErrors(sli.diagnostics)) throw new ConfigError(sli.diagnostics);

  const labels = { ...(config?.labels ?? {}), ...labelsOf(options) };
  const historyPath = options.history ? at(options.history) : config?.history?.path;
  const history = options.historyBranch
    ? gitBranchHistory(options)
    : historyPath
      ? new FileHistoryStore(historyPath, options.onWarning ? { onWarning: options.onWarning } : {})
      : null;
  if (options.replay !== undefined) {
    if (!history) throw usage("--replay needs the history the result is stored in", "Add --history <file.jsonl>");
    return {
      config,
      queriesBackend: false,
      routing: { defaultProvider: "replay", overrides: {}, indicators: {} },
      plan: {
        slo,
        provider: new ReplaySliProvider(history, options.replay),
        history,
        storeHistory: false,
        labels,
        missingSli: (options.missingSli ?? config?.evaluation.missingSli ?? "keptn") as MissingSliPolicy,
        diagnostics: [...(config?.diagnostics ?? []), ...(sli?.diagnostics ?? [])],
      },
    };
  }
  const defaultId =
    options.provider ?? (options.sliValues ? "file" : (config?.providers.default ?? (options.measured ? "workload" : undefined)));
  if (!defaultId)
    throw usage("no SLI source given", "Pass --sli-values <file.json>, or --provider prometheus, or set providers in slogate.yaml");
  if (!isProviderId(defaultId))
    throw usage(`--provider ${JSON.stringify(defaultId)} is not a provider slogate has`, `Use one of ${PROVIDERS.join(", ")}`);
  const comparison = options.comparison ?? config?.evaluation.comparison ?? "keptn";
  if (comparison !== "keptn" && comparison !== "statistical")
    throw usage(`--comparison ${JSON.stringify(comparison)} is not a comparison slogate has`, "Use keptn or statistical");
  const configured = config?.evaluation.statistics ?? {};
  const statistics: StatisticalSettings | null =
    comparison === "statistical"
      ? {
          alpha: configured.alpha ?? DEFAULT_STATISTICAL_SETTINGS.alpha,
          inconclusive: configured.inconclusive ?? DEFAULT_STATISTICAL_SETTINGS.inconclusive,
          minRuns: configured["min-runs"] ?? DEFAULT_STATISTICAL_SETTINGS.minRuns,
        }
      : null;

  const settings = {
    ...(statistics ? { series: true } : {}),
    ...(options.sliValues
      ? { valuesPath: at(options.sliValues) }
      : config?.providers.file
        ? { valuesPath: config.providers.file.path }
        : {}),
    ...(config?.providers.prometheus ? { prometheus: config.providers.prometheus } : {}),
    ...(config?.providers.dynatrace ? { dynatrace: config.providers.dynatrace } : {}),
    ...(options.settle !== undefined ? { settle: options.settle } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.measured ? { workload: options.measured } : {}),
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
  const routes = { ...Object.fromEntries(workloadQueries), ...(config?.providers.overrides ?? {}) };
  const overrides = new Map(
    Object.entries(routes)
      .filter(([, id]) => id !== defaultId)
      .map(([name, id]) => [name, providerFor(id)] as const),
  );
  const provider = overrides.size > 0 ? new RoutedSliProvider(defaultProvider, overrides) : defaultProvider;

  if (options.store && !historyPath && !options.historyBranch) throw usage("--store needs a history file", "Add --history <file.jsonl>");
  const storeHistory =
    options.historyBranch !== undefined || options.store === true || (options.history === undefined && (config?.history?.store ?? false));
  const missingSli = options.missingSli ?? config?.evaluation.missingSli ?? "keptn";
  if (missingSli !== "keptn" && missingSli !== "fail")
    throw usage(`--missing-sli ${JSON.stringify(missingSli)} is not a policy`, "Use keptn or fail");

  const eventSettings = config?.events.dynatrace ?? null;
  const wantsEvents = options.sendEvent === true || eventSettings !== null;
  let events: EventSink | null = null;
  if (wantsEvents) {
    const entitySelector = options.entitySelector ?? eventSettings?.["entity-selector"];
    events = new DynatraceEventSink({
      ...dynatraceConnection(config?.providers.dynatrace ?? {}, options.env),
      ...(entitySelector ? { entitySelector: resolveEventSelector(entitySelector, labels, options.env) } : {}),
      ...(eventSettings?.["timeout-minutes"] ? { timeoutMinutes: eventSettings["timeout-minutes"] } : {}),
      http: { env: options.env },
    });
  }

  return {
    config,
    queriesBackend: [...created.keys()].some((id) => id !== "file" && id !== "workload"),
    routing: {
      defaultProvider: defaultId,
      overrides: Object.fromEntries(Object.entries(routes).filter(([, id]) => id !== defaultId)),
      indicators: sli?.indicators ?? {},
    },
    plan: {
      slo,
      provider,
      history,
      storeHistory,
      labels,
      missingSli: missingSli as MissingSliPolicy,
      statistics,
      events,
      eventsRequired: options.eventsRequired ?? eventSettings?.required ?? false,
      context: readCiContext(options.env),
      diagnostics: [...(config?.diagnostics ?? []), ...(sli?.diagnostics ?? [])],
    },
  };
}
