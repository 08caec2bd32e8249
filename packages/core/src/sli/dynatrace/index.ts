import type { SliResult } from "../../engine/types.js";
import { type ExternalFailure, ExternalServiceError, failureForStatus } from "../../http/external-error.js";
import { HttpClient, type HttpClientOptions, sleep } from "../../http/http-client.js";
import { backendAnswer, FailedSlis, failedSli } from "../answer.js";
import { type PlaceholderContext, resolvePlaceholders } from "../placeholders.js";
import type { SliAnswer, SliProvider, SliRequest, SliWindow } from "../sli-provider.js";
import { DynatraceAuth, type DynatraceCredentials, type DynatraceEndpoints, dynatraceErrorText, secretsOf } from "./connection.js";
import { cleanSliName } from "./dashboard-gate.js";
import { type BatchMember, batchMetricsQueries, collectionFor, selectorsOf } from "./metrics-batch.js";
import { DEFAULT_DYNATRACE_QUERIES, type DynatraceQuery, type MetricsParameters, parseDynatraceQuery, ROW_BY_ROW } from "./query.js";

export interface DynatraceOptions {
  endpoints: DynatraceEndpoints;
  credentials: DynatraceCredentials;
  /** sli.yaml `indicators`; when empty, Keptn's default SLIs apply. */
  indicators: Record<string, string>;
  labels: Record<string, string>;
  /** For `$ENV.<name>` placeholders. */
  env?: Record<string, string | undefined>;
  /** Wait until this long after the window's end before reading (ingestion delay). */
  settleMs?: number;
  /** `done` marks the last message of a wait, so a live line can end. */
  onProgress?: (message: string, done?: boolean) => void;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  http?: Partial<Omit<HttpClientOptions, "service" | "baseUrl" | "headers" | "secrets">>;
  /** How long a DQL query may run, polls included. */
  dqlTimeoutMs?: number;
  /** Also read each metrics SLI minute by minute, as samples for the statistical comparison. */
  series?: boolean;
  /** How often the ingestion wait asks whether the window's last minute has data (default 10 s). */
  ingestionPollMs?: number;
}

type Outcome = { value: number } | { error: string; failure?: ExternalFailure };

interface MetricsCollection {
  metricId?: string;
  data?: Array<{ values?: Array<number | null>; dimensionMap?: Record<string, string | null> }>;
  warnings?: string[];
}

interface MetricsBody {
  result?: MetricsCollection[];
  warnings?: string[];
}

const UNIT_DIVISOR = { MicroSecond: 1000, Byte: 1024 } as const;

function dimensionsOf(series: unknown): string {
  const map = (series as { dimensionMap?: Record<string, string | null> })?.dimensionMap ?? {};
  return `{${Object.entries(map)
    .map(([k, v]) => `${k}=${v}`)
    .join(",")}}`;
}

type SeriesValue = { label: string; value: number } | { label: string; error: string };

/** A query read one value per series: a metrics query with `perSeries`, a user sessions table row by row. */
type SeriesQuery = Extract<DynatraceQuery, { kind: "metrics" } | { kind: "usql" }>;

function seriesQuery(query: DynatraceQuery): SeriesQuery | undefined {
  return (query.kind === "metrics" && query.perSeries) || (query.kind === "usql" && query.dimension === ROW_BY_ROW) ? query : undefined;
}

/**
 * A series' name as dynatrace-service made it: its dimension values ordered by key, a dimension's
 * `.name` value in place of its id, empty values left out, joined by a space.
 */
export function seriesLabel(dimensionMap: Record<string, string | null>): string {
  const named = new Set(
    Object.keys(dimensionMap)
      .filter((key) => key.endsWith(".name"))
      .map((key) => key.slice(0, -".name".length)),
  );
  return Object.keys(dimensionMap)
    .filter((key) => !named.has(key))
    .sort()
    .map((key) => dimensionMap[key])
    .filter((value): value is string => typeof value === "string" && value !== "")
    .join(" ");
}

function isNumber(cell: unknown): cell is number {
  return typeof cell === "number" && Number.isFinite(cell);
}

/** A user sessions row's value, as dynatrace-service read it: a chart's second column, a table's last. */
function usqlRowValue(query: Extract<DynatraceQuery, { kind: "usql" }>, row: unknown[]): unknown {
  return query.visualisation === "TABLE" ? row[row.length - 1] : row[1];
}

function formatWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s` : `${seconds}s`;
}

/** SLIs from Dynatrace: Metrics API v2, SLOs, problems, security problems and Grail (DQL). */
export class DynatraceSliProvider implements SliProvider {
  readonly id = "dynatrace";
  private readonly classic: HttpClient;
  private readonly platform: HttpClient;
  private readonly auth: DynatraceAuth;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: DynatraceOptions) {
    const secrets = secretsOf(options.credentials);
    this.classic = new HttpClient({ service: "Dynatrace", baseUrl: options.endpoints.classic, secrets, ...options.http });
    this.platform = new HttpClient({ service: "Dynatrace Grail", baseUrl: options.endpoints.platform, secrets, ...options.http });
    this.auth = new DynatraceAuth(options.credentials, options.endpoints, [this.classic, this.platform], options.http ?? {});
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? sleep;
  }

  /** How long until the window's data is ingested (0: it is). */
  private waitAhead(window: SliWindow): number {
    return Math.max(0, Date.parse(window.end) + (this.options.settleMs ?? 120_000) - this.now());
  }

  /**
   * One cheap authenticated request of the kind the gate will send (the same token scope), so a
   * mistyped URL or a refused token is reported before the ingestion wait, not after it.
   */
  private async preflight(query: DynatraceQuery, signal?: AbortSignal): Promise<{ error: string; failure?: ExternalFailure } | null> {
    try {
      if (query.kind === "dql") {
        await this.auth.platform(signal);
        return null;
      }
      const probe: Record<Exclude<DynatraceQuery["kind"], "dql">, [string, Record<string, string>]> = {
        metrics: ["metrics", { pageSize: "1" }],
        slo: ["slo", { pageSize: "1" }],
        problems: ["problems", { pageSize: "1" }],
        "security-problems": ["securityProblems", { pageSize: "1" }],
        usql: ["../v1/userSessionQueryLanguage/table", { query: "SELECT count(*) FROM usersession", explain: "true" }],
      };
      const [path, parameters] = probe[query.kind];
      const response = await this.classic.getJson(path, parameters, signal, await this.auth.classic(signal));
      if (response.status < 300) return null;
      return {
        error: `Dynatrace refused the first request, before waiting for ingestion (${dynatraceErrorText(response)})`,
        failure: failureForStatus(response.status),
      };
    } catch (error) {
      if (error instanceof ExternalServiceError)
        return { error: `${error.message} (before waiting for ingestion)`, failure: error.failure };
      throw error;
    }
  }

  /**
   * Dynatrace needs time to ingest the window's data; Keptn waited a fixed 2 minutes after its
   * end. With a metrics query to ask, the wait ends as soon as Dynatrace has data for the window's
   * last minute; the settle time stays the upper bound, so a sparse metric (no traffic in that
   * minute) costs the whole wait but never an evaluation of incomplete data without it.
   */
  private async settle(window: SliWindow, signal?: AbortSignal, probe?: MetricsParameters): Promise<void> {
    let remaining = this.waitAhead(window);
    const pollMs = this.options.ingestionPollMs ?? 10_000;
    let untilPoll = 0;
    while (remaining > 0) {
      if (probe && untilPoll <= 0) {
        if (await this.lastMinuteIngested(probe, window, signal)) {
          this.options.onProgress?.("Dynatrace has data for the window's last minute; querying", true);
          return;
        }
        untilPoll = pollMs;
      }
      this.options.onProgress?.(
        `waiting up to ${formatWait(remaining)} for Dynatrace to ingest the window's data${probe ? " (over as soon as its last minute has data)" : ""}; --settle 0 skips this`,
      );
      // Every second, so a terminal can show a live countdown; the caller decides how often to print.
      const step = Math.min(remaining, 1_000);
      await this.sleep(step, signal);
      remaining -= step;
      untilPoll -= step;
      if (remaining <= 0) this.options.onProgress?.("Dynatrace has had time to ingest the window; querying", true);
    }
  }

  /** Whether a metric has a data point in the window's last minute (any failure: not yet). */
  private async lastMinuteIngested(parameters: MetricsParameters, window: SliWindow, signal?: AbortSignal): Promise<boolean> {
    const lastMinute = { start: new Date(Date.parse(window.end) - 60_000).toISOString(), end: window.end };
    const series = await this.minuteSeries(parameters, lastMinute, signal);
    return typeof series[0]?.at(-1) === "number";
  }

  async fetch(request: SliRequest): Promise<SliAnswer> {
    const context: PlaceholderContext = {
      window: request.window,
      labels: this.options.labels,
      filters: request.filters,
      ...(this.options.env ? { env: this.options.env } : {}),
    };
    const useDefaults = Object.keys(this.options.indicators).length === 0;
    const queries: Record<string, string> = {};
    const samples: Record<string, number[]> = {};
    const failures = new FailedSlis((text) => this.classic.redact(text));
    // First every SLI's query, read and resolved; then the metrics queries that can share a
    // request are sent together, everything else on its own.
    const prepared = request.indicators.map(
      (sli): { sli: string; failed: SliResult } | { sli: string; query: DynatraceQuery; text: string } => {
        const written = this.options.indicators[sli] ?? (useDefaults ? DEFAULT_DYNATRACE_QUERIES[sli] : undefined);
        if (written === undefined) {
          return {
            sli,
            failed: failedSli(
              sli,
              useDefaults
                ? `no query for SLI ${sli}: Keptn's Dynatrace defaults are ${Object.keys(DEFAULT_DYNATRACE_QUERIES).join(", ")}; give an sli.yaml for others`
                : `no query for SLI ${sli} in sli.yaml`,
            ),
          };
        }
        const { query, missing } = resolvePlaceholders(written, context);
        queries[sli] = this.classic.redact(query);
        if (missing.length > 0)
          return {
            sli,
            failed: failedSli(
              sli,
              `query of ${sli} uses ${missing.join(", ")} but no value was given; set it with --label (or --project, --stage, --service, --deployment)`,
            ),
          };
        const parsed = parseDynatraceQuery(query);
        if ("error" in parsed)
          return { sli, failed: failures.add(sli, `cannot read the Dynatrace query of ${sli}: ${parsed.error}`, query) };
        return { sli, query: parsed.query, text: query };
      },
    );
    // A wrong URL or token must show now, not after the ingestion wait: one cheap request first.
    const first = prepared.find((entry) => "query" in entry);
    if (first && "query" in first && this.waitAhead(request.window) > 0) {
      const refused = await this.preflight(first.query, request.signal);
      if (refused) {
        // The first request, not any SLI's query, was refused: every SLI fails with that reason.
        const results = request.indicators.map((sli) => failures.add(sli, refused.error, null, refused.failure));
        return backendAnswer("Dynatrace", results, queries, failures.unreachable);
      }
    }
    const probe = prepared.find((entry) => "query" in entry && entry.query.kind === "metrics");
    await this.settle(
      request.window,
      request.signal,
      probe && "query" in probe && probe.query.kind === "metrics" ? probe.query.parameters : undefined,
    );
    const batched = this.metricsInBatches(
      prepared.flatMap((entry) =>
        "query" in entry && entry.query.kind === "metrics" && !entry.query.perSeries
          ? [{ key: entry.sli, parameters: entry.query.parameters }]
          : [],
      ),
      request.window,
      request.signal,
    );
    const perSeries: NonNullable<SliAnswer["perSeries"]> = {};
    const answered = await Promise.all(
      prepared.map(async (entry): Promise<SliResult | SliResult[]> => {
        if ("failed" in entry) return entry.failed;
        const { sli, query, text } = entry;
        try {
          const bySeries = seriesQuery(query);
          if (bySeries) {
            const read = await this.readSeries(sli, bySeries, text, request, failures);
            if (read.split) {
              perSeries[sli] = read.split;
              for (const { sli: name } of read.split) queries[name] = queries[sli] as string;
            }
            return read.results;
          }
          const outcome = await (batched.get(sli) ?? this.run(query, request.window, request.signal));
          if ("error" in outcome) return failures.add(sli, outcome.error, text, outcome.failure);
          const unit = query.kind === "metrics" ? query.unit : undefined;
          if (this.options.series && query.kind === "metrics") {
            const minutes = await this.minuteValues(query.parameters, request.window, unit, request.signal);
            if (minutes.length > 0) samples[sli] = minutes;
          }
          return { metric: sli, value: unit ? outcome.value / UNIT_DIVISOR[unit] : outcome.value, success: true, message: "" };
        } catch (error) {
          if (error instanceof ExternalServiceError) return failures.add(sli, error.message, text, error.failure);
          throw error;
        }
      }),
    );
    return {
      ...backendAnswer("Dynatrace", answered.flat(), queries, failures.unreachable),
      ...(Object.keys(samples).length > 0 ? { samples } : {}),
      ...(Object.keys(perSeries).length > 0 ? { perSeries } : {}),
    };
  }

  /**
   * An SLI read series by series: a metric split by a dimension, or a user sessions table row by
   * row. One series keeps the SLI's own name, as in dynatrace-service; several get one SLI each
   * (`split`), and so does every row of a table, however many.
   */
  private async readSeries(
    sli: string,
    query: SeriesQuery,
    text: string,
    request: SliRequest,
    failures: FailedSlis,
  ): Promise<{ results: SliResult[]; split?: Array<{ sli: string; label: string }> }> {
    const outcome =
      query.kind === "metrics"
        ? await this.valuesPerSeries(query.parameters, request.window, request.signal)
        : await this.usqlRows(query, request.window, request.signal);
    const failed = (name: string, error: string) => failures.add(name, error, text);
    if ("error" in outcome) return { results: [failures.add(sli, outcome.error, text, outcome.failure)] };
    const scale = query.kind === "metrics" && query.unit ? UNIT_DIVISOR[query.unit] : 1;
    const read = (name: string, one: SeriesValue): SliResult =>
      "value" in one ? { metric: name, value: one.value / scale, success: true, message: "" } : failed(name, one.error);
    if (query.kind === "metrics" && outcome.series.length === 1) return { results: [read(sli, outcome.series[0] as SeriesValue)] };
    const names = outcome.series.map((one) => (one.label === "" ? sli : `${sli}_${cleanSliName(one.label)}`));
    // Two series under one name, or a series under another SLI's name, would swap values.
    const twice = names.find((name, i) => names.indexOf(name) !== i);
    const taken = names.find((name) => name !== sli && request.indicators.includes(name));
    if (twice || taken) {
      const why = twice ? `two of its series would both be named ${twice}` : `a series would be named ${taken}, which is another SLI`;
      return {
        results: [failed(sli, `${sli} cannot be read per series: ${why}; split by a dimension whose values differ, or rename the SLI`)],
      };
    }
    return {
      results: outcome.series.map((one, i) => read(names[i] as string, one)),
      split: outcome.series.map((one, i) => ({ sli: names[i] as string, label: one.label })),
    };
  }

  /**
   * A metric's value per series, as dynatrace-service read a dashboard tile that splits by a
   * dimension: each series one value (a series with several is folded once, as a single-series
   * query is), named by its dimensions.
   */
  private async valuesPerSeries(
    parameters: MetricsParameters,
    window: SliWindow,
    signal?: AbortSignal,
    folded = false,
  ): Promise<{ series: SeriesValue[] } | { error: string; failure?: ExternalFailure }> {
    const answer = await this.oneCollection(parameters, window, signal);
    if ("error" in answer) return answer;
    const { warnings } = answer;
    const data = answer.collection.data ?? [];
    if (data.length === 0) return { error: `no data: the metrics query matched no series in the window${warnings}` };
    const values = data.map((one) => (one.values ?? []).filter((v): v is number => typeof v === "number"));
    if (values.some((one) => one.length > 1)) {
      if (!folded)
        return this.valuesPerSeries({ ...parameters, metricSelector: `(${parameters.metricSelector}):fold` }, window, signal, true);
      return { error: "the metrics query returned several values per series where one is needed; use resolution=Inf or :fold" };
    }
    return {
      series: data.map((one, i) => {
        const label = seriesLabel(one.dimensionMap ?? {});
        const [value] = values[i] ?? [];
        return value === undefined
          ? { label, error: `no data: the series ${label} has no value in the window${warnings}` }
          : { label, value };
      }),
    };
  }

  /**
   * The SLI's metric minute by minute over the window (resolution=1m): samples for the
   * statistical comparison. Best effort: without them the comparison uses the run values only.
   */
  private async minuteValues(
    parameters: MetricsParameters,
    window: SliWindow,
    unit: "MicroSecond" | "Byte" | undefined,
    signal?: AbortSignal,
  ): Promise<number[]> {
    const series = await this.minuteSeries(parameters, window, signal);
    if (series.length !== 1) return [];
    return (series[0] ?? []).filter((v): v is number => typeof v === "number").map((v) => (unit ? v / UNIT_DIVISOR[unit] : v));
  }

  /** Each series of a metric minute by minute over the window; none when Dynatrace does not answer. */
  private async minuteSeries(parameters: MetricsParameters, window: SliWindow, signal?: AbortSignal): Promise<Array<Array<number | null>>> {
    try {
      const response = await this.queryMetrics({ ...parameters, resolution: "1m" }, window, signal);
      const body = response.body as MetricsBody;
      return response.status < 300 ? (body?.result?.[0]?.data ?? []).map((series) => series.values ?? []) : [];
    } catch (error) {
      if (error instanceof ExternalServiceError) return [];
      throw error;
    }
  }

  private run(query: DynatraceQuery, window: SliWindow, signal?: AbortSignal): Promise<Outcome> {
    switch (query.kind) {
      case "metrics":
        return this.metrics(query.parameters, window, signal);
      case "slo":
        return this.slo(query.id, window, signal);
      case "problems":
        return this.count("problems", query.parameters, window, signal);
      case "security-problems":
        return this.count("securityProblems", query.parameters, window, signal);
      case "dql":
        return this.dql(query.query, window, signal);
      case "usql":
        return this.usql(query, window, signal);
    }
  }

  /**
   * A user sessions query (USQL, API v1), read as dynatrace-service read it: SINGLE_VALUE takes the
   * first cell; the charts take the second column of the row whose first column is the
   * dimension; TABLE takes that row's last column.
   */
  private async usql(query: Extract<DynatraceQuery, { kind: "usql" }>, window: SliWindow, signal?: AbortSignal): Promise<Outcome> {
    const table = await this.usqlTable(query, window, signal);
    if ("error" in table) return table;
    const { rows } = table;
    const numeric = (cell: unknown): Outcome =>
      isNumber(cell) ? { value: cell } : { error: `the user sessions query gave ${JSON.stringify(cell)} where a number is needed` };
    if (query.visualisation === "SINGLE_VALUE") return numeric(rows[0]?.[0]);
    const row = rows.find((candidate) => Array.isArray(candidate) && String(candidate[0]) === query.dimension);
    if (!row) return { error: `no row for the dimension '${query.dimension}' in the user sessions answer (${rows.length} rows)` };
    return numeric(usqlRowValue(query, row));
  }

  /**
   * Every row of a user sessions chart or table, one SLI each, as dynatrace-service read a
   * user-sessions tile: the first column names the row, the second (a chart) or the last (a table)
   * is its value; a row that cannot be read is named by its number and fails.
   */
  private async usqlRows(
    query: Extract<DynatraceQuery, { kind: "usql" }>,
    window: SliWindow,
    signal?: AbortSignal,
  ): Promise<{ series: SeriesValue[] } | { error: string; failure?: ExternalFailure }> {
    const table = await this.usqlTable(query, window, signal);
    if ("error" in table) return table;
    return {
      series: table.rows.map((row, i): SeriesValue => {
        const [name] = row;
        const cell = usqlRowValue(query, row);
        if (typeof name !== "string" || row.length < 2)
          return { label: String(i + 1), error: `row ${i + 1} of the user sessions answer has no name and value: ${JSON.stringify(row)}` };
        return isNumber(cell)
          ? { label: name, value: cell }
          : { label: name, error: `the user sessions query gave ${JSON.stringify(cell)} for ${name} where a number is needed` };
      }),
    };
  }

  /** A user sessions query's rows over the window (User Sessions Query API v1). */
  private async usqlTable(
    query: Extract<DynatraceQuery, { kind: "usql" }>,
    window: SliWindow,
    signal?: AbortSignal,
  ): Promise<{ rows: unknown[][] } | { error: string; failure?: ExternalFailure }> {
    const { from, to } = this.timeframe(window);
    const response = await this.classic.getJson(
      "../v1/userSessionQueryLanguage/table",
      { query: query.query, explain: "false", addDeepLinkFields: "false", startTimestamp: from, endTimestamp: to },
      signal,
      await this.auth.classic(signal),
    );
    if (response.status >= 300)
      return {
        error: `Dynatrace refused the user sessions query (${dynatraceErrorText(response)})`,
        failure: failureForStatus(response.status),
      };
    const rows = (response.body as { values?: unknown[][] })?.values;
    if (!Array.isArray(rows) || rows.length === 0) return { error: "no data: the user sessions query returned no rows" };
    return { rows: rows.map((row) => (Array.isArray(row) ? row : [])) };
  }

  private timeframe(window: SliWindow): { from: string; to: string } {
    // Whole seconds in milliseconds, as Keptn sent them.
    const ms = (iso: string) => String(Math.floor(Date.parse(iso) / 1000) * 1000);
    return { from: ms(window.start), to: ms(window.end) };
  }

  /** One metrics query over the window: the response, whatever its status. */
  private async queryMetrics(parameters: MetricsParameters, window: SliWindow, signal?: AbortSignal) {
    const query = { ...parameters, resolution: parameters.resolution ?? "Inf", ...this.timeframe(window) };
    return this.classic.getJson("metrics/query", query, signal, await this.auth.classic(signal));
  }

  /** One SLI's metrics query on its own; the value in the metric's own unit. */
  private async metrics(parameters: MetricsParameters, window: SliWindow, signal?: AbortSignal, folded = false): Promise<Outcome> {
    const answer = await this.oneCollection(parameters, window, signal);
    if ("error" in answer) return answer;
    return this.seriesValue(answer.collection, answer.warnings, parameters, window, signal, folded);
  }

  /** A metrics query's one collection (one selector), with Dynatrace's warnings as a message suffix. */
  private async oneCollection(
    parameters: MetricsParameters,
    window: SliWindow,
    signal?: AbortSignal,
  ): Promise<{ collection: MetricsCollection; warnings: string } | { error: string; failure?: ExternalFailure }> {
    const response = await this.queryMetrics(parameters, window, signal);
    if (response.status >= 300)
      return { error: `Dynatrace refused the metrics query (${dynatraceErrorText(response)})`, failure: failureForStatus(response.status) };
    const body = response.body as MetricsBody;
    const collections = Array.isArray(body?.result) ? body.result : undefined;
    if (!collections) return { error: "Dynatrace answered the metrics query without a result list" };
    const warnings = body.warnings?.length ? ` (Dynatrace: ${body.warnings.join("; ")})` : "";
    if (collections.length !== 1)
      return { error: `the metrics query returned ${collections.length} metric results where one is needed${warnings}` };
    return { collection: collections[0] as MetricsCollection, warnings };
  }

  /** The one value of a metric's collection, with Keptn's rules for series and resolution. */
  private seriesValue(
    collection: MetricsCollection,
    warnings: string,
    parameters: MetricsParameters,
    window: SliWindow,
    signal: AbortSignal | undefined,
    folded: boolean,
  ): Outcome | Promise<Outcome> {
    const series = collection.data ?? [];
    if (series.length === 0) return { error: `no data: the metrics query matched no series in the window${warnings}` };
    if (series.length > 1) {
      const shown = series.slice(0, 3).map(dimensionsOf).join(", ");
      return {
        error: `the metrics query returned ${series.length} series (${shown}${series.length > 3 ? ", …" : ""}) where one is needed: merge them with :splitBy() or narrow the entitySelector`,
      };
    }
    const values = (series[0]?.values ?? []).filter((v): v is number => typeof v === "number");
    if (values.length === 0) return { error: `no data: the series has no values in the window${warnings}` };
    if (values.length > 1) {
      // An explicit resolution left several points: fold them into one, as Keptn did, once.
      if (parameters.resolution !== undefined && !folded)
        return this.metrics({ ...parameters, metricSelector: `(${parameters.metricSelector}):fold` }, window, signal, true);
      return { error: `the metrics query returned ${values.length} values where one is needed; use resolution=Inf or :fold` };
    }
    return { value: values[0] as number };
  }

  /**
   * The metrics queries that share everything but their selector, sent as one request per batch;
   * each SLI's value is read from its own collection, matched by metricId. When Dynatrace refuses
   * a batch (one bad selector fails the whole request) or a selector has no collection of its
   * own, those SLIs are asked on their own, so a neighbour's mistake never becomes theirs.
   */
  private metricsInBatches(
    members: ReadonlyArray<BatchMember<string>>,
    window: SliWindow,
    signal?: AbortSignal,
  ): Map<string, Promise<Outcome>> {
    const outcomes = new Map<string, Promise<Outcome>>();
    for (const batch of batchMetricsQueries(members)) {
      const selectors = selectorsOf(batch);
      if (selectors.length === 1) {
        // Several SLIs with one selector: one request, read once.
        const shared = this.metrics(batch[0]?.parameters as MetricsParameters, window, signal);
        for (const member of batch) outcomes.set(member.key, shared);
        continue;
      }
      const parameters = { ...(batch[0]?.parameters as MetricsParameters), metricSelector: selectors.join(",") };
      const answered = this.queryMetrics(parameters, window, signal).then((response) => {
        const body = response.body as MetricsBody;
        if (response.status < 300 && Array.isArray(body?.result)) return body;
        this.options.onProgress?.(
          `Dynatrace refused ${selectors.length} metric selectors in one request (${dynatraceErrorText(response)}); asking for each on its own`,
          true,
        );
        return null;
      });
      for (const member of batch) {
        outcomes.set(
          member.key,
          answered.then((body) => {
            const collection = body?.result ? collectionFor(member.parameters.metricSelector, body.result) : null;
            if (!body || !collection) return this.metrics(member.parameters, window, signal);
            const warnings = collection.warnings?.length ? ` (Dynatrace: ${collection.warnings.join("; ")})` : "";
            return this.seriesValue(collection, warnings, member.parameters, window, signal, false);
          }),
        );
      }
    }
    return outcomes;
  }

  private async slo(id: string, window: SliWindow, signal?: AbortSignal): Promise<Outcome> {
    const response = await this.classic.getJson(
      `slo/${encodeURIComponent(id)}`,
      { ...this.timeframe(window), timeFrame: "GTF" },
      signal,
      await this.auth.classic(signal),
    );
    if (response.status >= 300)
      return { error: `Dynatrace refused the SLO request (${dynatraceErrorText(response)})`, failure: failureForStatus(response.status) };
    const body = response.body as { evaluatedPercentage?: unknown; error?: unknown };
    // A 200 can still carry an evaluation error; -1 means the SLO was not evaluated.
    if (typeof body?.error === "string" && body.error !== "NONE") return { error: `SLO ${id} could not be evaluated: ${body.error}` };
    if (typeof body?.evaluatedPercentage !== "number" || body.evaluatedPercentage === -1)
      return { error: `SLO ${id} has no evaluated percentage for the window` };
    return { value: body.evaluatedPercentage };
  }

  private async count(
    path: "problems" | "securityProblems",
    parameters: Record<string, string>,
    window: SliWindow,
    signal?: AbortSignal,
  ): Promise<Outcome> {
    const response = await this.classic.getJson(
      path,
      { ...parameters, ...this.timeframe(window) },
      signal,
      await this.auth.classic(signal),
    );
    if (response.status >= 300)
      return {
        error: `Dynatrace refused the ${path} request (${dynatraceErrorText(response)})`,
        failure: failureForStatus(response.status),
      };
    const total = (response.body as { totalCount?: unknown })?.totalCount;
    if (typeof total !== "number") return { error: `Dynatrace answered the ${path} request without a totalCount` };
    return { value: total };
  }

  private async dql(query: string, window: SliWindow, signal?: AbortSignal): Promise<Outcome> {
    const headers = await this.auth.platform(signal);
    const started = this.now();
    let response = await this.platform.postJson(
      "storage/query/v1/query:execute",
      {
        query,
        defaultTimeframeStart: window.start,
        defaultTimeframeEnd: window.end,
        timezone: "UTC",
        locale: "en_US",
        requestTimeoutMilliseconds: 5000,
      },
      { headers, idempotent: false, ...(signal ? { signal } : {}) },
    );
    for (;;) {
      if (response.status >= 300)
        return { error: `Dynatrace refused the DQL query (${dynatraceErrorText(response)})`, failure: failureForStatus(response.status) };
      const body = response.body as { state?: string; requestToken?: string; result?: { records?: unknown[] } };
      if (body?.state === "SUCCEEDED") return this.dqlValue(body.result?.records);
      if (body?.state !== "RUNNING" && body?.state !== "NOT_STARTED")
        return { error: `the DQL query ended ${body?.state ?? "without a state"}` };
      if (!body.requestToken) return { error: "the DQL query is running but Dynatrace gave no request token to poll" };
      if (this.now() - started > (this.options.dqlTimeoutMs ?? 60_000))
        return { error: `the DQL query did not finish within ${this.options.dqlTimeoutMs ?? 60_000} ms` };
      response = await this.platform.getJson(
        "storage/query/v1/query:poll",
        { "request-token": body.requestToken, "request-timeout-milliseconds": "5000" },
        signal,
        headers,
      );
    }
  }

  private dqlValue(records: unknown[] | undefined): Outcome {
    if (!Array.isArray(records) || records.length === 0) return { error: "no data: the DQL query returned no records" };
    if (records.length > 1)
      return { error: `the DQL query returned ${records.length} records where one is needed: summarize them into one` };
    const record = records[0] as Record<string, unknown>;
    const numeric = Object.entries(record).filter(
      ([, v]) => typeof v === "number" || (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))),
    );
    if (numeric.length !== 1) {
      return {
        error: `the DQL record has ${numeric.length} numeric fields (${Object.keys(record).join(", ")}) where one is needed: select one field`,
      };
    }
    const value = Number((numeric[0] as [string, unknown])[1]);
    if (!Number.isFinite(value)) return { error: "the DQL value is not a finite number" };
    return { value };
  }

  async close(): Promise<void> {
    await Promise.all([this.classic.close(), this.platform.close(), this.auth.close()]);
  }
}
