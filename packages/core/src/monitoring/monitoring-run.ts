import { resolve } from "node:path";
import { ConfigError, hasErrors } from "../config/diagnostics.js";
import { findConfig } from "../config/find-config.js";
import { loadSliFile, loadSloFile } from "../config/load-config.js";
import { usageError } from "../errors.js";
import { ExternalServiceError } from "../http/external-error.js";
import { type GateOptions, labelsOf } from "../options.js";
import { dynatraceConnection } from "../sli/dynatrace/connection.js";
import { matchesGateName } from "../sli/dynatrace/dashboard-gate.js";
import { DynatraceDashboards } from "../sli/dynatrace/dashboards.js";
import { resolvePlaceholders } from "../sli/placeholders.js";
import { DynatraceSettings } from "./dynatrace-settings.js";
import { DynatraceSlos } from "./dynatrace-slos.js";
import { desiredDashboard, foldedSelector, gateDashboardName, planDashboard } from "./gate-dashboard.js";
import { alertPrefix, desiredAlerts, METRIC_EVENTS_SCHEMA, type MetricEventValue, planAlerts } from "./metric-events.js";
import type { OwnedChange } from "./owned-objects.js";
import { type DesiredSlo, desiredSlos, planSlos, type SloChange, sloShapes } from "./slo-objects.js";

/** Where one kind of owned object is written. */
interface OwnedStore<V> {
  create(value: V, what: string): Promise<string>;
  update(objectId: string, value: V, what: string): Promise<void>;
  remove(objectId: string, what: string): Promise<void>;
}

/** What a surface (the CLI, a CI adapter) asks of monitoring as code. */
export interface MonitoringRequest {
  /** The gate's options: slo, sli, config and the labels that name the gate. */
  options: GateOptions;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Remove tiles, metric events and SLOs of objectives no longer in slo.yaml. */
  prune: boolean;
  /** false: plan only, nothing is written. */
  apply: boolean;
}

export interface MonitoringRun {
  /** What changed (or would), one line per object, then per objective where it went. */
  lines: string[];
  /** Write requests made. */
  writes: number;
  /** Which object Dynatrace refused, and why; null when nothing was refused. */
  refused: string | null;
}

/**
 * The SLO changes. Only a gate with SLOs to write needs the slo.read scope: without one, a token
 * that may not list SLOs just has none of this gate's to keep or prune.
 */
async function plannedSloChanges(api: DynatraceSlos, slos: DesiredSlo[], prefix: string, prune: boolean): Promise<SloChange[]> {
  try {
    return planSlos(slos, await api.list(), prefix, prune);
  } catch (error) {
    if (!slos.some((slo) => slo.value) && error instanceof ExternalServiceError && error.status === 403) return [];
    throw error;
  }
}

/**
 * The gate's monitoring configuration in Dynatrace: its KQG dashboard, a metric event per
 * objective with one fixed failing threshold and an SLO per SLO-shaped objective, planned and
 * (when asked) applied; one path for the CLI and every adapter.
 */
export async function runMonitoring(request: MonitoringRequest): Promise<MonitoringRun> {
  // The gate's own option readers: --label/--labels and the shortcuts mean what they mean for evaluate.
  const { options: gateOptions, cwd, env } = request;
  const config = await findConfig(cwd, gateOptions.config, gateOptions.slo === undefined);
  const slo = gateOptions.slo !== undefined ? await loadSloFile(resolve(cwd, gateOptions.slo)) : config?.slo;
  const sli = gateOptions.sli !== undefined ? await loadSliFile(resolve(cwd, gateOptions.sli)) : (config?.sli ?? null);
  if (!slo) throw usageError("no SLO given", "Pass --slo <slo.yaml>, or run where a slogate.yaml is");
  if (!sli) throw usageError("no sli.yaml given", "Pass --sli <sli.yaml>: the tiles need each SLI's query");
  const diagnostics = [...slo.diagnostics, ...sli.diagnostics];
  if (hasErrors(diagnostics) || !slo.slo || !sli.indicators) throw new ConfigError(diagnostics);
  const labels = { ...(config?.labels ?? {}), ...labelsOf(gateOptions) };
  const { project, stage, service } = labels;
  if (!project || !stage || !service) {
    throw usageError(
      "the gate's dashboard is named by its project, stage and service",
      "Pass --labels project=<p>,stage=<s>,service=<svc>",
    );
  }
  // Dynatrace keeps the queries as written: the gate's placeholders are resolved from its labels,
  // and a query that needs a value only a run has ($DEPLOYMENT, the window) is not written.
  const indicators: Record<string, string> = {};
  const unwritable: Record<string, string> = {};
  const now = new Date().toISOString();
  for (const [sliName, query] of Object.entries(sli.indicators)) {
    const resolved = resolvePlaceholders(query, { window: { start: now, end: now }, labels, filters: {}, env: {} });
    const perRun = /\$(DURATION|DURATION_SECONDS|TESTSTRATEGY|DEPLOYMENT)(?![A-Za-z0-9_])/.exec(query)?.[1];
    if (perRun) unwritable[sliName] = `its query uses $${perRun}, which only a run has`;
    else if (resolved.missing.length > 0) unwritable[sliName] = `its query uses ${resolved.missing.join(", ")} but no label gives a value`;
    else indicators[sliName] = resolved.query;
  }
  const name = gateDashboardName({ project, stage, service });
  const desired = desiredDashboard(slo.slo, indicators, name, unwritable);
  const prefix = alertPrefix({ project, stage, service });
  const alerts = desiredAlerts(
    slo.slo,
    indicators,
    (query) => {
      const folded = foldedSelector(query);
      return "reason" in folded ? null : folded.selector;
    },
    prefix,
  );
  const connection = dynatraceConnection(config?.providers.dynatrace ?? {}, env);
  const api = new DynatraceDashboards(connection.endpoints, connection.credentials);
  const settings = new DynatraceSettings(connection.endpoints, connection.credentials);
  const sloApi = new DynatraceSlos(connection.endpoints, connection.credentials);
  try {
    const matching = (await api.list()).filter((stub) => matchesGateName(stub.name, { project, stage, service }));
    if (matching.length > 1) {
      throw usageError(
        `${matching.length} dashboards are named ${name}: ${matching.map((stub) => stub.id).join(", ")}`,
        "Delete or rename all but one in Dynatrace; the gate's dashboard is identified by its name",
      );
    }
    const current = matching[0] ? await api.get(matching[0].id) : null;
    const { prune } = request;
    const { change, kept } = planDashboard(desired, current, prune);
    const alertChanges = planAlerts(alerts, await settings.list<MetricEventValue>(METRIC_EVENTS_SCHEMA), prefix, prune);
    // An SLO's metric must be a percentage, which only the metric's descriptor says. A descriptor
    // Dynatrace refuses (an expression it cannot describe, a metric it does not have) means no
    // SLO; any other failure stops the run, so an outage never reads as "prune this SLO".
    const shapes = sloShapes(slo.slo, indicators, unwritable);
    const candidates = shapes.flatMap((shape) => ("objective" in shape ? [shape] : []));
    const descriptors = await api.describeMetrics(candidates.map((shape) => shape.parameters.metricSelector));
    const units = new Map<string, string>();
    for (const shape of candidates) {
      const descriptor = descriptors.get(shape.parameters.metricSelector);
      units.set(shape.sli, descriptor && !("error" in descriptor) ? descriptor.unit : `not known (${descriptor?.error})`);
    }
    const slos = desiredSlos(shapes, units, prefix);
    const sloChanges = await plannedSloChanges(sloApi, slos, prefix, prune);
    const summary = (sliName: string) => `"${prefix} ${sliName}"`;
    const dashboardLine = (done: boolean, id?: string) =>
      change.kind === "create"
        ? done
          ? `created dashboard "${name}" (${id})`
          : `create dashboard "${name}" (${desired.tiles.length} tiles)`
        : change.kind === "update"
          ? `${done ? "updated" : "update"} dashboard "${name}" (${change.id}): ${change.what.join(", ")}`
          : `unchanged dashboard "${name}" (${change.id})`;
    const ownedLine = (noun: string, change: OwnedChange<unknown>, done: boolean, id?: string) => {
      const verb = { create: done ? "created" : "create", update: done ? "updated" : "update", delete: done ? "deleted" : "delete" };
      switch (change.kind) {
        case "create":
          return `${verb.create} ${noun} ${summary(change.sli)}${id ? ` (${id})` : ""}`;
        case "update":
        case "delete":
          return `${verb[change.kind]} ${noun} ${summary(change.sli)} (${change.objectId})`;
        case "unchanged":
          return `unchanged ${noun} ${summary(change.sli)} (${change.objectId})`;
        case "kept":
          return `kept ${noun} ${summary(change.sli)} (${change.objectId}): the objective is no longer in slo.yaml (--prune removes it)`;
      }
    };
    const mappings = desired.mappings.map((mapping) => {
      const alert = alerts.find((candidate) => candidate.sli === mapping.sli);
      const sloObject = slos.find((candidate) => candidate.sli === mapping.sli);
      const tile = mapping.tile ? `tile "${mapping.tile}"` : `no tile: ${mapping.reason}`;
      return `  ${mapping.sli}: ${tile}; ${alert?.said ?? "no alert"}; ${sloObject?.said ?? "no SLO"}`;
    });
    const keptTiles = kept.map((sliName) => `  ${sliName}: tile kept, the objective is no longer in slo.yaml (--prune removes it)`);
    const report = (head: string[], writes: number, refused: string | null = null): MonitoringRun => ({
      lines: [...head, ...mappings, ...keptTiles],
      writes,
      refused,
    });
    const owned: Array<{ noun: string; changes: Array<OwnedChange<unknown>>; store: OwnedStore<unknown> }> = [
      {
        noun: "metric event",
        changes: alertChanges,
        store: {
          create: (value, what) => settings.create(METRIC_EVENTS_SCHEMA, value, what),
          update: (objectId, value, what) => settings.update(objectId, value, what),
          remove: (objectId, what) => settings.remove(objectId, what),
        },
      },
      { noun: "SLO", changes: sloChanges, store: sloApi as OwnedStore<unknown> },
    ];
    const planned = owned.flatMap(({ noun, changes }) => changes.map((item) => ownedLine(noun, item, false)));
    const pending = owned
      .flatMap(({ changes }) => changes)
      .filter((item) => item.kind === "create" || item.kind === "update" || item.kind === "delete");
    if (!request.apply || (change.kind === "unchanged" && pending.length === 0)) {
      return report([dashboardLine(false), ...planned], 0);
    }
    // Each change as it is made: a refusal says which object, and what was done before it.
    const done: string[] = [];
    let writes = 0;
    let object = `the dashboard "${name}"`;
    let verb: string = change.kind;
    try {
      if (change.kind === "create") {
        done.push(dashboardLine(true, await api.create(change.dashboard)));
        writes++;
      } else if (change.kind === "update") {
        await api.update(change.id, change.dashboard);
        done.push(dashboardLine(true));
        writes++;
      } else done.push(dashboardLine(false));
      for (const { noun, changes, store } of owned) {
        for (const item of changes) {
          object = `the ${noun} ${summary(item.sli)}`;
          verb = item.kind;
          if (item.kind === "create") done.push(ownedLine(noun, item, true, await store.create(item.value, object)));
          else if (item.kind === "update") await store.update(item.objectId, item.value, object);
          else if (item.kind === "delete") await store.remove(item.objectId, object);
          if (item.kind !== "create") done.push(ownedLine(noun, item, item.kind !== "unchanged" && item.kind !== "kept"));
          if (item.kind === "create" || item.kind === "update" || item.kind === "delete") writes++;
        }
      }
    } catch (error) {
      if (!(error instanceof ExternalServiceError)) throw error;
      return report(done, writes, `Dynatrace refused to ${verb} ${object}: ${error.message}`);
    }
    return report(done, writes);
  } finally {
    await Promise.all([api.close(), settings.close(), sloApi.close()]);
  }
}

/** The run as a Markdown section for a CI summary. */
export function monitoringMarkdown(run: MonitoringRun, applied: boolean): string {
  const heading = `### slogate monitoring ${applied ? "apply" : "plan"}${run.refused ? ": refused" : ""}`;
  const refused = run.refused ? `\n\n**${run.refused}**` : "";
  return `${heading}\n\n\`\`\`\n${run.lines.join("\n")}\n\`\`\`${refused}\n`;
}
