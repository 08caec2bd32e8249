import type { DynatraceSettings, PrometheusSettings, ProviderId } from "../config/load-config.js";
import { SlogateError } from "../errors.js";
import { parseTimeframe } from "../window.js";
import { DEFAULT_SSO_URL, dynatraceEndpoints, PLATFORM_SCOPES } from "./dynatrace/connection.js";
import { DynatraceSliProvider } from "./dynatrace/index.js";
import { FileSliProvider } from "./file-provider.js";
import { PrometheusSliProvider } from "./prometheus.js";
import type { SliProvider } from "./sli-provider.js";

/** Every SLI provider slogate knows, one file each in src/sli/. */
export const PROVIDERS = ["file", "prometheus", "dynatrace"] as const satisfies readonly ProviderId[];

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
  onProgress?: (message: string) => void;
  /** sli.yaml indicators: SLI name → query. */
  indicators: Record<string, string>;
  labels: Record<string, string>;
  env: Record<string, string | undefined>;
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
        auth:
          type === "bearer" ? { bearerToken: token ?? "" } : type === "basic" ? { username: username ?? "", password: password ?? "" } : {},
        http: { ...(config["timeout-ms"] ? { timeoutMs: config["timeout-ms"] } : {}), env: settings.env },
      });
    }
    case "dynatrace":
      return dynatraceProvider(settings);
  }
}

/** DT_URL and DT_API_TOKEN (or a platform token / OAuth client) configure Dynatrace from the environment. */
function dynatraceProvider(settings: ProviderSettings): SliProvider {
  const config = settings.dynatrace ?? {};
  const { env } = settings;
  const url = config.url ?? env.DT_URL;
  if (!url) throw missing("the dynatrace provider needs the environment URL", "Set DT_URL, or providers.dynatrace.url in slogate.yaml");
  const apiToken = env[config["token-env"] ?? "DT_API_TOKEN"];
  const platformToken = env[config["platform-token-env"] ?? "DT_PLATFORM_TOKEN"];
  const oauth =
    env.DT_CLIENT_ID && env.DT_CLIENT_SECRET && env.DT_ACCOUNT_URN
      ? {
          clientId: env.DT_CLIENT_ID,
          clientSecret: env.DT_CLIENT_SECRET,
          accountUrn: env.DT_ACCOUNT_URN,
          tokenUrl: env.DT_SSO_URL ?? DEFAULT_SSO_URL,
          scope: PLATFORM_SCOPES,
        }
      : undefined;
  if (!apiToken && !platformToken && !oauth) {
    throw missing(
      "the dynatrace provider has no credentials",
      "Set DT_API_TOKEN (or DT_PLATFORM_TOKEN, or DT_CLIENT_ID, DT_CLIENT_SECRET and DT_ACCOUNT_URN)",
    );
  }
  const settle = settings.settle ?? config.settle;
  const concurrency = settings.concurrency ?? config.concurrency;
  return new DynatraceSliProvider({
    endpoints: dynatraceEndpoints(url),
    credentials: { ...(apiToken ? { apiToken } : {}), ...(platformToken ? { platformToken } : {}), ...(oauth ? { oauth } : {}) },
    indicators: settings.indicators,
    labels: settings.labels,
    env,
    ...(settle !== undefined ? { settleMs: settle === "0" ? 0 : parseTimeframe(settle) } : {}),
    ...(settings.onProgress ? { onProgress: settings.onProgress } : {}),
    http: {
      env,
      ...(config["timeout-ms"] ? { timeoutMs: config["timeout-ms"] } : {}),
      ...(concurrency ? { concurrency } : {}),
    },
  });
}
