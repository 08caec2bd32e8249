/**
 * Keptn's sli.yaml query forms for Dynatrace, read as dynatrace-service read them:
 * `metricSelector=…&entitySelector=…&resolution=…&mzSelector=…` (and slogate's `&perSeries=true`), the legacy
 * `<selector>?scope=<entities>`, `MV2;<MicroSecond|Byte>;<metrics query>`, `SLO;<id>`,
 * `PV2;<problems query>`, `SECPV2;<security problems query>`,
 * `USQL;<SINGLE_VALUE|PIE_CHART|COLUMN_CHART|LINE_CHART|TABLE>;<dimension or *>;<user sessions query>`,
 * and slogate's `DQL;<query>`.
 */

export type MetricsParameters = {
  metricSelector: string;
  entitySelector?: string;
  resolution?: string;
  mzSelector?: string;
};

export type DynatraceQuery =
  | {
      kind: "metrics";
      parameters: MetricsParameters;
      unit?: "MicroSecond" | "Byte";
      /** One value per series, each its own SLI (a dashboard tile split by a dimension), not one value. */
      perSeries?: true;
    }
  | { kind: "slo"; id: string }
  | { kind: "problems"; parameters: Record<string, string> }
  | { kind: "security-problems"; parameters: Record<string, string> }
  | { kind: "dql"; query: string }
  | { kind: "usql"; visualisation: UsqlVisualisation; dimension: string; query: string };

/** How dynatrace-service read a USQL answer: one value, or a row's value picked by its dimension. */
export const USQL_VISUALISATIONS = ["SINGLE_VALUE", "PIE_CHART", "COLUMN_CHART", "LINE_CHART", "TABLE"] as const;
export type UsqlVisualisation = (typeof USQL_VISUALISATIONS)[number];

export type ParsedQuery = { query: DynatraceQuery } | { error: string };

/** A USQL chart or table's dimension that reads every row, one SLI each (slogate's; a dashboard tile's rows). */
export const ROW_BY_ROW = "*";

const METRICS_KEYS = ["metricSelector", "entitySelector", "resolution", "mzSelector", "perSeries"];
const PROBLEMS_KEYS = ["problemSelector", "entitySelector"];
const SECURITY_PROBLEMS_KEYS = ["securityProblemSelector"];

/** `a=b&c=d` with dynatrace-service's rules: trimmed pairs, one `=` each, known keys, no repeats. */
function keyValuePairs(text: string, allowed: readonly string[]): Record<string, string> | string {
  const query = text.trim();
  if (query === "") return "the query is empty";
  const pairs: Record<string, string> = {};
  for (const raw of query.split("&")) {
    const chunk = raw.trim();
    if (chunk === "") return "the query has an empty 'key=value' pair (two '&' in a row?)";
    const parts = chunk.split("=");
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      return parts.length === 1
        ? `'${chunk}' is not a 'key=value' pair; write metricSelector=${chunk} if it is a metric selector`
        : `could not read '${chunk}' as one 'key=value' pair (Keptn allowed exactly one '=' in each)`;
    }
    const [key, value] = parts as [string, string];
    if (!allowed.includes(key)) return `unknown key '${key}'; expected ${allowed.join(", ")}`;
    if (key in pairs) return `the key '${key}' appears twice`;
    pairs[key] = value;
  }
  return pairs;
}

/** The old `<selector>?scope=<entity selector>` form, rewritten as Keptn rewrote it. */
function fromLegacyScope(text: string): string | { error: string } {
  const query = text.startsWith("?") ? text.slice(1) : text;
  const parts = query.split("?");
  if (parts.length === 1) return query;
  const [selector = "", scope = ""] = parts;
  if (!scope.startsWith("scope=")) return { error: "invalid metric query: the part after '?' must be 'scope=<entity selector>'" };
  let entities = scope.slice("scope=".length);
  if (entities === "") return { error: "invalid metric query: 'scope=' has no value" };
  if (!entities.includes("type(SERVICE)")) entities += ",type(SERVICE)";
  return `metricSelector=${selector}&entitySelector=${entities}`;
}

function metricsQuery(text: string, unit?: "MicroSecond" | "Byte"): ParsedQuery {
  if (text.trim() === "") return { error: "empty metric selector" };
  const rewritten = fromLegacyScope(text.trim());
  if (typeof rewritten !== "string") return rewritten;
  const pairs = keyValuePairs(rewritten, METRICS_KEYS);
  if (typeof pairs === "string") return { error: pairs };
  if (!pairs.metricSelector) return { error: "the query has no metricSelector" };
  // perSeries is slogate's, read here and never sent to Dynatrace.
  const { perSeries, ...parameters } = pairs;
  if (perSeries !== undefined && perSeries !== "true") return { error: `perSeries takes true, not '${perSeries}'` };
  return {
    query: {
      kind: "metrics",
      parameters: parameters as MetricsParameters,
      ...(unit ? { unit } : {}),
      ...(perSeries ? { perSeries: true as const } : {}),
    },
  };
}

/** Splits `PREFIX;a;b` into a fixed number of pieces; the last keeps any further `;`. */
function pieces(text: string, count: number): string[] | undefined {
  const parts = text.split(";");
  if (parts.length < count) return undefined;
  return [...parts.slice(0, count - 1), parts.slice(count - 1).join(";")];
}

export function parseDynatraceQuery(text: string): ParsedQuery {
  const prefix = /^(USQL|SLO|PV2|SECPV2|MV2|DQL);/.exec(text)?.[1];
  switch (prefix) {
    case "USQL": {
      const [, visualisation = "", dimension = "", query = ""] = pieces(text, 4) ?? [];
      if (!(USQL_VISUALISATIONS as readonly string[]).includes(visualisation)) {
        return {
          error: `USQL; needs one of ${USQL_VISUALISATIONS.join(", ")} after it, not '${visualisation}': USQL;<type>;<dimension>;<query>`,
        };
      }
      if (query.trim() === "") return { error: "USQL; needs a query: USQL;<type>;<dimension>;SELECT …" };
      if (visualisation === "SINGLE_VALUE" && dimension !== "")
        return { error: "USQL;SINGLE_VALUE; takes no dimension: USQL;SINGLE_VALUE;;SELECT …" };
      if (visualisation !== "SINGLE_VALUE" && dimension === "")
        return {
          error: `USQL;${visualisation}; needs the dimension whose row is the value, or * for one SLI per row: USQL;${visualisation};<dimension>;SELECT …`,
        };
      return { query: { kind: "usql", visualisation: visualisation as UsqlVisualisation, dimension, query: query.trim() } };
    }
    case "SLO": {
      const [, id = ""] = pieces(text, 2) ?? [];
      if (id.trim() === "") return { error: "SLO; needs the SLO's id: SLO;<id>" };
      return { query: { kind: "slo", id: id.trim() } };
    }
    case "PV2":
    case "SECPV2": {
      const [, rest = ""] = pieces(text, 2) ?? [];
      const pairs = keyValuePairs(rest, prefix === "PV2" ? PROBLEMS_KEYS : SECURITY_PROBLEMS_KEYS);
      if (typeof pairs === "string") return { error: pairs };
      return { query: { kind: prefix === "PV2" ? "problems" : "security-problems", parameters: pairs } };
    }
    case "MV2": {
      const [, unit = "", rest = ""] = pieces(text, 3) ?? [];
      // dynatrace-service took these two units, first letters in either case, and no others.
      if (/^[bB]yte$/.test(unit)) return metricsQuery(rest, "Byte");
      if (/^[Mm]icro[sS]econd$/.test(unit)) return metricsQuery(rest, "MicroSecond");
      return {
        error: `MV2; converts only from MicroSecond (to ms) or Byte (to KB), not '${unit}'; drop the MV2;${unit}; prefix to get the value as Dynatrace gives it`,
      };
    }
    case "DQL": {
      const [, query = ""] = pieces(text, 2) ?? [];
      if (query.trim() === "") return { error: "DQL; needs a query: DQL;fetch …" };
      return { query: { kind: "dql", query: query.trim() } };
    }
    default:
      if (/^\s*select\s/i.test(text)) {
        return {
          error:
            "this looks like a USQL query without the USQL; prefix: write USQL;<SINGLE_VALUE|PIE_CHART|COLUMN_CHART|LINE_CHART|TABLE>;<dimension>;<query>",
        };
      }
      return metricsQuery(text);
  }
}

/** Keptn's Dynatrace defaults when no sli.yaml gives queries. */
export const DEFAULT_DYNATRACE_QUERIES: Record<string, string> = Object.fromEntries(
  [
    ["throughput", 'builtin:service.requestCount.total:merge("dt.entity.service"):sum'],
    ["error_rate", 'builtin:service.errors.total.rate:merge("dt.entity.service"):avg'],
    ["response_time_p50", 'builtin:service.response.time:merge("dt.entity.service"):percentile(50)'],
    ["response_time_p90", 'builtin:service.response.time:merge("dt.entity.service"):percentile(90)'],
    ["response_time_p95", 'builtin:service.response.time:merge("dt.entity.service"):percentile(95)'],
  ].map(([name, selector]) => [
    name,
    `metricSelector=${selector}&entitySelector=type(SERVICE),tag(keptn_project:$PROJECT),tag(keptn_stage:$STAGE),tag(keptn_service:$SERVICE),tag(keptn_deployment:$DEPLOYMENT)`,
  ]),
);
