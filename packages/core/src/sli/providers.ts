import { type DynatraceSettings, PROVIDER_IDS, type PrometheusSettings, type ProviderId } from "../config/load-config.js";
import { SlogateError } from "../errors.js";
import { parseTimeframe } from "../window.js";
import { dynatraceConnection } from "./dynatrace/connection.js";
import { DynatraceSliProvider } from "./dynatrace/index.js";
import { FileSliProvider } from "./file-provider.js";
import { PrometheusSliProvider } from "./prometheus.js";
import type { SliProvider } from "./sli-provider.js";
import { WorkloadSliProvider } from "./workload-provider.js";

/** Every SLI provider slogate knows, one file each in src/sli/. */
export const PROVIDERS = PROVIDER_IDS;

export function isProviderId(value: string): value is ProviderId {
  return (PROVIDERS as readonly string[]).includes(value);
}

export interface ProviderSettings {
  /** Values file for `file`. */
  valuesPath?: string;
  prometheus?: PrometheusSettings;
  dynatrace?: DynatraceSettings;
  /** Overrides of the Dynatrace settings from the command line. */
  settle?: string;
  concurrency?: number;
  onProgress?: (message: string, done?: boolean) => void;
  /** sli.yaml indicators: SLI name → query. */
  indicators: Record<string, string>;
  labels: Record<string, string>;
  env: Record<string, string | undefined>;
  /** Read SLIs as series too (minute values), for the statistical comparison. */
  series?: boolean;
}

function missing(what: string, suggestion: string): SlogateError {
  return new SlogateError("INVALID_USAGE", what, { suggestion });
}

/** Builds one provider from its settings; secrets are read from the environment only. */
export function createProvider(id: ProviderId, settings: ProviderSettings): SliProvider {
  switch (id) {
    case "file":
      if (!settings.valuesPath)
        throw missing("the file provider needs a values file", "Pass --sli-values <file.json>, or set providers.file.path");
      return new FileSliProvider(settings.valuesPath);
    case "prometheus": {
      const config = settings.prometheus ?? {};
      const url = config.url ?? settings.env.PROMETHEUS_URL;
      if (!url)
        throw missing("the prometheus provider needs the server's URL", "Set PROMETHEUS_URL, or providers.prometheus.url in slogate.yaml");
      if (!/^https?:\/\//.test(url))
        throw missing(`Prometheus URL ${JSON.stringify(url)} is not an http(s) URL`, "Write it as http://host:9090");
      const auth = config.auth ?? {};
      const token = settings.env[auth["token-env"] ?? "PROMETHEUS_TOKEN"];
      const username = auth.username ?? settings.env.PROMETHEUS_USERNAME;
      const password = settings.env[auth["password-env"] ?? "PROMETHEUS_PASSWORD"];
      const type = auth.type ?? (token ? "bearer" : username ? "basic" : undefined);
      if (type === "bearer" && !token)
        throw missing("bearer auth for Prometheus needs a token", `Set ${auth["token-env"] ?? "PROMETHEUS_TOKEN"}`);
      return new PrometheusSliProvider({
        url,
        indicators: settings.indicators,
        labels: settings.labels,
        ...(settings.series ? { series: true } : {}),
        auth:
          type === "bearer" ? { bearerToken: token ?? "" } : type === "basic" ? { username: username ?? "", password: password ?? "" } : {},
        http: { ...(config["timeout-ms"] ? { timeoutMs: config["timeout-ms"] } : {}), env: settings.env },
      });
    }
    case "dynatrace":
      return dynatraceProvider(settings);
    case "workload":
      return new WorkloadSliProvider(settings.indicators);
  }
}

function dynatraceProvider(settings: ProviderSettings): SliProvider {
  const config = settings.dynatrace ?? {};
  const settle = settings.settle ?? config.settle;
  const concurrency = settings.concurrency ?? config.concurrency;
  return new DynatraceSliProvider({
    ...dynatraceConnection(config, settings.env),
    indicators: settings.indicators,
    labels: settings.labels,
    env: settings.env,
    ...(settle !== undefined ? { settleMs: settle === "0" ? 0 : parseTimeframe(settle) } : {}),
    ...(settings.onProgress ? { onProgress: settings.onProgress } : {}),
    ...(settings.series ? { series: true } : {}),
    http: {
      env: settings.env,
      ...(config["timeout-ms"] ? { timeoutMs: config["timeout-ms"] } : {}),
      ...(concurrency ? { concurrency } : {}),
    },
  });
}
