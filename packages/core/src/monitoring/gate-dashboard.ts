import type { Slo } from "../engine/types.js";
import { type Dashboard, type DashboardTile, parseTileTitle } from "../sli/dynatrace/dashboard-gate.js";
import { parseDynatraceQuery } from "../sli/dynatrace/query.js";

/**
 * Monitoring configuration as code, for the gate itself: the Keptn quality-gate dashboard that
 * shows a gate's objectives in Dynatrace and that `--dashboard query` reads back. Pure: the
 * desired dashboard from slo.yaml and sli.yaml, and the difference to what Dynatrace has.
 */

/** Marks dashboards slogate manages, next to the `KQG;…` name that identifies the gate. */
export const MANAGED_TAG = "slogate-managed";

/** Where each objective went: a tile, or why it could not. */
export interface ObjectiveMapping {
  sli: string;
  tile: string | null;
  reason?: string;
}

export interface DesiredDashboard {
  name: string;
  tiles: DashboardTile[];
  mappings: ObjectiveMapping[];
}

const TILE_WIDTH = 456;
const TILE_HEIGHT = 266;
const CRITERION = /^(<|<=|=|>|>=)([+-]?\d+|[+-]?\d+\.\d+)%?$/;

export function gateDashboardName(labels: { project: string; stage: string; service: string }): string {
  return `KQG;project=${labels.project};stage=${labels.stage};service=${labels.service}`;
}

/** A criterion as a tile title can carry it (Keptn removes spaces; the title grammar has none). */
function titleCriterion(criterion: string): string | null {
  const compact = criterion.replaceAll(" ", "");
  return CRITERION.test(compact) ? compact : null;
}

/** `Response time;sli=rt;pass=<=500,<=+10%;warning=<=800;weight=2;key=true`, or why the criteria cannot be written so. */
function tileTitle(objective: Slo["objectives"][number]): string | { reason: string } {
  const parts = [objective.displayName || objective.sli, `sli=${objective.sli}`];
  for (const [key, blocks] of [
    ["pass", objective.pass ?? []],
    ["warning", objective.warning ?? []],
  ] as const) {
    for (const block of blocks) {
      const criteria = block.criteria.map(titleCriterion);
      const bad = block.criteria.filter((_, i) => criteria[i] === null);
      if (bad.length > 0)
        return { reason: `the criteria ${bad.map((c) => JSON.stringify(c)).join(", ")} cannot be written in a tile title` };
      if (criteria.length === 0) return { reason: `an empty ${key} block cannot be written in a tile title` };
      parts.push(`${key}=${criteria.join(",")}`);
    }
  }
  if (objective.weight !== 1) parts.push(`weight=${objective.weight}`);
  if (objective.key_sli) parts.push("key=true");
  const title = parts.join(";");
  // What dashboard mode will read back must be this objective again.
  const read = parseTileTitle(title);
  if (read.errors.length > 0 || read.definition.sli !== objective.sli) {
    return {
      reason: `the SLI name ${JSON.stringify(objective.sli)} does not survive a tile title (dashboard mode lower-cases it and replaces spaces, /, %, $ and .)`,
    };
  }
  return title;
}

/** Where a metric key ends: the first `:` that starts a transformation (metric keys hold `:` too). */
const TRANSFORMATION =
  /:(?:avg|max|min|sum|count|value|median|percentile|merge|splitBy|filter|fold|sort|limit|names|parents|default|rate|timeshift|toUnit|auto|last|lastReal|partition|delta|rollup|setUnit|smooth)\b|$/;

/** The metric selector a tile (and an alert) reads for a metrics query, the entity selector folded in. */
export function foldedSelector(query: string): { selector: string; resolution: string | null; perSeries: boolean } | { reason: string } {
  const parsed = parseDynatraceQuery(query);
  if ("error" in parsed) return { reason: `its query is not valid: ${parsed.error}` };
  const { query: dq } = parsed;
  if (dq.kind === "slo")
    return { reason: "an SLO; in dashboard mode an SLO tile takes its thresholds from the Dynatrace SLO, not from slo.yaml" };
  if (dq.kind !== "metrics") return { reason: `a ${dq.kind} query, which a Data Explorer tile cannot hold` };
  if (dq.unit)
    return { reason: `an MV2 query with a ${dq.unit} conversion; write it with :toUnit(…) in the selector to put it on a dashboard` };
  if (dq.parameters.mzSelector)
    return { reason: "a query with a management-zone selector; a tile takes its zone from the dashboard filter" };
  let selector = dq.parameters.metricSelector;
  const entities = dq.parameters.entitySelector;
  if (entities) {
    const type = /type\(\s*"?([A-Z_]+)"?\s*\)/.exec(entities)?.[1];
    if (!type) return { reason: "its entity selector names no type(…), which a metric expression's filter needs" };
    // The filter must come before any transformation: after :merge("dt.entity.service") the
    // dimension it filters on is gone.
    const transformation = TRANSFORMATION.exec(selector);
    if (selector.startsWith("(") || !transformation) {
      return { reason: "its metric selector is an expression the entity selector cannot be folded into; put the filter in the selector" };
    }
    const key = selector.slice(0, transformation.index);
    const filter = `:filter(in("dt.entity.${type.toLowerCase()}",entitySelector("${entities.replaceAll('"', '\\"')}")))`;
    selector = `${key}${filter}${selector.slice(transformation.index)}`;
  }
  return { selector, resolution: dq.parameters.resolution ?? null, perSeries: dq.perSeries === true };
}

/**
 * The Data Explorer query for a metrics query: its metric expression, `resolution=<r|null>&<selector>`,
 * and the visualisation dashboard mode reads it by — a single value as one value, a chart as one
 * SLI per series — so the tile shows the query as sli.yaml reads it.
 */
function explorerQuery(query: string): { expression: string; visualisation: string } | { reason: string } {
  const folded = foldedSelector(query);
  if ("reason" in folded) return folded;
  return {
    expression: `resolution=${folded.resolution ?? "null"}&${folded.selector}`,
    visualisation: folded.perSeries ? "GRAPH_CHART" : "SINGLE_VALUE",
  };
}

/** The markdown tile with the total score and the comparison, in dynatrace-service's keys. */
function settingsMarkdown(slo: Slo): string {
  const total = slo.total_score ?? { pass: "90%", warning: "75%" };
  const percent = (text: string) => (text.endsWith("%") ? text : `${text}%`);
  const entries = [`KQG.Total.Pass=${percent(total.pass)}`];
  // Without a warning threshold, warning at the pass threshold scores as Keptn does (below pass fails).
  entries.push(`KQG.Total.Warning=${percent(total.warning !== "" ? total.warning : total.pass)}`);
  entries.push(
    `KQG.Compare.WithScore=${slo.comparison.include_result_with_score}`,
    `KQG.Compare.Results=${slo.comparison.compare_with === "single_result" ? 1 : slo.comparison.number_of_comparison_results}`,
    `KQG.Compare.Function=${slo.comparison.aggregate_function}`,
  );
  return entries.join(";");
}

/** The dashboard a gate's files describe, and where each objective went. */
export function desiredDashboard(
  slo: Slo,
  indicators: Record<string, string>,
  name: string,
  /** SLIs whose query cannot be written for Dynatrace as it stands, and why. */
  unwritable: Record<string, string> = {},
): DesiredDashboard {
  const mappings: ObjectiveMapping[] = [];
  const tiles: DashboardTile[] = [
    {
      name: "Markdown",
      tileType: "MARKDOWN",
      markdown: settingsMarkdown(slo),
    },
  ];
  for (const objective of slo.objectives) {
    const query = indicators[objective.sli];
    const unwritten = unwritable[objective.sli];
    if (query === undefined || unwritten !== undefined) {
      mappings.push({ sli: objective.sli, tile: null, reason: unwritten ?? "sli.yaml has no query for it" });
      continue;
    }
    const title = tileTitle(objective);
    if (typeof title === "object") {
      mappings.push({ sli: objective.sli, tile: null, reason: title.reason });
      continue;
    }
    const explorer = explorerQuery(query);
    if ("reason" in explorer) {
      mappings.push({ sli: objective.sli, tile: null, reason: explorer.reason });
      continue;
    }
    tiles.push({
      name: title,
      tileType: "DATA_EXPLORER",
      queries: [{ id: "A", enabled: true }],
      visualConfig: { type: explorer.visualisation },
      metricExpressions: [explorer.expression],
    });
    mappings.push({ sli: objective.sli, tile: title });
  }
  // Tiles in a grid, two per row, the settings first.
  const placed = tiles.map((tile, i) => ({
    ...tile,
    configured: true,
    bounds: { top: Math.floor(i / 2) * TILE_HEIGHT, left: (i % 2) * TILE_WIDTH, width: TILE_WIDTH, height: TILE_HEIGHT },
  }));
  return { name, tiles: placed, mappings };
}

/** The SLI a tile stands for in a managed dashboard (its title's sli=), or null for other tiles. */
function sliOf(tile: DashboardTile): string | null {
  return tile.tileType === "DATA_EXPLORER" && /;\s*sli\s*=/i.test(`;${tile.name}`) ? parseTileTitle(tile.name).definition.sli : null;
}

export type Change =
  | { kind: "create"; dashboard: Omit<Dashboard, "id"> }
  | { kind: "update"; id: string; dashboard: Dashboard; what: string[] }
  | { kind: "unchanged"; id: string };

/** The tile fields that make a tile what it is (Dynatrace adds others of its own). */
function tileKey(tile: DashboardTile & { bounds?: unknown }): string {
  return JSON.stringify([
    tile.name,
    tile.tileType,
    tile.markdown ?? null,
    tile.metricExpressions ?? null,
    tile.assignedEntities ?? null,
    tile.tileType === "DATA_EXPLORER" ? (tile.visualConfig?.type ?? null) : null,
  ]);
}

/**
 * What to do with Dynatrace's copy: create it, update it in place (same id) when a tile differs,
 * or nothing. Tiles of objectives no longer in slo.yaml stay unless `prune`; tiles without sli= (a
 * person's own additions) always stay.
 */
export function planDashboard(
  desired: DesiredDashboard,
  current: Dashboard | null,
  prune: boolean,
): {
  change: Change;
  kept: string[];
} {
  const metadata = { name: desired.name, tags: [MANAGED_TAG] };
  if (!current) return { change: { kind: "create", dashboard: { dashboardMetadata: metadata, tiles: desired.tiles } }, kept: [] };
  const wanted = new Set(desired.tiles.map((tile) => sliOf(tile)).filter((sli): sli is string => sli !== null));
  const kept: string[] = [];
  const others = current.tiles.filter((tile) => {
    const sli = sliOf(tile);
    if (tile.tileType === "MARKDOWN" && tile.markdown?.includes("KQG.")) return false;
    if (sli === null) return true;
    if (wanted.has(sli)) return false;
    if (!prune) kept.push(sli);
    return !prune;
  });
  const tiles = [...desired.tiles, ...others];
  const before = current.tiles.map(tileKey);
  const after = tiles.map(tileKey);
  const tagged = (current.dashboardMetadata.tags ?? []).includes(MANAGED_TAG);
  if (tagged && before.length === after.length && before.every((key, i) => key === after[i])) {
    return { change: { kind: "unchanged", id: current.id }, kept };
  }
  const what = [
    ...after.filter((key) => !before.includes(key)).map((key) => `tile ${JSON.parse(key)[0]} set`),
    ...before.filter((key) => !after.includes(key)).map((key) => `tile ${JSON.parse(key)[0]} removed`),
    ...(tagged ? [] : [`tag ${MANAGED_TAG} added`]),
  ];
  return {
    change: {
      kind: "update",
      id: current.id,
      dashboard: {
        ...current,
        dashboardMetadata: {
          ...current.dashboardMetadata,
          name: desired.name,
          tags: [...new Set([...(current.dashboardMetadata.tags ?? []), MANAGED_TAG])],
        },
        tiles,
      },
      what: what.length > 0 ? what : ["tile order"],
    },
    kept,
  };
}
