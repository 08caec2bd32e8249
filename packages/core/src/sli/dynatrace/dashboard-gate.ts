import { SlogateError } from "../../errors.js";
import { parseDynatraceQuery, ROW_BY_ROW, USQL_VISUALISATIONS } from "./query.js";

/** What is wrong with one tile; the gate names the dashboard and the tile around it. */
class TileProblem extends Error {
  constructor(
    message: string,
    readonly suggestion: string,
  ) {
    super(message);
  }
}

/**
 * Keptn's quality-gate dashboards (dynatrace-service's dashboard mode): a dashboard named
 * `KQG;project=<p>;stage=<s>;service=<svc>` whose tiles carry the objectives in their titles
 * (`Response time;sli=rt;pass=<=500;warning=<=800;weight=2;key=true`) and a markdown tile with the
 * total score and comparison (`KQG.Total.Pass=90%;KQG.Compare.Results=3`). This file turns such a
 * dashboard into an slo.yaml and an sli.yaml, by dynatrace-service's rules; pure, no I/O.
 */

/** A dashboard's or a tile's management-zone filter; the zone id `all` means none. */
export interface ManagementZoneFilter {
  managementZone?: { id?: string; name?: string } | null;
}

/** The parts of a Dashboards API v1 dashboard that dashboard mode reads. */
export interface Dashboard {
  id: string;
  /** Dynatrace keeps more (owner, sharing); a write sends back what it read. */
  dashboardMetadata: { name: string; tags?: string[]; dashboardFilter?: ManagementZoneFilter | null; [key: string]: unknown };
  tiles: DashboardTile[];
}

export interface DashboardTile {
  name: string;
  tileType: string;
  /** The tile's own filter; its management zone wins over the dashboard's. */
  tileFilter?: ManagementZoneFilter | null;
  /** MARKDOWN */
  markdown?: string;
  /** DATA_EXPLORER */
  queries?: Array<{ id?: string; enabled?: boolean }>;
  metricExpressions?: string[];
  visualConfig?: {
    /** SINGLE_VALUE shows one series; the other visualisations one per series. */
    type?: string;
    rules?: Array<{ matcher?: string; unitTransform?: string }>;
    thresholds?: Array<{ visible?: boolean; rules?: Array<{ value?: number | null; color?: string }> }>;
  };
  /** SLO */
  assignedEntities?: string[];
  /** CUSTOM_CHARTING */
  filterConfig?: CustomChartConfig;
  /** DTAQL (USQL) */
  customName?: string;
  query?: string;
  type?: string;
}

/** A custom chart's settings (the parts dashboard mode reads). */
export interface CustomChartConfig {
  customName?: string;
  chartConfig?: {
    series?: Array<{
      metric?: string;
      aggregation?: string;
      percentile?: number | null;
      entityType?: string;
      dimensions?: Array<{ name?: string; values?: string[] }>;
    }>;
    leftAxisCustomUnit?: string | null;
  };
  /** Entity type → filter kind (SPECIFIC_ENTITIES, AUTO_TAGS) → values. */
  filtersPerEntityType?: Record<string, Record<string, string[]>>;
}

/** A Dynatrace SLO as dashboard mode needs it: its name and thresholds. */
export interface SloDefinition {
  id: string;
  name: string;
  target: number;
  warning: number;
}

/** What a tile title says (dynatrace-service's grammar). */
export interface TileDefinition {
  displayName: string;
  sli: string | null;
  pass: string[][];
  warning: string[][];
  weight: number;
  key: boolean;
  exclude: boolean;
}

export interface DerivedObjective {
  sli: string;
  displayName: string;
  pass: string[][];
  warning: string[][];
  weight: number;
  key: boolean;
}

/** The gate a dashboard defines: objectives, a query per SLI, the total score and comparison. */
export interface DashboardGate {
  objectives: DerivedObjective[];
  indicators: Record<string, string>;
  totalScore: { pass: string; warning: string };
  comparison: { compare_with: string; include_result_with_score: string; number_of_comparison_results: number; aggregate_function: string };
  /** Tiles passed over, and why (tile types dashboard mode never read). */
  skipped: string[];
}

const CRITERION = /^(<|<=|=|>|>=)([+-]?\d+|[+-]?\d+\.\d+)%?$/;
const GO_BOOL: Record<string, boolean> = {
  "1": true,
  t: true,
  T: true,
  TRUE: true,
  true: true,
  True: true,
  "0": false,
  f: false,
  F: false,
  FALSE: false,
  false: false,
  False: false,
};

/** dynatrace-service's SLI name: lower case, with space, `/`, `%`, `$` and `.` as `_`. */
export function cleanSliName(name: string): string {
  return name.toLowerCase().replace(/[ /%$.]/g, "_");
}

function dashboardError(dashboard: Dashboard, where: string, message: string, suggestion: string): SlogateError {
  return new SlogateError("INVALID_INPUT", `dashboard "${dashboard.dashboardMetadata.name}" (${dashboard.id}), ${where}: ${message}`, {
    suggestion,
  });
}

/** `key=value` pieces split at `;`, each trimmed, with where in the text it starts. */
function pieces(text: string): Array<{ key: string | null; value: string; offset: number }> {
  const found: Array<{ key: string | null; value: string; offset: number }> = [];
  let offset = 0;
  for (const raw of text.split(";")) {
    const start = offset + (raw.length - raw.trimStart().length);
    offset += raw.length + 1;
    const piece = raw.trim();
    const equals = piece.indexOf("=");
    if (equals < 0) found.push({ key: null, value: piece, offset: start });
    else found.push({ key: piece.slice(0, equals).trim().toLowerCase(), value: piece.slice(equals + 1).trim(), offset: start });
  }
  return found;
}

/** Reads a tile title; errors carry the offset in the title where the bad piece starts. */
export function parseTileTitle(title: string): { definition: TileDefinition; errors: string[] } {
  const definition: TileDefinition = { displayName: "", sli: null, pass: [], warning: [], weight: 1, key: false, exclude: false };
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const [index, piece] of pieces(title).entries()) {
    const at = `at offset ${piece.offset}`;
    if (piece.key === null) {
      if (index === 0) definition.displayName = piece.value;
      continue;
    }
    const once = ["sli", "key", "weight", "exclude"];
    if (once.includes(piece.key) && seen.has(piece.key)) {
      errors.push(`${at}: '${piece.key}' is given twice`);
      continue;
    }
    seen.add(piece.key);
    switch (piece.key) {
      case "sli":
        if (piece.value === "") errors.push(`${at}: the sli name is empty`);
        else {
          definition.sli = cleanSliName(piece.value);
          if (definition.displayName === "") definition.displayName = piece.value;
        }
        break;
      case "pass":
      case "warning": {
        // Comma-separated criteria are one block (AND); a repeated key adds a block (OR). Not trimmed, as dynatrace-service.
        const criteria = piece.value.split(",");
        const bad = criteria.filter((criterion) => !CRITERION.test(criterion));
        if (bad.length > 0) errors.push(`${at}: invalid criteria for '${piece.key}': ${bad.map((c) => JSON.stringify(c)).join(", ")}`);
        else definition[piece.key].push(criteria);
        break;
      }
      case "key":
      case "exclude": {
        const value = GO_BOOL[piece.value];
        if (value === undefined) errors.push(`${at}: '${piece.key}' must be true or false, not ${JSON.stringify(piece.value)}`);
        else definition[piece.key] = value;
        break;
      }
      case "weight":
        if (!/^[+-]?\d+$/.test(piece.value)) errors.push(`${at}: 'weight' must be a whole number, not ${JSON.stringify(piece.value)}`);
        else definition.weight = Number(piece.value);
        break;
      default:
        // Unknown keys were ignored by dynatrace-service; so they are here.
        break;
    }
  }
  if (definition.sli === null && definition.displayName !== "") definition.sli = cleanSliName(definition.displayName);
  return { definition, errors };
}

const MARKDOWN_KEYS = ["kqg.total.pass", "kqg.total.warning", "kqg.compare.withscore", "kqg.compare.results", "kqg.compare.function"];

/** The markdown tile's settings, with dynatrace-service's defaults. */
export function parseMarkdownSettings(text: string): {
  settings: Pick<DashboardGate, "totalScore" | "comparison">;
  errors: string[];
} {
  const settings: Pick<DashboardGate, "totalScore" | "comparison"> = {
    totalScore: { pass: "90%", warning: "75%" },
    comparison: {
      compare_with: "single_result",
      include_result_with_score: "pass",
      number_of_comparison_results: 1,
      aggregate_function: "avg",
    },
  };
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const piece of pieces(text)) {
    if (piece.key === null || !MARKDOWN_KEYS.includes(piece.key)) continue;
    if (seen.has(piece.key)) {
      errors.push(`'${piece.key}' is given twice`);
      continue;
    }
    seen.add(piece.key);
    const invalid = () => errors.push(`invalid value for '${piece.key}': ${piece.value}`);
    switch (piece.key) {
      case "kqg.total.pass":
      case "kqg.total.warning":
        if (!/^\d+(\.\d+)?%?$/.test(piece.value)) invalid();
        else settings.totalScore[piece.key === "kqg.total.pass" ? "pass" : "warning"] = piece.value;
        break;
      case "kqg.compare.withscore":
        if (!["pass", "all", "pass_or_warn"].includes(piece.value)) invalid();
        else settings.comparison.include_result_with_score = piece.value;
        break;
      case "kqg.compare.results": {
        const count = /^\d+$/.test(piece.value) ? Number(piece.value) : 0;
        if (count < 1) invalid();
        else {
          settings.comparison.number_of_comparison_results = count;
          settings.comparison.compare_with = count > 1 ? "several_results" : "single_result";
        }
        break;
      }
      case "kqg.compare.function":
        if (!["avg", "p50", "p90", "p95"].includes(piece.value)) invalid();
        else settings.comparison.aggregate_function = piece.value;
        break;
    }
  }
  return { settings, errors };
}

/** The Data Explorer's threshold colours, as dynatrace-service read them: pass, warn or fail. */
const THRESHOLD_COLOURS: Record<string, "pass" | "warn" | "fail"> = Object.fromEntries([
  ...[
    "#006613",
    "#1f7e1e",
    "#5ead35",
    "#7dc540",
    "#9cd575",
    "#e8f9dc",
    "#048855",
    "#009e60",
    "#2ab06f",
    "#54c27d",
    "#99dea8",
    "#e1f7dc",
  ].map((colour) => [colour, "pass"] as const),
  ...["#ef651f", "#fd8232", "#ffa86c", "#ffd0ab", "#c9a000", "#e6be00", "#f5d30f", "#ffe11c", "#ffee7c", "#fff9d5"].map(
    (colour) => [colour, "warn"] as const,
  ),
  ...["#93060e", "#ab0c17", "#c41425", "#dc172a", "#f28289", "#ffeaea"].map((colour) => [colour, "fail"] as const),
]);

/**
 * Criteria from a Data Explorer tile's thresholds, for a title that states none (dynatrace-service's
 * rules): one visible threshold with values, three rules with values and palette colours, values
 * strictly rising, coloured pass-warn-fail (pass from the first value up to the second, warning up
 * to the third) or fail-warn-pass (pass from the third, warning from the second). Null when the
 * tile has no thresholds in use.
 */
export function thresholdCriteria(tile: DashboardTile): { pass: string[][]; warning: string[][] } | { error: string } | null {
  const thresholds = tile.visualConfig?.thresholds ?? [];
  if (thresholds.length === 0) return null;
  if (thresholds.length > 1) return { error: "too many threshold configurations" };
  const threshold = thresholds[0];
  const rules = threshold?.rules ?? [];
  if (!threshold?.visible || !rules.some((rule) => typeof rule.value === "number")) return null;
  const errors: string[] = [];
  if (rules.length !== 3) errors.push(`expected 3 rules rather than ${rules.length} rules`);
  rules.forEach((rule, i) => {
    if (typeof rule.value !== "number") errors.push(`missing value at position ${i + 1}`);
    if (!THRESHOLD_COLOURS[rule.color ?? ""]) errors.push(`invalid color ${rule.color ?? ""} at position ${i + 1}`);
  });
  if (errors.length > 0) return { error: errors.join("; ") };
  const [v1, v2, v3] = rules.map((rule) => rule.value as number) as [number, number, number];
  if (v1 >= v2) errors.push(`values (${v1.toFixed(6)} ${v2.toFixed(6)}) must increase strictly monotonically`);
  if (v2 >= v3) errors.push(`values (${v2.toFixed(6)} ${v3.toFixed(6)}) must increase strictly monotonically`);
  const sequence = rules.map((rule) => THRESHOLD_COLOURS[rule.color ?? ""]).join("-");
  if (sequence !== "pass-warn-fail" && sequence !== "fail-warn-pass")
    errors.push(`invalid color sequence: ${sequence.replaceAll("-", " ")}`);
  if (errors.length > 0) return { error: errors.join("; ") };
  const f = (value: number) => value.toFixed(6);
  return sequence === "pass-warn-fail"
    ? { pass: [[`>=${f(v1)}`, `<${f(v2)}`]], warning: [[`>=${f(v1)}`, `<${f(v3)}`]] }
    : { pass: [[`>=${f(v3)}`]], warning: [[`>=${f(v2)}`]] };
}

/** Where a tile carries its objective: a custom chart's or a user-sessions tile's custom name, else the tile's name. */
function tileTitle(tile: DashboardTile): string {
  if (tile.tileType === "CUSTOM_CHARTING") return tile.filterConfig?.customName ?? "";
  if (tile.tileType === "DTAQL") return tile.customName ?? "";
  return tile.name;
}

/** The objective a tile title defines. */
function objectiveOf(definition: TileDefinition & { sli: string }): DerivedObjective {
  const { sli, displayName, pass, warning, weight, key } = definition;
  return { sli, displayName, pass, warning, weight, key };
}

/** Whether a title carries a gate definition at all (an SLI name or criteria). */
function definesObjective(title: string): boolean {
  return pieces(title).some((piece) => piece.key === "sli" || piece.key === "pass" || piece.key === "warning");
}

/** A string in a Dynatrace selector: quoted, with `~` and `"` escaped by `~`. */
function selectorString(text: string): string {
  return `"${text.replace(/[~"]/g, (c) => `~${c}`)}"`;
}

/**
 * The management-zone filter of a tile's metrics (`mzSelector`) and problems, as dynatrace-service
 * chose the zone: the tile's own filter, else the dashboard's; the zone `all` (or none) filters
 * nothing. By name as dynatrace-service wrote it; by id where the name cannot sit in an sli.yaml
 * query (an `&` or `=` in it) or is missing.
 */
export function managementZoneOf(dashboard: Dashboard, tile: DashboardTile): { metrics: string; problems: string } | null {
  const zone = tile.tileFilter?.managementZone ?? dashboard.dashboardMetadata.dashboardFilter?.managementZone;
  if (!zone || zone.id === "all" || (!zone.name && !zone.id)) return null;
  if (zone.name && !/[&=]/.test(zone.name)) {
    const name = selectorString(zone.name);
    return { metrics: `mzName(${name})`, problems: `managementZones(${name})` };
  }
  return { metrics: `mzId(${zone.id})`, problems: `managementZoneIds(${selectorString(String(zone.id))})` };
}

/** What a metric's descriptor (GET /api/v2/metrics/{selector}) says that dashboard mode needs. */
export interface MetricDescriptor {
  unit: string;
  transformations: string[];
  /** The aggregation a custom chart's "none" means. */
  defaultAggregation?: string;
  /** The entity types the metric is split by; the first is a custom chart's entity type. */
  entityType?: string[];
}

/** A descriptor as read for the gate: the descriptor, or why Dynatrace did not give it. */
export type DescriptorAnswer = MetricDescriptor | { error: string };

/** Scaled counts: a count or unitless metric shown in thousands, millions… is divided. */
const COUNT_SCALE: Record<string, number> = { Kilo: 1e3, Million: 1e6, Billion: 1e9, Trillion: 1e12 };

/** A Data Explorer tile's metric expression split up: its resolution, selector and unit conversion. */
function dataExplorerParts(
  tile: DashboardTile,
  fail: (message: string, suggestion: string) => never,
): { selector: string; resolution: string; unit: string | null } {
  const enabled = (tile.queries ?? []).filter((query) => query.enabled !== false);
  if (enabled.length !== 1) {
    fail(`has ${enabled.length} enabled queries`, "Keep exactly one query enabled in the tile, as dynatrace-service required");
  }
  const expression = tile.metricExpressions?.[0];
  if (!expression) fail("has no metric expression", "Save the tile in the Data Explorer again so Dynatrace stores its metric expression");
  const amp = expression.indexOf("&");
  const resolution = amp > 0 ? expression.slice(0, amp) : "";
  if (!resolution.startsWith("resolution=") || amp === expression.length - 1) {
    fail(`has a metric expression that is not resolution=<r>&<selector>: ${expression}`, "Save the tile in the Data Explorer again");
  }
  const matcher = `${enabled[0]?.id ?? "A"}:`;
  const rules = (tile.visualConfig?.rules ?? []).filter((rule) => rule.matcher === matcher);
  if (rules.length > 1) fail(`has ${rules.length} unit rules for query ${matcher}`, "Keep one unit setting per query in the tile");
  const unit = rules[0]?.unitTransform ?? "";
  return {
    selector: expression.slice(amp + 1),
    resolution: resolution.slice("resolution=".length),
    unit: ["", "auto", "none"].includes(unit) ? null : unit,
  };
}

/**
 * The objective a tile's title defines, and what is wrong with the title. No objective when the
 * title excludes the tile, names no SLI, or cannot be read.
 */
function titledObjective(tile: DashboardTile): { objective: (TileDefinition & { sli: string }) | null; errors: string[] } {
  const { definition, errors } = parseTileTitle(tileTitle(tile));
  const { sli } = definition;
  const defines = errors.length === 0 && !definition.exclude && sli !== null;
  return { objective: defines ? { ...definition, sli } : null, errors };
}

/**
 * The metrics whose descriptors the dashboard's objective tiles need: the selectors of Data
 * Explorer tiles that convert their unit (the conversion depends on the metric's own unit) and
 * the metrics of custom charts (their aggregation and entity type). Tiles that define no objective
 * are passed over here as the gate passes over them.
 */
export function metricsToDescribe(dashboard: Dashboard): string[] {
  const metrics = new Set<string>();
  for (const tile of dashboard.tiles) {
    if (tile.tileType !== "DATA_EXPLORER" && tile.tileType !== "CUSTOM_CHARTING") continue;
    if (!titledObjective(tile).objective) continue;
    if (tile.tileType === "CUSTOM_CHARTING") {
      const metric = tile.filterConfig?.chartConfig?.series?.[0]?.metric;
      if (metric) metrics.add(metric);
      continue;
    }
    try {
      const parts = dataExplorerParts(tile, (message) => {
        throw new Error(message);
      });
      if (parts.unit) metrics.add(parts.selector);
    } catch {
      // A malformed tile is reported, with its place, when the gate is read.
    }
  }
  return [...metrics];
}

/**
 * The selector that shows a metric in the tile's unit, as dynatrace-service wrote it: none when
 * the metric already has that unit; a count or unitless metric divided for Kilo…Trillion;
 * otherwise `:toUnit(<metric's unit>,<tile's unit>)` (after `:auto` when the selector's last
 * transformation does not allow toUnit directly).
 */
export function convertedSelector(selector: string, target: string, metric: MetricDescriptor): { selector: string } | { error: string } {
  if (metric.unit === target) return { selector };
  if (metric.unit === "Count" || metric.unit === "Unspecified") {
    const scale = COUNT_SCALE[target];
    if (scale === undefined) return { error: `unknown unit '${target}' for a ${metric.unit} metric` };
    return { selector: `(${selector})/${scale}` };
  }
  const auto = metric.transformations.includes("toUnit") ? "" : ":auto";
  return { selector: `(${selector})${auto}:toUnit(${metric.unit},${target})` };
}

/** The selector in the tile's unit, or the tile's error. */
function inTileUnit(
  selector: string,
  unit: string,
  descriptor: DescriptorAnswer | undefined,
  fail: (message: string, suggestion: string) => never,
): string {
  const metric = descriptor ?? { error: "its descriptor was not read" };
  if ("error" in metric) {
    fail(
      `converts its unit to ${unit}, but the metric's own unit is not known: ${metric.error}`,
      "Set the tile's unit to auto and write the criteria in the metric's unit, or fix the metric expression",
    );
  }
  const converted = convertedSelector(selector, unit, metric);
  if ("error" in converted)
    fail(`cannot show the metric in ${unit}: ${converted.error}`, "Pick Kilo, Million, Billion or Trillion, or auto, as the tile's unit");
  return converted.selector;
}

/** A Data Explorer tile's query: the enabled query's metric expression, `resolution=<r>&<selector>`. */
function dataExplorerQuery(
  tile: DashboardTile,
  zone: { metrics: string } | null,
  units: ReadonlyMap<string, DescriptorAnswer>,
  fail: (message: string, suggestion: string) => never,
): string {
  const parts = dataExplorerParts(tile, fail);
  const selector = parts.unit ? inTileUnit(parts.selector, parts.unit, units.get(parts.selector), fail) : parts.selector;
  const resolution = parts.resolution && parts.resolution !== "null" ? `&resolution=${parts.resolution}` : "";
  // A chart or table shows a series per dimension value, each its own SLI in dynatrace-service;
  // a single-value tile shows one.
  const perSeries = tile.visualConfig?.type === "SINGLE_VALUE" ? "" : "&perSeries=true";
  return `metricSelector=${selector}${resolution}${zone ? `&mzSelector=${zone.metrics}` : ""}${perSeries}`;
}

/** Custom charts' aggregations as metric-selector transformations. */
const CHART_AGGREGATION: Record<string, string> = {
  AVG: "avg",
  SUM: "sum",
  MIN: "min",
  MAX: "max",
  COUNT: "count",
  MEDIAN: "median",
  VALUE: "value",
  // Ratios of interest are averages of the percentage the metric already is.
  OF_INTEREST_RATIO: "avg",
  OTHER_RATIO: "avg",
};

/**
 * A custom chart's query, built as dynatrace-service built it from the chart's one series: the
 * metric, filtered to the one dimension value the chart picks, split by its dimension (or merged),
 * aggregated as the chart shows it; its entity filters as the entity selector; its axis unit as
 * the tile's unit.
 */
function customChartQuery(
  tile: DashboardTile,
  zone: { metrics: string } | null,
  descriptors: ReadonlyMap<string, DescriptorAnswer>,
  fail: (message: string, suggestion: string) => never,
): string {
  const chart = tile.filterConfig?.chartConfig;
  const series = chart?.series ?? [];
  if (series.length !== 1)
    fail(
      `charts ${series.length} series; dashboard mode reads a custom chart of one`,
      "Keep one metric in the chart, or split it into tiles",
    );
  const [one] = series as [NonNullable<(typeof series)[number]>];
  if (!one.metric) fail("charts a series with no metric", "Pick the metric in the chart's settings");
  const dimensions = one.dimensions ?? [];
  const [dimension] = dimensions;
  if (dimensions.length > 1 || (dimension?.values ?? []).length > 1)
    fail("splits its series by more than one dimension or value", "Split by one dimension, and pick at most one of its values");
  const descriptor = descriptors.get(one.metric) ?? { error: "its descriptor was not read" };
  if ("error" in descriptor)
    fail(`charts ${one.metric}, whose descriptor Dynatrace did not give: ${descriptor.error}`, "Check the metric exists");
  const chartAggregation = (one.aggregation ?? "NONE").toUpperCase();
  const aggregation =
    chartAggregation === "NONE"
      ? descriptor.defaultAggregation
      : chartAggregation === "PERCENTILE"
        ? `percentile(${(one.percentile ?? 50).toFixed(6)})`
        : CHART_AGGREGATION[chartAggregation];
  if (!aggregation) fail(`aggregates by ${chartAggregation}, which has no metric-selector form`, "Pick another aggregation in the chart");
  const name = dimension?.name;
  const value = dimension?.values?.[0];
  let selector = `${one.metric}${name && value !== undefined ? `:filter(eq(${selectorString(name)},${selectorString(value)}))` : ""}:splitBy(${name ? selectorString(name) : ""}):${aggregation}:names`;
  const unit = chart?.leftAxisCustomUnit;
  if (unit && !["auto", "none"].includes(unit)) selector = inTileUnit(selector, unit, descriptor, fail);

  const entityType = descriptor.entityType?.[0] ?? one.entityType;
  if (!entityType) fail(`charts ${one.metric}, which is split by no entity type`, "Pick a metric of an entity (a service, a host…)");
  let entities = `type(${entityType})`;
  const unknown: string[] = [];
  for (const [type, filters] of Object.entries(tile.filterConfig?.filtersPerEntityType ?? {})) {
    let conditions = "";
    for (const [kind, values] of Object.entries(filters)) {
      if (values.length === 0) continue;
      if (kind === "SPECIFIC_ENTITIES") conditions += `,entityId(${values.map(selectorString).join(",")})`;
      else if (kind === "AUTO_TAGS") conditions += values.map((tag) => `,tag(${selectorString(tag)})`).join("");
      else unknown.push(`${type}.${kind}`);
    }
    if (type === entityType) entities += conditions;
    else if (entityType === "SERVICE_KEY_REQUEST" && type === "SERVICE" && conditions)
      entities += `,fromRelationships.isServiceMethodOfService(type(SERVICE)${conditions})`;
    else if (conditions) unknown.push(type);
  }
  if (unknown.length > 0)
    fail(
      `filters by ${unknown.join(", ")}, which dashboard mode cannot write as an entity selector`,
      "Filter by specific entities or tags of the chart's entity type",
    );
  return `metricSelector=${selector}&entitySelector=${entities}${zone ? `&mzSelector=${zone.metrics}` : ""}&perSeries=true`;
}

/**
 * The gate a dashboard defines, tile by tile in dashboard order. `slos` holds the SLOs that SLO
 * tiles name and `units` the units of the metrics whose tiles convert them (both fetched by the
 * caller). Errors name the dashboard and the tile.
 */
export function gateFromDashboard(
  dashboard: Dashboard,
  slos: ReadonlyMap<string, SloDefinition>,
  descriptors: ReadonlyMap<string, DescriptorAnswer> = new Map(),
): DashboardGate {
  const objectives: DerivedObjective[] = [];
  const indicators: Record<string, string> = {};
  const skipped: string[] = [];
  const owner = new Map<string, string>();
  let settings: Pick<DashboardGate, "totalScore" | "comparison"> | null = null;
  const add = (objective: DerivedObjective, query: string, where: string) => {
    // What the tile says must read back as an sli.yaml query (a value with & or =, say, cannot).
    const parsed = parseDynatraceQuery(query);
    if ("error" in parsed)
      throw new TileProblem(
        `gives a query slogate cannot read back: ${parsed.error}`,
        "Remove & and = from the tile's filter values and names",
      );
    const earlier = owner.get(objective.sli);
    if (earlier) {
      throw dashboardError(
        dashboard,
        where,
        `defines the SLI "${objective.sli}" that ${earlier} defines already`,
        "Give one of the tiles its own sli=<name>",
      );
    }
    owner.set(objective.sli, where);
    objectives.push(objective);
    indicators[objective.sli] = query;
  };
  for (const [index, tile] of dashboard.tiles.entries()) {
    const where = `tile ${index + 1} (${tile.tileType} "${tile.name}")`;
    const fail = (message: string, suggestion: string): never => {
      throw new TileProblem(message, suggestion);
    };
    // A tile that defines no objective (no sli=, pass= or warning=, no coloured thresholds) and
    // cannot be read is a chart on the dashboard, not part of the gate: passed over with a note.
    const title = tileTitle(tile);
    const titled = () => {
      const { objective, errors } = titledObjective(tile);
      if (errors.length > 0)
        fail(
          `title ${JSON.stringify(title)}: ${errors.join("; ")}`,
          "Write the title as <name>;sli=<sli>;pass=<=500;warning=<=800;weight=1;key=false",
        );
      return objective;
    };
    const informational =
      ["DATA_EXPLORER", "CUSTOM_CHARTING", "DTAQL"].includes(tile.tileType) && !definesObjective(title) && thresholdCriteria(tile) === null;
    try {
      switch (tile.tileType) {
        case "MARKDOWN": {
          if (!tile.markdown?.includes("KQG.")) continue;
          if (settings) fail("is a second markdown tile with KQG. settings", "Keep the settings in one markdown tile");
          const parsed = parseMarkdownSettings(tile.markdown);
          if (parsed.errors.length > 0)
            fail(
              parsed.errors.join("; "),
              "Use KQG.Total.Pass=90%;KQG.Total.Warning=75%;KQG.Compare.WithScore=pass;KQG.Compare.Results=1;KQG.Compare.Function=avg",
            );
          settings = parsed.settings;
          continue;
        }
        case "DATA_EXPLORER": {
          const definition = titled();
          if (!definition) continue;
          const query = dataExplorerQuery(tile, managementZoneOf(dashboard, tile), descriptors, fail);
          // Without criteria in the title, the tile's coloured thresholds are the criteria.
          if (definition.pass.length === 0 && definition.warning.length === 0) {
            const fromThresholds = thresholdCriteria(tile);
            if (fromThresholds && "error" in fromThresholds) {
              fail(
                `has thresholds dashboard mode cannot read: ${fromThresholds.error}`,
                "Colour three thresholds pass-warn-fail or fail-warn-pass with rising values, or write pass=/warning= in the title",
              );
            }
            if (fromThresholds && !("error" in fromThresholds)) Object.assign(definition, fromThresholds);
          }
          add(objectiveOf(definition), query, where);
          continue;
        }
        case "SLO": {
          const ids = tile.assignedEntities ?? [];
          if (ids.length === 0) fail("names no SLO", "Pick the SLO in the tile's settings");
          for (const id of ids) {
            const slo = slos.get(id) ?? fail(`names the SLO ${id}, which Dynatrace does not have`, "Pick an existing SLO in the tile");
            // Dynatrace's warning threshold is above its target: passing means above the warning line.
            add(
              // Printed with six decimals, as dynatrace-service's %f printed them.
              {
                sli: cleanSliName(slo.name),
                displayName: slo.name,
                pass: [[`>=${slo.warning.toFixed(6)}`]],
                warning: [[`>=${slo.target.toFixed(6)}`]],
                weight: 1,
                key: false,
              },
              `SLO;${id}`,
              where,
            );
          }
          continue;
        }
        case "OPEN_PROBLEMS": {
          const zone = managementZoneOf(dashboard, tile);
          add(
            { sli: "problems", displayName: "problems", pass: [["<=0"]], warning: [], weight: 1, key: true },
            `PV2;problemSelector=status("open")${zone ? `,${zone.problems}` : ""}`,
            where,
          );
          continue;
        }
        case "DTAQL": {
          const definition = titled();
          if (!definition) continue;
          const query = (tile.query ?? "").trim();
          if (query === "") fail("has no user sessions query", "Write the query in the tile (SELECT … FROM usersession …)");
          const type = tile.type ?? "";
          if (!(USQL_VISUALISATIONS as readonly string[]).includes(type)) {
            fail(
              `shows its user sessions as ${type || "(no type)"}, which dashboard mode does not read`,
              `Show it as one of ${USQL_VISUALISATIONS.join(", ")}`,
            );
          }
          // A chart or table makes one SLI per row, as in dynatrace-service. User sessions queries
          // take no management zone in dynatrace-service either.
          const dimension = type === "SINGLE_VALUE" ? "" : ROW_BY_ROW;
          add(objectiveOf(definition), `USQL;${type};${dimension};${query}`, where);
          continue;
        }
        case "CUSTOM_CHARTING": {
          // A chart without its settings defines no objective.
          if (!tile.filterConfig) continue;
          const definition = titled();
          if (!definition) continue;
          add(objectiveOf(definition), customChartQuery(tile, managementZoneOf(dashboard, tile), descriptors, fail), where);
          continue;
        }
        default:
          // dynatrace-service read only the tile types above and passed over every other one.
          if (definesObjective(tile.name)) {
            fail(
              `is a ${tile.tileType} tile, which defines no SLI a gate can query`,
              "Put the objective on a Data Explorer, SLO or problems tile, or remove sli=/pass=/warning= from this title",
            );
          }
          skipped.push(`${where}: not a tile type dashboard mode reads`);
      }
    } catch (error) {
      if (!(error instanceof TileProblem)) throw error;
      if (!informational) throw dashboardError(dashboard, where, error.message, error.suggestion);
      skipped.push(`${where}: passed over, its title defines no objective and the tile ${error.message}`);
    }
  }
  if (objectives.length === 0) {
    throw dashboardError(
      dashboard,
      "all tiles",
      "no tile defines an objective",
      "Add a Data Explorer tile titled e.g. Response time;sli=rt;pass=<=500 (see docs/quickstart-dynatrace.md#gates-defined-in-dashboards)",
    );
  }
  const chosen = settings ?? parseMarkdownSettings("").settings;
  return { objectives, indicators, totalScore: chosen.totalScore, comparison: chosen.comparison, skipped };
}

/** The dashboard name dashboard mode looks for, as dynatrace-service matched it (pieces, any order, case-insensitive). */
export function matchesGateName(name: string, labels: { project: string; stage: string; service: string }): boolean {
  const lower = name.toLowerCase();
  if (!lower.startsWith("kqg;")) return false;
  const parts = lower.split(";");
  return (["project", "stage", "service"] as const).every((key) => parts.includes(`${key}=${labels[key].toLowerCase()}`));
}

/** The derived gate as Keptn files, for `--write-config` and for reading through the usual loader. */
export function gateFiles(gate: DashboardGate): { slo: Record<string, unknown>; sli: Record<string, unknown> } {
  return {
    slo: {
      spec_version: "1.0",
      comparison: gate.comparison,
      objectives: gate.objectives.map((objective) => ({
        sli: objective.sli,
        displayName: objective.displayName,
        ...(objective.pass.length > 0 ? { pass: objective.pass.map((criteria) => ({ criteria })) } : {}),
        ...(objective.warning.length > 0 ? { warning: objective.warning.map((criteria) => ({ criteria })) } : {}),
        weight: objective.weight,
        key_sli: objective.key,
      })),
      total_score: gate.totalScore,
    },
    sli: { spec_version: "1.0", indicators: gate.indicators },
  };
}
