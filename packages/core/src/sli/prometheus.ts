import type { SliResult } from "../engine/types.js";
import { ExternalServiceError, failureForStatus } from "../http/external-error.js";
import { HttpClient, type HttpClientOptions } from "../http/http-client.js";
import { backendAnswer, FailedSlis, failedSli } from "./answer.js";
import { type PlaceholderContext, resolvePlaceholders, windowSeconds } from "./placeholders.js";
import type { SliAnswer, SliProvider, SliRequest } from "./sli-provider.js";

export interface PrometheusAuth {
  bearerToken?: string;
  username?: string;
  password?: string;
}

export interface PrometheusOptions {
  url: string;
  /** Keptn sli.yaml `indicators`: SLI name → PromQL with placeholders. */
  indicators: Record<string, string>;
  labels: Record<string, string>;
  auth?: PrometheusAuth;
  http?: Partial<Omit<HttpClientOptions, "service" | "baseUrl" | "headers" | "secrets">>;
  /** Also read each SLI minute by minute (a range query), as samples for the statistical comparison. */
  series?: boolean;
}

/** The step of the series read for the statistical comparison. */
const SERIES_STEP_SECONDS = 60;

/**
 * Keptn's default Prometheus SLIs, for names an sli.yaml does not define: RED metrics of the
 * service's job (`<service>-<project>-<stage>-canary` unless the SLO filter names a job), with
 * the SLO filter's other keys as label matchers.
 */
export function defaultPrometheusQuery(sli: string, context: PlaceholderContext): string | undefined {
  const matchers: string[] = [];
  for (const [key, raw] of Object.entries(context.filters)) {
    // A value starting with an operator keeps it; a bare value is an exact match.
    if (/^(=~|!~|!=|=)/.test(raw)) matchers.push(`${key}${raw.replaceAll('"', "'")}`);
    else matchers.push(`${key}='${raw.replaceAll("'", "").replaceAll('"', "")}'`);
  }
  if (!("job" in context.filters)) {
    const { service = "", project = "", stage = "" } = context.labels;
    matchers.unshift(`job='${service}-${project}-${stage}-canary'`);
  }
  const filter = matchers.join(",");
  const range = `${windowSeconds(context.window)}s`;
  const requests = (extra = "") => `sum(rate(http_requests_total{${filter}${extra}}[${range}]))`;
  const latency = (quantile: string) =>
    `histogram_quantile(${quantile},sum(rate(http_response_time_milliseconds_bucket{${filter}}[${range}]))by(le))`;
  switch (sli) {
    case "throughput":
      return requests();
    case "error_rate":
      return `${requests(",status!~'2..'")}/${requests()}`;
    case "response_time_p50":
      return latency("0.50");
    case "response_time_p90":
      return latency("0.90");
    case "response_time_p95":
      return latency("0.95");
    default:
      return undefined;
  }
}

const AUTH_ADVICE: Record<number, string> = {
  401: "; check PROMETHEUS_TOKEN or the basic-auth credentials",
  403: "; the credentials lack permission to query",
};

interface PrometheusBody {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/** A sample's value text as Prometheus writes it ("1.5", "NaN", "+Inf"); fails on what it is not. */
function sampleValue(sample: unknown): number | string {
  const pair = (sample as { value?: unknown })?.value ?? sample;
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[1] !== "string") return "a sample without a [time, value] pair";
  // Prometheus writes specials as "NaN", "+Inf" and "-Inf"; none of them is a measurement to judge.
  if (/^(NaN|[+-]Inf)$/.test(pair[1])) return pair[1];
  const value = Number(pair[1]);
  return Number.isFinite(value) ? value : `an unreadable value ${JSON.stringify(pair[1])}`;
}

function labelsOf(series: unknown): string {
  const metric = (series as { metric?: Record<string, string> })?.metric ?? {};
  return `{${Object.entries(metric)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;
}

/** SLIs from Prometheus: one instant query per SLI at the end of the window. */
export class PrometheusSliProvider implements SliProvider {
  readonly id = "prometheus";
  private readonly client: HttpClient;

  constructor(private readonly options: PrometheusOptions) {
    const { auth = {} } = options;
    const headers: Record<string, string> = {};
    if (auth.bearerToken) headers.authorization = `Bearer ${auth.bearerToken}`;
    else if (auth.username !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ""}`).toString("base64")}`;
    }
    const secrets = [auth.bearerToken, auth.password, headers.authorization?.split(" ")[1]].filter((s): s is string => Boolean(s));
    this.client = new HttpClient({ service: "Prometheus", baseUrl: options.url, headers, secrets, ...options.http });
  }

  async fetch(request: SliRequest): Promise<SliAnswer> {
    const context: PlaceholderContext = { window: request.window, labels: this.options.labels, filters: request.filters };
    const queries: Record<string, string> = {};
    const samples: Record<string, number[]> = {};
    const failures = new FailedSlis((text) => this.client.redact(text));
    const results = await Promise.all(
      request.indicators.map(async (sli): Promise<SliResult> => {
        const written = this.options.indicators[sli] ?? defaultPrometheusQuery(sli, context);
        if (written === undefined) {
          return failedSli(
            sli,
            `no query for SLI ${sli}: add it to the indicators of sli.yaml (Keptn's Prometheus defaults are throughput, error_rate, response_time_p50, response_time_p90, response_time_p95)`,
          );
        }
        const { query, missing } = resolvePlaceholders(written, context);
        // What reports show of a query is redacted, as Dynatrace's queries are.
        queries[sli] = this.client.redact(query);
        if (missing.length > 0) {
          return failedSli(
            sli,
            `query of ${sli} uses ${missing.join(", ")} but no value was given; pass it as a label (e.g. --label ${missing[0]?.replace(/^\$(LABEL\.)?/, "").toLowerCase()}=…)`,
          );
        }
        const result = await this.query(sli, query, request, failures);
        if (this.options.series && result.success) {
          const minutes = await this.minuteValues(written, context, request);
          if (minutes.length > 0) samples[sli] = minutes;
        }
        return result;
      }),
    );
    return {
      ...backendAnswer("Prometheus", results, queries, failures.unreachable),
      ...(Object.keys(samples).length > 0 ? { samples } : {}),
    };
  }

  /** One instant query; a refusal or an outage is also recorded as unreachable. */
  private async query(sli: string, query: string, request: SliRequest, failures: FailedSlis): Promise<SliResult> {
    const time = String(Date.parse(request.window.end) / 1000);
    try {
      const response = await this.client.getJson("api/v1/query", { query, time }, request.signal);
      const body = (response.body ?? {}) as PrometheusBody;
      if (response.status >= 300 || body.status === "error") {
        const said = body.error ? `${body.errorType ?? "error"}: ${body.error}` : `HTTP ${response.status}`;
        const advice = AUTH_ADVICE[response.status] ?? "";
        // The server's own words may quote what it was sent, credentials included: FailedSlis redacts.
        const failure = response.status >= 300 ? failureForStatus(response.status) : undefined;
        return failures.add(sli, `Prometheus refused the query (${said})${advice}`, query, failure);
      }
      return this.valueFrom(sli, query, body, failures);
    } catch (error) {
      if (error instanceof ExternalServiceError) {
        return failures.add(sli, error.message, query, error.failure);
      }
      throw error;
    }
  }

  /**
   * The same SLI for each minute of the window: the query with its duration placeholders set to
   * one minute, as a range query stepping by that minute. Best effort: without samples the
   * statistical comparison uses the run values only.
   */
  private async minuteValues(written: string, context: PlaceholderContext, request: SliRequest): Promise<number[]> {
    const end = Date.parse(request.window.end) / 1000;
    const start = Date.parse(request.window.start) / 1000 + SERIES_STEP_SECONDS;
    if (start > end) return [];
    const minute = { start: new Date((end - SERIES_STEP_SECONDS) * 1000).toISOString(), end: request.window.end };
    const { query, missing } = resolvePlaceholders(written, { ...context, window: minute });
    if (missing.length > 0) return [];
    try {
      const response = await this.client.getJson(
        "api/v1/query_range",
        { query, start: String(start), end: String(end), step: String(SERIES_STEP_SECONDS) },
        request.signal,
      );
      const body = (response.body ?? {}) as {
        status?: string;
        data?: { resultType?: string; result?: Array<{ values?: Array<[number, string]> }> };
      };
      const series = response.status < 300 && body.data?.resultType === "matrix" ? (body.data.result ?? []) : [];
      if (series.length !== 1) return [];
      return (series[0]?.values ?? []).map(([, text]) => Number(text)).filter((value) => Number.isFinite(value));
    } catch (error) {
      if (error instanceof ExternalServiceError) return [];
      throw error;
    }
  }

  private valueFrom(sli: string, query: string, body: PrometheusBody, failures: FailedSlis): SliResult {
    const type = body.data?.resultType;
    const result = body.data?.result;
    let value: number | string;
    if (type === "scalar") {
      value = sampleValue(result);
    } else if (type === "vector" && Array.isArray(result)) {
      if (result.length === 0) return failures.add(sli, `no data: the query of ${sli} matched no series at the end of the window`, query);
      if (result.length > 1) {
        const shown = result.slice(0, 3).map(labelsOf).join(", ");
        return failures.add(
          sli,
          `the query of ${sli} returned ${result.length} series (${shown}${result.length > 3 ? ", …" : ""}) where one value is needed: aggregate with sum(), avg() or max(), or filter by label`,
          query,
        );
      }
      value = sampleValue(result[0]);
    } else {
      return failures.add(sli, `the query of ${sli} returned a ${type ?? "malformed"} result where one value is needed`, query);
    }
    if (typeof value === "string") return failures.add(sli, `the query of ${sli} returned ${value}, which no criterion can judge`, query);
    return { metric: sli, value, success: true, message: "" };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
