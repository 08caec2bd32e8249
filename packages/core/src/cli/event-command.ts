import { readCiContext } from "../ci/index.js";
import { findConfig } from "../config/find-config.js";
import { DynatraceEventSink } from "../events/dynatrace.js";
import type { DeliveryEvent } from "../events/event-sink.js";
import { dynatraceConnection } from "../sli/dynatrace/connection.js";
import { resolvePlaceholders } from "../sli/placeholders.js";
import { parseTime } from "../window.js";
import type { CliIo } from "./io.js";
import { type OptionSpec, parseCommandLine, parseLabels, usageError } from "./usage.js";

export const EVENT_HELP = `Usage: slogate event <kind> [options]

Sends one delivery event to Dynatrace (Events API v2), for pipelines that mark steps
without a gate. Connection: DT_URL and DT_API_TOKEN, or providers.dynatrace in slogate.yaml.

Kinds and their options:
  deployment     --name <name> [--version <v>] [--project <p>] [--stage <s>] [--remediation-url <url>]
  test-start     --name <test> [--start <time>]          (default start: now)
  test-finish    --name <test> --start <time> [--end <time>]
  configuration  --name <what changed> [--description <text>]
  info           --title <title> [--description <text>]

Common options:
  --entity-selector <sel>   entities to attach to, e.g. type(SERVICE),tag(app:$SERVICE)
  --property <key=value>    extra event property (repeatable)
  --label <key=value>       value for $LABEL.<key> in the entity selector (repeatable)
  --config <file>           slogate.yaml (events.dynatrace and providers.dynatrace; default ./slogate.yaml)
  -h, --help                show this help

The CI run (URL, commit, branch, pipeline, actor) is attached automatically.
Exit status: 0 delivered, 1 not delivered (the reason is printed), 2 invalid usage.
`;

const OPTIONS: OptionSpec = {
  name: { type: "string" },
  version: { type: "string" },
  project: { type: "string" },
  stage: { type: "string" },
  service: { type: "string" },
  "remediation-url": { type: "string" },
  title: { type: "string" },
  description: { type: "string" },
  start: { type: "string" },
  end: { type: "string" },
  "entity-selector": { type: "string" },
  property: { type: "string", multiple: true },
  label: { type: "string", multiple: true },
  config: { type: "string" },
  help: { type: "boolean", short: "h" },
};

type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

function required(values: Values, name: string, kind: string): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") throw usageError(`slogate event ${kind} needs --${name}`, `See slogate event --help`);
  return value;
}

function eventFrom(kind: string, values: Values, now: Date): DeliveryEvent {
  const text = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  switch (kind) {
    case "deployment": {
      const [version, project, stage, remediationUrl] = [text("version"), text("project"), text("stage"), text("remediation-url")];
      return {
        kind,
        name: required(values, "name", kind),
        ...(version ? { version } : {}),
        ...(project ? { project } : {}),
        ...(stage ? { stage } : {}),
        ...(remediationUrl ? { remediationUrl } : {}),
      };
    }
    case "test-start":
      return {
        kind,
        name: required(values, "name", kind),
        start: text("start") ? parseTime(text("start") as string, "--start") : now.toISOString(),
      };
    case "test-finish":
      return {
        kind,
        name: required(values, "name", kind),
        start: parseTime(required(values, "start", kind), "--start"),
        end: text("end") ? parseTime(text("end") as string, "--end") : now.toISOString(),
      };
    case "configuration":
      return { kind, name: required(values, "name", kind), ...(text("description") ? { description: text("description") as string } : {}) };
    case "info":
      return {
        kind,
        title: required(values, "title", kind),
        ...(text("description") ? { description: text("description") as string } : {}),
      };
    default:
      throw usageError(`unknown event kind ${JSON.stringify(kind)}`, "Use deployment, test-start, test-finish, configuration or info");
  }
}

export async function eventCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, OPTIONS, "event");
  const [kind] = positionals;
  if (values.help || kind === undefined) {
    io.stdout(EVENT_HELP);
    return values.help ? 0 : 2;
  }
  const event = eventFrom(kind, values, io.now());
  const config = await findConfig(io.cwd, typeof values.config === "string" ? values.config : undefined);
  const labels = { ...(config?.labels ?? {}), ...parseLabels(values.label as string[] | undefined) };
  for (const name of ["project", "stage", "service"] as const) if (typeof values[name] === "string") labels[name] = values[name] as string;
  const selector = (values["entity-selector"] as string | undefined) ?? config?.events.dynatrace?.["entity-selector"];
  let entitySelector: string | undefined;
  if (selector) {
    const now = io.now().toISOString();
    const resolved = resolvePlaceholders(selector, { window: { start: now, end: now }, labels, filters: {}, env: io.env });
    if (resolved.missing.length > 0)
      throw usageError(`--entity-selector uses ${resolved.missing.join(", ")} but no value was given`, "Set it with --label");
    entitySelector = resolved.query;
  }
  const sink = new DynatraceEventSink({
    ...dynatraceConnection(config?.providers.dynatrace ?? {}, io.env),
    ...(entitySelector ? { entitySelector } : {}),
    ...(config?.events.dynatrace?.["timeout-minutes"] ? { timeoutMinutes: config.events.dynatrace["timeout-minutes"] } : {}),
    http: { env: io.env },
  });
  try {
    const receipt = await sink.send({
      event,
      context: readCiContext(io.env),
      properties: parseLabels(values.property as string[] | undefined),
    });
    for (const warning of receipt.warnings) io.stderr(`slogate: warning: ${warning}\n`);
    if (!receipt.delivered) return 1;
    io.stdout(`sent the ${kind} event to Dynatrace (${receipt.correlationIds.join(", ")})\n`);
    return 0;
  } finally {
    await sink.close();
  }
}
