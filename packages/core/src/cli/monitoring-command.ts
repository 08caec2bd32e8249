import { runMonitoring } from "../monitoring/monitoring-run.js";
import { readCommandLine } from "../options.js";
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
  const run = await runMonitoring({
    options: readCommandLine(values, "evaluate"),
    cwd: io.cwd,
    env: io.env,
    prune: values.prune === true,
    apply: action === "apply" && values["dry-run"] !== true,
  });
  io.stdout(`${run.lines.join("\n")}\n`);
  if (run.refused) {
    io.stderr(`slogate: ${run.refused}\n`);
    return 1;
  }
  return 0;
}
