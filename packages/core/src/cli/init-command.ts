import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { SlogateError } from "../errors.js";
import { SCHEMA_BASE_URL } from "../version.js";
import { type CliIo, writeOutput } from "./io.js";
import { type OptionSpec, parseCommandLine, usageError } from "./usage.js";

export const INIT_HELP = `Usage: slogate init [--provider dynatrace|prometheus|file] [--force]

Writes a starting slogate.yaml, slo.yaml and sli.yaml (or values.json for the file provider)
in this directory, each with the editor-schema line, ready for slogate evaluate.

  --provider <name>          where SLIs come from (default dynatrace)
  --force                    overwrite files that exist
  -h, --help                 show this help
`;

const OPTIONS: OptionSpec = {
  provider: { type: "string" },
  force: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

const SCHEMAS = SCHEMA_BASE_URL;

/** A Keptn slo.yaml with the objectives most services start from. */
const SLO = `# yaml-language-server: $schema=${SCHEMAS}/slo.schema.json
# A Keptn slo.yaml: slogate evaluates it with Keptn's rules.
spec_version: "1.0"
comparison:
  compare_with: "several_results"
  number_of_comparison_results: 3
  aggregate_function: "avg"
objectives:
  - sli: response_time_p95
    displayName: "Response time P95 (ms)"
    pass:
      - criteria: ["<=+10%", "<600"]
    warning:
      - criteria: ["<=800"]
  - sli: error_rate
    displayName: "Error rate"
    key_sli: true
    pass:
      - criteria: ["<=0.01"]
total_score:
  pass: "90%"
  warning: "75%"
`;

const SLI: Record<"dynatrace" | "prometheus", string> = {
  dynatrace: `# yaml-language-server: $schema=${SCHEMAS}/sli.schema.json
# Keptn's Dynatrace sli.yaml: one query per SLI ($SERVICE, $STAGE… come from the labels).
spec_version: "1.0"
indicators:
  response_time_p95: "metricSelector=builtin:service.response.time:percentile(95)&entitySelector=type(SERVICE),tag(service:$SERVICE)"
  error_rate: "metricSelector=builtin:service.errors.total.rate:avg&entitySelector=type(SERVICE),tag(service:$SERVICE)"
`,
  prometheus: `# yaml-language-server: $schema=${SCHEMAS}/sli.schema.json
# Keptn's Prometheus sli.yaml: one PromQL query per SLI ($DURATION_SECONDS is the window).
spec_version: "1.0"
indicators:
  response_time_p95: "histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket{job='$SERVICE'}[$DURATION_SECONDS])) by (le)) * 1000"
  error_rate: "sum(rate(http_requests_total{job='$SERVICE',code=~'5..'}[$DURATION_SECONDS])) / sum(rate(http_requests_total{job='$SERVICE'}[$DURATION_SECONDS]))"
`,
};

function config(provider: "dynatrace" | "prometheus" | "file"): string {
  const source =
    provider === "file"
      ? "providers:\n  default: file\n  file:\n    path: values.json\n"
      : provider === "dynatrace"
        ? "sli: sli.yaml\nproviders:\n  default: dynatrace\n  # The URL and token come from DT_URL and DT_API_TOKEN.\n  dynatrace:\n    settle: 2m\n"
        : "sli: sli.yaml\nproviders:\n  default: prometheus\n  # The URL comes from PROMETHEUS_URL, or set it here.\n";
  return `# yaml-language-server: $schema=${SCHEMAS}/slogate.schema.json
version: 1
slo: slo.yaml
${source}labels:
  service: my-service
  stage: staging
history:
  type: file
  path: .slogate/history.jsonl
  store: true
`;
}

const PROVIDERS = ["dynatrace", "prometheus", "file"] as const;

/** slogate init: the three files a first gate needs, never over a file that exists unless asked. */
export async function initCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, OPTIONS, "init");
  if (values.help) {
    io.stdout(INIT_HELP);
    return 0;
  }
  if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`, "See slogate init --help");
  const provider = (values.provider ?? "dynatrace") as string;
  if (!(PROVIDERS as readonly string[]).includes(provider)) {
    throw usageError(`--provider ${JSON.stringify(provider)} is not one init knows`, `Use one of ${PROVIDERS.join(", ")}`);
  }
  const chosen = provider as (typeof PROVIDERS)[number];
  const files: Record<string, string> = {
    "slogate.yaml": config(chosen),
    "slo.yaml": SLO,
    ...(chosen === "file" ? { "values.json": '{ "response_time_p95": 420, "error_rate": 0.002 }\n' } : { "sli.yaml": SLI[chosen] }),
  };
  const present = Object.keys(files).filter((name) => existsSync(resolve(io.cwd, name)));
  if (present.length > 0 && values.force !== true) {
    throw new SlogateError(
      "INVALID_USAGE",
      `${present.join(", ")} already exist${present.length === 1 ? "s" : ""} here; nothing was written`,
      {
        suggestion: "Run slogate init in another directory, or add --force to overwrite",
      },
    );
  }
  for (const [name, text] of Object.entries(files)) {
    await writeOutput(io, name, text);
    io.stdout(`wrote ${name}\n`);
  }
  const next =
    chosen === "file"
      ? "slogate evaluate"
      : chosen === "dynatrace"
        ? "DT_URL=… DT_API_TOKEN=… slogate evaluate --timeframe 15m --dry-run"
        : "PROMETHEUS_URL=… slogate evaluate --timeframe 15m --dry-run";
  io.stdout(`Next: set the service label in slogate.yaml, then run: ${next}\n`);
  return 0;
}
