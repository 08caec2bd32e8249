import { readCommandLine } from "../options.js";
import { describeSyntheticCheck, runSyntheticCheck } from "../synthetic/synthetic-run.js";
import { progressPrinter } from "./gate-command.js";
import type { CliIo } from "./io.js";
import { parseCommandLine, usageError } from "./usage.js";

export const SYNTHETIC_HELP = `Usage: slogate synthetic --url <deployed url> --labels project=<p>,stage=<s>,service=<svc> [options]

A synthetic check of a new deployment in Dynatrace: creates (or updates) the HTTP monitor
"slogate <service> <stage>" for the URL, tagged with project, stage, service and version, runs it
on demand from its locations, waits for the result, and prints the SLIs it measured:
synthetic:availability (% of executions that succeeded) and synthetic:response_time (ms).
With --format json the output is an SLI values file for slogate evaluate --sli-values.
Connection: DT_URL and DT_API_TOKEN (scope ExternalSyntheticIntegration), or
providers.dynatrace in slogate.yaml; defaults for the options below from synthetic: in slogate.yaml.

Options:
  --url <url>              the deployment to check
  --labels <k=v,…>         project, stage, service (and version) of the deployment
  --version <v>            the deployed version (tagged on the monitor)
  --location <id>          a location entity id (repeatable; default: a public HTTP location)
  --retention <keep|delete> keep the monitor watching the stage (default), or delete it after
  --timeout <duration>     how long to wait for the result (default 5m)
  --format <console|json>  console (default) or the SLIs as JSON
  --config <file>          slogate.yaml (default ./slogate.yaml)
  -h, --help               show this help

Exit status: 0 measured (the gate judges the values), 1 Dynatrace could not run the check or
gave no result in time, 2 invalid input.
`;

const OPTIONS = {
  url: { type: "string" },
  label: { type: "string", multiple: true },
  labels: { type: "string", multiple: true },
  project: { type: "string" },
  stage: { type: "string" },
  service: { type: "string" },
  version: { type: "string" },
  location: { type: "string", multiple: true },
  retention: { type: "string" },
  timeout: { type: "string" },
  format: { type: "string" },
  config: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function syntheticCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, OPTIONS, "synthetic");
  if (values.help) {
    io.stdout(SYNTHETIC_HELP);
    return 0;
  }
  if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`, "See slogate synthetic --help");
  if (typeof values.url !== "string")
    throw usageError("slogate synthetic needs the deployment's --url", "Pass --url https://<the deployed service>/");
  const format = values.format ?? "console";
  if (format !== "console" && format !== "json")
    throw usageError(`--format ${JSON.stringify(format)} is not one synthetic prints`, "Use console or json");
  const text = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  const [version, retention, timeout] = [text("version"), text("retention"), text("timeout")];
  const check = await runSyntheticCheck({
    url: values.url,
    options: readCommandLine(values, "evaluate"),
    cwd: io.cwd,
    env: io.env,
    ...(version !== undefined ? { version } : {}),
    ...(values.location ? { locations: values.location as string[] } : {}),
    ...(retention !== undefined ? { retention } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
    onProgress: progressPrinter(io, 10_000),
    ...(io.cancelSignal ? { signal: io.cancelSignal() } : {}),
  });
  for (const line of describeSyntheticCheck(check)) io.stderr(`slogate: ${line}\n`);
  if (format === "json") io.stdout(`${JSON.stringify(check.slis)}\n`);
  else for (const [sli, value] of Object.entries(check.slis)) io.stdout(`${sli}  ${Math.round(value * 1000) / 1000}\n`);
  return 0;
}
