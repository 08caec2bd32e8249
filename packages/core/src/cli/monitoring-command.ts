import { resolve } from "node:path";
import { ConfigError, hasErrors } from "../config/diagnostics.js";
import { findConfig } from "../config/find-config.js";
import { loadSliFile, loadSloFile } from "../config/load-config.js";
import { ExternalServiceError } from "../http/external-error.js";
import { DynatraceSettings } from "../monitoring/dynatrace-settings.js";
import { desiredDashboard, foldedSelector, gateDashboardName, planDashboard } from "../monitoring/gate-dashboard.js";
import {
  type AlertChange,
  alertPrefix,
  desiredAlerts,
  METRIC_EVENTS_SCHEMA,
  type MetricEventValue,
  planAlerts,
} from "../monitoring/metric-events.js";
import { labelsOf, readCommandLine } from "../options.js";
import { dynatraceConnection } from "../sli/dynatrace/connection.js";
import { matchesGateName } from "../sli/dynatrace/dashboard-gate.js";
import { DynatraceDashboards } from "../sli/dynatrace/dashboards.js";
import type { CliIo } from "./io.js";
import { parseCommandLine, usageError } from "./usage.js";

export const MONITORING_HELP = `Usage: slogate monitoring <plan|apply> --slo slo.yaml --sli sli.yaml --labels project=<p>,stage=<s>,service=<svc> [options]

Monitoring configuration as code for the gate: the Keptn quality-gate dashboard
KQG;project=<p>;stage=<s>;service=<svc> in Dynatrace, one Data Explorer tile per objective with its
criteria in the title and a markdown tile with the total score and comparison, so the gate is
visible in Dynatrace and \`slogate evaluate --dashboard query\` reads it back; and for each
objective with one fixed failing threshold, a metric event (Settings 2.0) that alerts in
production on that threshold. Connection: DT_URL and DT_API_TOKEN (ReadConfig and settings.read;
WriteConfig and settings.write for apply), or providers.dynatrace in slogate.yaml.

  plan                  print what apply would change (create, update, unchanged) and, per
                        objective, its tile or why it has none; writes nothing
  apply                 make Dynatrace match: a second apply changes nothing

Options:
  --slo <file>          slo.yaml (default: slogate.yaml's)
  --sli <file>          sli.yaml (default: slogate.yaml's)
  --label, --labels     project, stage and service (also --project, --stage, --service)
  --config <file>       slogate.yaml (default ./slogate.yaml)
  --prune               remove tiles and metric events of objectives no longer in slo.yaml
                        (kept otherwise)
  --dry-run             with apply: the same as plan
  -h, --help            show this help

Exit status: 0 done (or nothing to do), 1 Dynatrace refused a change (the object and the
reason are printed), 2 invalid input.
`;

const OPTIONS = {
  slo: { type: "string" },
  sli: { type: "string" },
  config: { type: "string" },
  label: { type: "string", multiple: true },
  labels: { type: "string", multiple: true },
  project: { type: "string" },
  stage: { type: "string" },
  service: { type: "string" },
  prune: { type: "boolean" },
  "dry-run": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export async function monitoringCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, OPTIONS, "monitoring");
  if (values.help) {
    io.stdout(MONITORING_HELP);
    return 0;
  }
  const [action, ...rest] = positionals;
  if (action !== "plan" && action !== "apply") {
    throw usageError(
      action === undefined ? "slogate monitoring needs plan or apply" : `unknown monitoring action ${JSON.stringify(action)}`,
      "Use slogate monitoring plan (shows the changes) or slogate monitoring apply (makes them)",
    );
  }
  if (rest.length > 0) throw usageError(`unexpected argument ${JSON.stringify(rest[0])}`, "See slogate monitoring --help");
  // The gate's own option readers: --label/--labels and the shortcuts mean what they mean for evaluate.
  const gateOptions = readCommandLine(values, "evaluate");
  const config = await findConfig(io.cwd, gateOptions.config, values.slo === undefined);
  const slo = typeof values.slo === "string" ? await loadSloFile(resolve(io.cwd, values.slo)) : config?.slo;
  const sli = typeof values.sli === "string" ? await loadSliFile(resolve(io.cwd, values.sli)) : (config?.sli ?? null);
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
  const name = gateDashboardName({ project, stage, service });
  const desired = desiredDashboard(slo.slo, sli.indicators, name);
  const prefix = alertPrefix({ project, stage, service });
  const alerts = desiredAlerts(
    slo.slo,
    sli.indicators,
    (query) => {
      const folded = foldedSelector(query);
      return "reason" in folded ? null : folded.selector;
    },
    prefix,
  );
  const connection = dynatraceConnection(config?.providers.dynatrace ?? {}, io.env);
  const api = new DynatraceDashboards(connection.endpoints, connection.credentials);
  const settings = new DynatraceSettings(connection.endpoints, connection.credentials);
  try {
    const matching = (await api.list()).filter((stub) => matchesGateName(stub.name, { project, stage, service }));
    if (matching.length > 1) {
      throw usageError(
        `${matching.length} dashboards are named ${name}: ${matching.map((stub) => stub.id).join(", ")}`,
        "Delete or rename all but one in Dynatrace; the gate's dashboard is identified by its name",
      );
    }
    const current = matching[0] ? await api.get(matching[0].id) : null;
    const prune = values.prune === true;
    const { change, kept } = planDashboard(desired, current, prune);
    const alertChanges = planAlerts(alerts, await settings.list<MetricEventValue>(METRIC_EVENTS_SCHEMA), prefix, prune);
    const summary = (sliName: string) => `"${prefix} ${sliName}"`;
    const dashboardLine = (done: boolean, id?: string) =>
      change.kind === "create"
        ? done
          ? `created dashboard "${name}" (${id})`
          : `create dashboard "${name}" (${desired.tiles.length} tiles)`
        : change.kind === "update"
          ? `${done ? "updated" : "update"} dashboard "${name}" (${change.id}): ${change.what.join(", ")}`
          : `unchanged dashboard "${name}" (${change.id})`;
    const alertLine = (alert: AlertChange, done: boolean, id?: string) => {
      const verb = { create: done ? "created" : "create", update: done ? "updated" : "update", delete: done ? "deleted" : "delete" };
      switch (alert.kind) {
        case "create":
          return `${verb.create} metric event ${summary(alert.sli)}${id ? ` (${id})` : ""}`;
        case "update":
        case "delete":
          return `${verb[alert.kind]} metric event ${summary(alert.sli)} (${alert.objectId})`;
        case "unchanged":
          return `unchanged metric event ${summary(alert.sli)} (${alert.objectId})`;
        case "kept":
          return `kept metric event ${summary(alert.sli)} (${alert.objectId}): the objective is no longer in slo.yaml (--prune removes it)`;
      }
    };
    const mappings = desired.mappings.map((mapping) => {
      const alert = alerts.find((candidate) => candidate.sli === mapping.sli);
      const tile = mapping.tile ? `tile "${mapping.tile}"` : `no tile: ${mapping.reason}`;
      return `  ${mapping.sli}: ${tile}; ${alert?.said ?? "no alert"}`;
    });
    const keptTiles = kept.map((sliName) => `  ${sliName}: tile kept, the objective is no longer in slo.yaml (--prune removes it)`);
    const print = (head: string[]) => io.stdout(`${[...head, ...mappings, ...keptTiles].join("\n")}\n`);
    const pending = alertChanges.filter((alert) => alert.kind === "create" || alert.kind === "update" || alert.kind === "delete");
    if (action === "plan" || values["dry-run"] === true || (change.kind === "unchanged" && pending.length === 0)) {
      print([dashboardLine(false), ...alertChanges.map((alert) => alertLine(alert, false))]);
      return 0;
    }
    // Each change as it is made: a refusal says which object, and what was done before it.
    const done: string[] = [];
    let object = `the dashboard "${name}"`;
    let verb: string = change.kind;
    try {
      if (change.kind === "create") done.push(dashboardLine(true, await api.create(change.dashboard)));
      else if (change.kind === "update") {
        await api.update(change.id, change.dashboard);
        done.push(dashboardLine(true));
      } else done.push(dashboardLine(false));
      for (const alert of alertChanges) {
        object = `the metric event ${summary(alert.sli)}`;
        verb = alert.kind;
        if (alert.kind === "create") done.push(alertLine(alert, true, await settings.create(METRIC_EVENTS_SCHEMA, alert.value, object)));
        else if (alert.kind === "update") {
          await settings.update(alert.objectId, alert.value, object);
          done.push(alertLine(alert, true));
        } else if (alert.kind === "delete") {
          await settings.remove(alert.objectId, object);
          done.push(alertLine(alert, true));
        } else done.push(alertLine(alert, false));
      }
    } catch (error) {
      if (!(error instanceof ExternalServiceError)) throw error;
      print(done);
      io.stderr(`slogate: Dynatrace refused to ${verb} ${object}: ${error.message}\n`);
      return 1;
    }
    print(done);
    return 0;
  } finally {
    await Promise.all([api.close(), settings.close()]);
  }
}
