import { resolve } from "node:path";
import { ConfigError, hasErrors } from "../config/diagnostics.js";
import { findConfig } from "../config/find-config.js";
import { loadSliFile, loadSloFile } from "../config/load-config.js";
import { ExternalServiceError } from "../http/external-error.js";
import { desiredDashboard, gateDashboardName, planDashboard } from "../monitoring/gate-dashboard.js";
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
visible in Dynatrace and \`slogate evaluate --dashboard query\` reads it back. Connection: DT_URL
and DT_API_TOKEN (ReadConfig; WriteConfig for apply), or providers.dynatrace in slogate.yaml.

  plan                  print what apply would change (create, update, unchanged) and, per
                        objective, its tile or why it has none; writes nothing
  apply                 make Dynatrace match: a second apply changes nothing

Options:
  --slo <file>          slo.yaml (default: slogate.yaml's)
  --sli <file>          sli.yaml (default: slogate.yaml's)
  --label, --labels     project, stage and service (also --project, --stage, --service)
  --config <file>       slogate.yaml (default ./slogate.yaml)
  --prune               remove tiles of objectives no longer in slo.yaml (kept otherwise)
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
  const connection = dynatraceConnection(config?.providers.dynatrace ?? {}, io.env);
  const api = new DynatraceDashboards(connection.endpoints, connection.credentials);
  try {
    const matching = (await api.list()).filter((stub) => matchesGateName(stub.name, { project, stage, service }));
    if (matching.length > 1) {
      throw usageError(
        `${matching.length} dashboards are named ${name}: ${matching.map((stub) => stub.id).join(", ")}`,
        "Delete or rename all but one in Dynatrace; the gate's dashboard is identified by its name",
      );
    }
    const current = matching[0] ? await api.get(matching[0].id) : null;
    const { change, kept } = planDashboard(desired, current, values.prune === true);
    const lines: string[] = [];
    if (change.kind === "create") lines.push(`create dashboard "${name}" (${desired.tiles.length} tiles)`);
    else if (change.kind === "update") lines.push(`update dashboard "${name}" (${change.id}): ${change.what.join(", ")}`);
    else lines.push(`unchanged dashboard "${name}" (${change.id})`);
    for (const mapping of desired.mappings) {
      lines.push(mapping.tile ? `  ${mapping.sli}: tile "${mapping.tile}"` : `  ${mapping.sli}: no tile: ${mapping.reason}`);
    }
    for (const sliName of kept) lines.push(`  ${sliName}: tile kept, the objective is no longer in slo.yaml (--prune removes it)`);
    const dryRun = action === "plan" || values["dry-run"] === true;
    if (dryRun || change.kind === "unchanged") {
      io.stdout(`${lines.join("\n")}\n`);
      return 0;
    }
    try {
      if (change.kind === "create") {
        const id = await api.create(change.dashboard);
        lines[0] = `created dashboard "${name}" (${id})`;
      } else {
        await api.update(change.id, change.dashboard);
        lines[0] = `updated dashboard "${name}" (${change.id}): ${change.what.join(", ")}`;
      }
    } catch (error) {
      if (!(error instanceof ExternalServiceError)) throw error;
      io.stdout(`${lines.join("\n")}\n`);
      io.stderr(`slogate: Dynatrace refused to ${change.kind} the dashboard "${name}": ${error.message}\n`);
      return 1;
    }
    io.stdout(`${lines.join("\n")}\n`);
    return 0;
  } finally {
    await api.close();
  }
}
