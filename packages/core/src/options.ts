/**
 * Every option of a gate, declared once. Each entry says how the option is written on the command
 * line, which slogate.yaml key it overrides, what each CI platform calls its input (or `null`: a
 * deliberate "not on this platform"), and how a raw value is parsed. The CLI's parser and help,
 * the adapters' input readers and `npm run manifests:check` (action.yml, task.json, the GitLab
 * template, the Jenkins step) all come from this table.
 */
import { PROVIDER_IDS } from "./config/load-config.js";
import { SlogateError } from "./errors.js";
import type { WindowRequest } from "./window.js";
import type { WorkloadOverrides } from "./workload/workload-settings.js";

export const PLATFORMS = ["github", "azure", "gitlab", "jenkins"] as const;
export type Platform = (typeof PLATFORMS)[number];

export const GATE_COMMANDS = ["evaluate", "run"] as const;
export type GateCommand = (typeof GATE_COMMANDS)[number];

export const FAIL_ON = ["fail", "warning", "never"] as const;
/** The verdict from which a CI step fails: `fail`, `warning` (warnings fail too) or `never`. */
export type FailOn = (typeof FAIL_ON)[number];

const MODES = ["evaluate", "run", "event", "monitoring-plan", "monitoring-apply", "synthetic"] as const;

/** What a caller says about one gate; anything unsaid comes from slogate.yaml, then defaults. */
export interface GateOptions {
  mode?: (typeof MODES)[number];
  config?: string;
  slo?: string;
  sli?: string;
  sliValues?: string;
  dashboard?: string;
  syntheticUrl?: string;
  monitoringPrune?: boolean;
  writeConfig?: string;
  provider?: (typeof PROVIDER_IDS)[number];
  settle?: string;
  concurrency?: number;
  history?: string;
  store?: boolean;
  historyBranch?: string;
  historyRemote?: string;
  baseline?: string;
  replay?: string;
  start?: string;
  end?: string;
  timeframe?: string;
  labels?: Record<string, string>;
  project?: string;
  stage?: string;
  service?: string;
  deployment?: string;
  missingSli?: "keptn" | "fail";
  comparison?: "keptn" | "statistical";
  failOn?: FailOn;
  warningExitCode?: number;
  format?: "console" | "explain" | "json" | "keptn" | "markdown" | "junit";
  color?: boolean;
  dryRun?: boolean;
  explain?: boolean;
  reportJson?: string;
  reportMd?: string;
  reportJunit?: string;
  reportHtml?: string;
  sendEvent?: boolean;
  entitySelector?: string;
  eventsRequired?: boolean;
  deploymentEvent?: boolean;
  target?: string;
  baselineTarget?: string;
  failFast?: boolean;
  duration?: string;
  requests?: number;
  vus?: number;
  rate?: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  command?: string[];
  shell?: boolean;
  timeout?: string;
  testName?: string;
  gateName?: string;
  compareBranch?: string;
  storePullRequests?: boolean;
}

/** How a raw value (an input, a flag's argument) becomes the option's value. */
interface ValueParser<V> {
  /** boolean: a CLI flag without a value; list: the CLI repeats the flag; the others take one value. */
  readonly shape: "value" | "boolean" | "list";
  /** A choice also takes "auto": not given (a pick list needs an entry for "from slogate.yaml"). */
  readonly auto?: boolean;
  /** The value is a file's path (Azure declares such inputs filePath). */
  readonly path?: boolean;
  parse(raw: string, input: string): V;
  /** The value written back as the raw form `parse` reads (for handing options to the CLI). */
  format(value: V): string[];
}

export type HelpGroup = "sources" | "history" | "window" | "workload" | "outcome" | "events";

export interface OptionSpec<V> {
  /** The command-line flag without its dashes; null when the command line has no such flag. */
  flag: string | null;
  /** Other spellings the command line accepts for the flag (`--labels a=1,b=2` for `--label`). */
  aliases?: readonly string[];
  /** Placeholder after the flag in --help, e.g. `<file>`. */
  value?: string;
  help: string;
  group: HelpGroup;
  /** The gate commands that take the flag. */
  commands: readonly GateCommand[];
  /** The slogate.yaml key this option overrides, when there is one. */
  yaml: string | null;
  /** The input's name on each platform; null where the platform deliberately does not offer it. */
  inputs: Record<Platform, string | null>;
  parser: ValueParser<V>;
}

function invalidInput(input: string, raw: string, expected: string, suggestion: string): SlogateError {
  return new SlogateError("INVALID_INPUT", `${input}: ${JSON.stringify(raw)} is not ${expected}`, { suggestion });
}

const text: ValueParser<string> = { shape: "value", parse: (raw) => raw, format: (value) => [value] };

/** A file's path: a platform may pass a path input left empty as a directory (Azure's sources folder). */
const path: ValueParser<string> = { ...text, path: true };

const flag: ValueParser<boolean> = {
  shape: "boolean",
  parse(raw, input) {
    const lower = raw.trim().toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
    throw invalidInput(input, raw, "true or false", "Write true or false");
  },
  format: (value) => [String(value)],
};

/** A boolean input as every platform passes it: true or false (any case). */
export function parseFlag(raw: string, input: string): boolean {
  return flag.parse(raw, input);
}

function choice<const T extends string>(values: readonly T[]): ValueParser<T> {
  return {
    shape: "value",
    auto: true,
    parse(raw, input) {
      const value = raw.trim();
      if ((values as readonly string[]).includes(value)) return value as T;
      throw invalidInput(input, raw, `one of ${values.join(", ")}`, `Use one of ${values.join(", ")}`);
    },
    format: (value) => [value],
  };
}

function number(options: { whole: boolean; min: number; max?: number; above?: boolean; example: string }): ValueParser<number> {
  const range = options.above
    ? `above ${options.min}`
    : options.max === undefined
      ? `of at least ${options.min}`
      : `from ${options.min} to ${options.max}`;
  const expected = `${options.whole ? "a whole number" : "a number"} ${range}`;
  return {
    shape: "value",
    parse(raw, input) {
      const value = Number(raw.trim());
      const fits =
        raw.trim() !== "" &&
        Number.isFinite(value) &&
        (!options.whole || Number.isInteger(value)) &&
        (options.above ? value > options.min : value >= options.min) &&
        (options.max === undefined || value <= options.max);
      if (!fits) throw invalidInput(input, raw, expected, `For example ${options.example}`);
      return value;
    },
    format: (value) => [String(value)],
  };
}

const count = number({ whole: true, min: 1, example: "10" });
const exitCode = number({ whole: true, min: 0, max: 255, example: "3" });
const rate = number({ whole: false, min: 0, above: true, example: "50" });

/** Pairs one per line; on one line, commas separate pairs only where `key=` follows, so values keep their commas. */
function pairs(separator: "=" | ":", example: string): ValueParser<Record<string, string>> {
  return {
    shape: "list",
    parse(raw, input) {
      const lines = separator === "=" ? raw.split(/\r?\n|,(?=\s*[\w.-]+=)/) : raw.split(/\r?\n/);
      const entries: Record<string, string> = {};
      for (const line of lines.map((l) => l.trim()).filter(Boolean)) {
        const index = line.indexOf(separator);
        if (index <= 0) throw invalidInput(input, line, `name${separator}value`, `Write one per line, e.g. ${example}`);
        entries[line.slice(0, index).trim()] = line.slice(index + 1).trim();
      }
      return entries;
    },
    format: (value) => Object.entries(value).map(([key, entry]) => `${key}${separator}${separator === ":" ? " " : ""}${entry}`),
  };
}

/** A program and its arguments, one argument per line: no shell ever splits them. */
const argumentLines: ValueParser<string[]> = {
  shape: "list",
  parse: (raw) =>
    raw
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean),
  format: (value) => value,
};

const BOTH = GATE_COMMANDS;
const EVALUATE = ["evaluate"] as const;
const RUN = ["run"] as const;
const NONE = [] as const;

function camel(kebab: string): string {
  return kebab.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** The same input on every platform: kebab-case on GitHub and GitLab, camelCase on Azure and Jenkins. */
function everywhere(kebab: string): Record<Platform, string> {
  return { github: kebab, azure: camel(kebab), gitlab: kebab, jenkins: camel(kebab) };
}

function only(inputs: Partial<Record<Platform, string>>): Record<Platform, string | null> {
  return { github: null, azure: null, gitlab: null, jenkins: null, ...inputs };
}

const nowhere = only({});

type OptionTable = { [K in keyof GateOptions]-?: OptionSpec<NonNullable<GateOptions[K]>> };

export const GATE_OPTIONS = {
  mode: {
    flag: null,
    help: "evaluate: score SLIs against the SLO; run: run a load test first and gate on its window; event: send one delivery event; monitoring-plan / monitoring-apply: the gate's dashboard and alerts in Dynatrace; synthetic: check the deployment with a synthetic monitor",
    group: "sources",
    commands: NONE,
    yaml: null,
    inputs: everywhere("mode"),
    parser: choice(MODES),
  },
  config: {
    flag: "config",
    value: "<file>",
    help: "slogate.yaml (default: ./slogate.yaml when it exists)",
    group: "sources",
    commands: BOTH,
    yaml: null,
    inputs: everywhere("config"),
    parser: path,
  },
  slo: {
    flag: "slo",
    value: "<file>",
    help: "Keptn slo.yaml",
    group: "sources",
    commands: BOTH,
    yaml: "slo",
    inputs: everywhere("slo"),
    parser: path,
  },
  sli: {
    flag: "sli",
    value: "<file>",
    help: "Keptn sli.yaml: the query for each SLI (prometheus, dynatrace, workload:<name>)",
    group: "sources",
    commands: BOTH,
    yaml: "sli",
    inputs: everywhere("sli"),
    parser: path,
  },
  dashboard: {
    flag: "dashboard",
    value: "<id|query>",
    help: "Dynatrace: the SLIs and objectives a Keptn quality-gate dashboard defines (its id, or query: the one named KQG;project=…;stage=…;service=… for the labels), instead of --slo/--sli",
    group: "sources",
    commands: BOTH,
    yaml: null,
    inputs: everywhere("dashboard"),
    parser: text,
  },
  syntheticUrl: {
    flag: null,
    help: "mode synthetic: the deployment's URL that the synthetic monitor checks",
    group: "sources",
    commands: NONE,
    yaml: null,
    inputs: everywhere("synthetic-url"),
    parser: text,
  },
  monitoringPrune: {
    flag: null,
    help: "mode monitoring-apply: also remove tiles and metric events of objectives no longer in slo.yaml",
    group: "sources",
    commands: NONE,
    yaml: null,
    inputs: everywhere("monitoring-prune"),
    parser: flag,
  },
  writeConfig: {
    flag: "write-config",
    value: "<dir>",
    help: "with --dashboard: also write the slo.yaml and sli.yaml the dashboard defines into this folder",
    group: "sources",
    commands: BOTH,
    yaml: null,
    inputs: nowhere,
    parser: path,
  },
  sliValues: {
    flag: "sli-values",
    value: "<file>",
    help: 'SLI values as JSON: {"sli": number}, Keptn indicatorValues, or a get-sli.finished data object',
    group: "sources",
    commands: EVALUATE,
    yaml: "providers.file.path",
    inputs: everywhere("sli-values"),
    parser: path,
  },
  provider: {
    flag: "provider",
    value: "<name>",
    help: "where SLI values come from: file, prometheus (PROMETHEUS_URL), dynatrace (DT_URL and DT_API_TOKEN, or DT_PLATFORM_TOKEN, or DT_CLIENT_ID, DT_CLIENT_SECRET, DT_ACCOUNT_URN) or workload (default: from the other options)",
    group: "sources",
    commands: BOTH,
    yaml: "providers.default",
    inputs: everywhere("provider"),
    parser: choice(PROVIDER_IDS),
  },
  settle: {
    flag: "settle",
    value: "<duration>",
    help: "wait this long after the window for Dynatrace to ingest data (default 2m; 0 skips)",
    group: "sources",
    commands: BOTH,
    yaml: "providers.dynatrace.settle",
    inputs: everywhere("settle"),
    parser: text,
  },
  concurrency: {
    flag: "concurrency",
    value: "<n>",
    help: "requests in flight at once, per backend (default 8)",
    group: "sources",
    commands: BOTH,
    yaml: "providers.dynatrace.concurrency",
    inputs: nowhere,
    parser: count,
  },
  history: {
    flag: "history",
    value: "<file>",
    help: "JSON Lines history (slogate results or Keptn evaluation.finished events), oldest first; a CI step stores its result there. dynatrace: kept as events in Dynatrace, per project, stage and service",
    group: "history",
    commands: BOTH,
    yaml: "history.path",
    inputs: everywhere("history"),
    parser: path,
  },
  store: {
    flag: "store",
    help: "append this result to --history (slogate.yaml: history.store)",
    group: "history",
    commands: BOTH,
    yaml: "history.store",
    inputs: nowhere,
    parser: flag,
  },
  historyBranch: {
    flag: "history-branch",
    value: "<name>",
    help: "keep history in this git branch instead (one commit per result; an https remote authenticates with SLOGATE_GIT_TOKEN)",
    group: "history",
    commands: BOTH,
    yaml: null,
    inputs: only({ github: "history-branch", azure: "historyBranch", gitlab: "history-branch" }),
    parser: text,
  },
  historyRemote: {
    flag: "history-remote",
    value: "<url>",
    help: "the repository of --history-branch: a URL or a path",
    group: "history",
    commands: BOTH,
    yaml: null,
    inputs: only({ github: "history-remote", azure: "historyRemote", gitlab: "history-remote" }),
    parser: text,
  },
  baseline: {
    flag: "baseline",
    value: "<id>",
    help: "compare with this one stored result only",
    group: "history",
    commands: BOTH,
    yaml: null,
    inputs: everywhere("baseline"),
    parser: text,
  },
  compareBranch: {
    flag: "compare-branch",
    value: "<branch>",
    help: "compare only with results of code on this branch (default: in a pull-request run, the branch it merges into; else any)",
    group: "history",
    commands: BOTH,
    yaml: null,
    inputs: everywhere("compare-branch"),
    parser: text,
  },
  storePullRequests: {
    flag: "store-pull-requests",
    help: "store the results of pull-request runs too (by default they compare with the history but do not store into it: their code is not merged)",
    group: "history",
    commands: BOTH,
    yaml: null,
    inputs: everywhere("store-pull-requests"),
    parser: flag,
  },
  replay: {
    flag: "replay",
    value: "<id>",
    help: "re-score that stored result's SLI values (e.g. with a changed --slo), compared with the results stored before it; stores nothing",
    group: "history",
    commands: EVALUATE,
    yaml: null,
    inputs: nowhere,
    parser: text,
  },
  start: {
    flag: "start",
    value: "<time>",
    help: "ISO 8601 start of the evaluation window (with --end)",
    group: "window",
    commands: EVALUATE,
    yaml: null,
    inputs: everywhere("start"),
    parser: text,
  },
  end: {
    flag: "end",
    value: "<time>",
    help: "ISO 8601 end of the evaluation window",
    group: "window",
    commands: EVALUATE,
    yaml: null,
    inputs: everywhere("end"),
    parser: text,
  },
  timeframe: {
    flag: "timeframe",
    value: "<duration>",
    help: "window ending now (or at --end), e.g. 10m, 1h30m",
    group: "window",
    commands: EVALUATE,
    yaml: null,
    inputs: everywhere("timeframe"),
    parser: text,
  },
  labels: {
    flag: "label",
    aliases: ["labels"],
    value: "<key=value>",
    help: "label stored with the result (repeatable, or --labels k=v,k2=v2); $LABEL.<key> in queries",
    group: "window",
    commands: BOTH,
    yaml: "labels",
    inputs: everywhere("labels"),
    parser: pairs("=", "service=carts"),
  },
  project: {
    flag: "project",
    value: "<name>",
    help: "the project label, $PROJECT in queries",
    group: "window",
    commands: BOTH,
    yaml: "labels.project",
    inputs: nowhere,
    parser: text,
  },
  stage: {
    flag: "stage",
    value: "<name>",
    help: "the stage label, $STAGE in queries",
    group: "window",
    commands: BOTH,
    yaml: "labels.stage",
    inputs: nowhere,
    parser: text,
  },
  service: {
    flag: "service",
    value: "<name>",
    help: "the service label, $SERVICE in queries",
    group: "window",
    commands: BOTH,
    yaml: "labels.service",
    inputs: nowhere,
    parser: text,
  },
  deployment: {
    flag: "deployment",
    value: "<name>",
    help: "the deployment label, $DEPLOYMENT in queries",
    group: "window",
    commands: BOTH,
    yaml: "labels.deployment",
    inputs: nowhere,
    parser: text,
  },
  missingSli: {
    flag: "missing-sli",
    value: "<policy>",
    help: "keptn (default): a missing SLI scores 0 for its objective; fail: any missing SLI fails the gate",
    group: "outcome",
    commands: BOTH,
    yaml: "evaluation.missing-sli",
    inputs: everywhere("missing-sli"),
    parser: choice(["keptn", "fail"] as const),
  },
  comparison: {
    flag: "comparison",
    value: "<mode>",
    help: "keptn (default) or statistical: a relative criterion fails only when the change is beyond the run-to-run noise of the earlier runs AND beyond its tolerance; else pass, or inconclusive",
    group: "outcome",
    commands: BOTH,
    yaml: "evaluation.comparison",
    inputs: nowhere,
    parser: choice(["keptn", "statistical"] as const),
  },
  failOn: {
    flag: "fail-on",
    value: "<verdict>",
    help: "the verdict that fails the step: fail (default), warning (warnings fail too) or never",
    group: "outcome",
    commands: BOTH,
    yaml: null,
    inputs: only({ github: "fail-on", gitlab: "fail-on", jenkins: "failOn" }),
    parser: choice(FAIL_ON),
  },
  warningExitCode: {
    flag: "warning-exit-code",
    value: "<n>",
    help: "exit with n on warning (default 0)",
    group: "outcome",
    commands: BOTH,
    yaml: "evaluation.warning-exit-code",
    inputs: only({ gitlab: "warning-exit-code" }),
    parser: exitCode,
  },
  format: {
    flag: "format",
    value: "<name>",
    help: "stdout: console (default), explain, json, keptn, markdown, junit",
    group: "outcome",
    commands: BOTH,
    yaml: null,
    inputs: nowhere,
    parser: choice(["console", "explain", "json", "keptn", "markdown", "junit"] as const),
  },
  color: {
    flag: "color",
    help: "colour the console report even when stdout is not a terminal (CI logs show ANSI colours); also FORCE_COLOR=1",
    group: "outcome",
    commands: BOTH,
    yaml: null,
    inputs: nowhere,
    parser: flag,
  },
  dryRun: {
    flag: "dry-run",
    help: "resolve the plan and every SLI's query over the window and print them; query nothing, store nothing, send nothing",
    group: "outcome",
    commands: BOTH,
    yaml: null,
    inputs: nowhere,
    parser: flag,
  },
  explain: {
    flag: "explain",
    help: "the same as --format explain: for each objective the query, value, targets, compared value and the runs behind it, the deciding rule and its share of the score",
    group: "outcome",
    commands: BOTH,
    yaml: null,
    inputs: nowhere,
    parser: flag,
  },
  reportJson: {
    flag: "report-json",
    value: "<file>",
    help: "also write the result JSON",
    group: "outcome",
    commands: BOTH,
    yaml: null,
    inputs: nowhere,
    parser: path,
  },
  reportMd: {
    flag: "report-md",
    value: "<file>",
    help: "also write the Markdown report",
    group: "outcome",
    commands: BOTH,
    yaml: null,
    inputs: nowhere,
    parser: path,
  },
  reportJunit: {
    flag: "report-junit",
    value: "<file>",
    help: "also write JUnit XML (one test case per objective)",
    group: "outcome",
    commands: BOTH,
    yaml: null,
    inputs: nowhere,
    parser: path,
  },
  reportHtml: {
    flag: "report-html",
    value: "<file>",
    help: "also write the HTML report (heatmap and trends of the last 30 runs)",
    group: "outcome",
    commands: BOTH,
    yaml: null,
    inputs: nowhere,
    parser: path,
  },
  sendEvent: {
    flag: "send-event",
    help: "send the result (with run: the test start and finish too) to Dynatrace as events (DT_URL, DT_API_TOKEN)",
    group: "events",
    commands: BOTH,
    yaml: "events.dynatrace",
    inputs: everywhere("send-event"),
    parser: flag,
  },
  entitySelector: {
    flag: "entity-selector",
    value: "<sel>",
    help: "entities the events attach to (placeholders allowed)",
    group: "events",
    commands: BOTH,
    yaml: "events.dynatrace.entity-selector",
    inputs: nowhere,
    parser: text,
  },
  eventsRequired: {
    flag: "events-required",
    help: "fail the gate when an event cannot be delivered (default: warn)",
    group: "events",
    commands: BOTH,
    yaml: "events.dynatrace.required",
    inputs: everywhere("events-required"),
    parser: flag,
  },
  deploymentEvent: {
    flag: "deployment-event",
    help: "also a deployment event before the test (name from --deployment or --service)",
    group: "events",
    commands: RUN,
    yaml: null,
    inputs: nowhere,
    parser: flag,
  },
  target: {
    flag: "target",
    value: "<url>",
    help: "built-in HTTP load generator: GET this URL",
    group: "workload",
    commands: RUN,
    yaml: "workload.target",
    inputs: { github: "workload-target", azure: "target", gitlab: "target", jenkins: "target" },
    parser: text,
  },
  baselineTarget: {
    flag: "baseline-target",
    value: "<url>",
    help: "built-in generator: load this baseline (e.g. production's version) in the same moments with the same users, and judge relative criteria against it instead of history (a paired comparison)",
    group: "workload",
    commands: RUN,
    yaml: "workload.baseline-target",
    inputs: { github: "workload-baseline-target", azure: "baselineTarget", gitlab: "baseline-target", jenkins: "baselineTarget" },
    parser: text,
  },
  failFast: {
    flag: "fail-fast",
    help: "built-in generator: judge the objectives while the test runs and stop it as soon as the gate can no longer pass (a sequential test: an unchanged build is stopped at most alpha of the time)",
    group: "workload",
    commands: RUN,
    yaml: "workload.fail-fast",
    inputs: { github: "workload-fail-fast", azure: "failFast", gitlab: "fail-fast", jenkins: "failFast" },
    parser: flag,
  },
  duration: {
    flag: "duration",
    value: "<d>",
    help: "how long, e.g. 30s, 5m",
    group: "workload",
    commands: RUN,
    yaml: "workload.duration",
    inputs: { github: "workload-duration", azure: "duration", gitlab: "duration", jenkins: "duration" },
    parser: text,
  },
  requests: {
    flag: "requests",
    value: "<n>",
    help: "or stop after n requests",
    group: "workload",
    commands: RUN,
    yaml: "workload.requests",
    inputs: { github: "workload-requests", azure: null, gitlab: "requests", jenkins: "requests" },
    parser: count,
  },
  vus: {
    flag: "vus",
    value: "<n>",
    help: "closed model: n virtual users (default 1)",
    group: "workload",
    commands: RUN,
    yaml: "workload.vus",
    inputs: { github: "workload-vus", azure: "vus", gitlab: "vus", jenkins: "vus" },
    parser: count,
  },
  rate: {
    flag: "rate",
    value: "<n>",
    help: "open model: n requests started per second",
    group: "workload",
    commands: RUN,
    yaml: "workload.rate",
    inputs: { github: "workload-rate", azure: null, gitlab: "rate", jenkins: "rate" },
    parser: rate,
  },
  method: {
    flag: "method",
    value: "<m>",
    help: "the built-in generator's request method (default GET)",
    group: "workload",
    commands: RUN,
    yaml: "workload.endpoints",
    inputs: nowhere,
    parser: text,
  },
  headers: {
    flag: "header",
    value: "<name: value>",
    help: "a request header of the built-in generator (repeatable)",
    group: "workload",
    commands: RUN,
    yaml: "workload.endpoints",
    inputs: nowhere,
    parser: pairs(":", "accept: application/json"),
  },
  body: {
    flag: "body",
    value: "<text>",
    help: "the built-in generator's request body",
    group: "workload",
    commands: RUN,
    yaml: "workload.endpoints",
    inputs: nowhere,
    parser: text,
  },
  command: {
    flag: null,
    help: "any load tool and its arguments (on the command line after --; one argument per line in an input), run without a shell",
    group: "workload",
    commands: RUN,
    yaml: "workload.command",
    inputs: only({ github: "workload-command", jenkins: "command" }),
    parser: argumentLines,
  },
  shell: {
    flag: "shell",
    help: "run the command after -- with sh -c (its metacharacters then count)",
    group: "workload",
    commands: RUN,
    yaml: "workload.shell",
    inputs: nowhere,
    parser: flag,
  },
  timeout: {
    flag: "timeout",
    value: "<d>",
    help: "stop the workload after this long (TERM to its process tree, KILL 5 s later)",
    group: "workload",
    commands: RUN,
    yaml: "workload.timeout",
    inputs: { github: "workload-timeout", azure: null, gitlab: null, jenkins: "timeout" },
    parser: text,
  },
  testName: {
    flag: "test-name",
    value: "<name>",
    help: "the test's name in events and in the x-dynatrace-test header",
    group: "workload",
    commands: RUN,
    yaml: "workload.name",
    inputs: everywhere("test-name"),
    parser: text,
  },
  gateName: {
    flag: null,
    help: "a name for this gate where a pipeline runs several: keys its pull-request comment, its report folder and report name, so two gates never read or overwrite each other's",
    group: "outcome",
    commands: NONE,
    yaml: null,
    inputs: only({ github: "gate-name", jenkins: "gateName" }),
    parser: text,
  },
} as const satisfies OptionTable;

export type GateOptionName = keyof GateOptions;

/** Every option's spec, typed loosely for generic walks (help, readers, manifests). */
export const OPTION_SPECS = Object.entries(GATE_OPTIONS) as Array<[GateOptionName, OptionSpec<unknown>]>;

/**
 * Inputs a platform has that are not gate options: credentials, the platform's own feedback
 * (comments, statuses), and how the step is started. Declared here so manifests are checked
 * against one list.
 */
export const PLATFORM_INPUTS: Record<Platform, Record<string, string>> = {
  github: {
    "dynatrace-url": "the Dynatrace environment URL (DT_URL)",
    "dynatrace-token": "the Dynatrace API token (DT_API_TOKEN), masked in the log",
    "dynatrace-platform-token": "a Dynatrace platform token (DT_PLATFORM_TOKEN) for DQL and apps URLs, masked in the log",
    "dynatrace-client-id": "a Dynatrace OAuth client id (DT_CLIENT_ID) for DQL and apps URLs",
    "dynatrace-client-secret": "its secret (DT_CLIENT_SECRET), masked in the log",
    "dynatrace-account-urn": "the account of the OAuth client (DT_ACCOUNT_URN)",
    "prometheus-url": "the Prometheus URL (PROMETHEUS_URL)",
    "comment-on-pr": "keep one comment with the report on the pull request",
    "github-token": "token for the pull-request comment and the history branch",
    "event-kind": "mode: event — deployment, test-start, test-finish, configuration or info",
    "event-name": "mode: event — the event's name",
    "event-version": "mode: event — the deployed version",
  },
  azure: {
    dynatraceConnection: "the Dynatrace service connection (URL and API token)",
    markBuildOnWarning: "the task's result for a warning: failed, warning or nothing (the fail-on policy's warning state)",
    markBuildOnFail: "the task's result for a fail: failed, warning or nothing (the fail-on policy's fail state)",
    pullRequestStatus: "post the verdict as a pull-request status",
  },
  gitlab: {
    stage: "the stage of the gate job",
    "job-name": "the gate job's name",
    image: "the image with Node.js",
    "history-token-variable": "name of the variable holding a token for the history branch",
    "dynatrace-token-variable": "name of the variable holding the Dynatrace API token",
    "gitlab-token-variable": "name of the variable holding a token for the merge-request note",
    "slogate-command": "how the job starts slogate",
  },
  jenkins: {
    credentialsId: "Jenkins credentials (Secret text) holding the Dynatrace API token",
    platformCredentialsId: "Jenkins credentials (Secret text) holding a Dynatrace platform token, for DQL and apps URLs",
    oauthCredentialsId: "Jenkins credentials (Username with password) holding a Dynatrace OAuth client's id and secret",
    accountUrn: "the OAuth client's Dynatrace account (urn:dtaccount:…)",
    reportDir: "where the reports go in the workspace",
    publishReports: "publish the JUnit and HTML reports",
    event: "mode: 'event' — the event's kind",
    name: "mode: 'event' — the event's name",
    title: "mode: 'event' — an info event's title",
    version: "mode: 'event' — the deployed version",
    description: "mode: 'event' — the event's description",
    entitySelector: "mode: 'event' — the entities the event attaches to",
  },
};

/** The job variable a GitLab component input reaches its job program in. */
export function gitlabVariable(input: string): string {
  return `SLOGATE_${input.toUpperCase().replace(/-/g, "_")}`;
}

/**
 * The gate options one platform's step was given. `read` returns the raw input or undefined;
 * an empty input is absent, as every platform passes declared inputs it was not given as "".
 * A bad value is an INVALID_INPUT error naming the input.
 */
export function readGateOptions(read: (input: string, spec: OptionSpec<unknown>) => string | undefined, platform: Platform): GateOptions {
  const options: Record<string, unknown> = {};
  for (const [name, spec] of OPTION_SPECS) {
    const input = spec.inputs[platform];
    if (input === null) continue;
    const raw = read(input, spec);
    if (raw === undefined || raw.trim() === "" || (spec.parser.auto && raw.trim() === "auto")) continue;
    options[name] = spec.parser.parse(raw, input);
  }
  const gate = options as GateOptions;
  // A CI step given a history keeps its result there: that is what makes the next run comparable.
  if (gate.history !== undefined) gate.store = true;
  return gate;
}

/** The parseArgs configuration of a gate command, from the table. */
export function commandLineSpec(command: GateCommand): Record<string, { type: "string" | "boolean"; multiple?: boolean }> {
  const spec: Record<string, { type: "string" | "boolean"; multiple?: boolean }> = {};
  for (const [, option] of OPTION_SPECS) {
    if (option.flag === null || !option.commands.includes(command)) continue;
    const shape = option.parser.shape;
    for (const name of [option.flag, ...(option.aliases ?? [])])
      spec[name] = shape === "boolean" ? { type: "boolean" } : shape === "list" ? { type: "string", multiple: true } : { type: "string" };
  }
  return spec;
}

/** The gate options given on a command line (parseArgs' values), parsed by the table. */
export function readCommandLine(values: Record<string, unknown>, command: GateCommand, trailing: string[] = []): GateOptions {
  const options: Record<string, unknown> = {};
  for (const [name, spec] of OPTION_SPECS) {
    if (spec.flag === null || !spec.commands.includes(command)) continue;
    const spellings = [spec.flag, ...(spec.aliases ?? [])].map((name) => values[name]).filter((value) => value !== undefined);
    if (spellings.length === 0) continue;
    const given = spellings.length === 1 ? spellings[0] : spellings.flat();
    const input = `--${spec.flag}`;
    if (typeof given === "boolean") options[name] = given;
    else if (Array.isArray(given)) options[name] = spec.parser.parse(given.join("\n"), input);
    else options[name] = spec.parser.parse(String(given), input);
  }
  if (command === "run" && trailing.length > 0) options.command = trailing;
  return options as GateOptions;
}

/** The command line that gives the CLI these options (the GitLab job hands its inputs over this way). */
export function toCommandLine(options: GateOptions, command: GateCommand): string[] {
  const argv: string[] = [];
  let trailing: string[] = [];
  for (const [name, spec] of OPTION_SPECS) {
    const value = options[name];
    if (value === undefined || !spec.commands.includes(command)) continue;
    if (name === "command") {
      trailing = value as string[];
      continue;
    }
    if (spec.flag === null) continue;
    if (spec.parser.shape === "boolean") {
      if (value === true) argv.push(`--${spec.flag}`);
      continue;
    }
    for (const raw of spec.parser.format(value)) argv.push(`--${spec.flag}`, raw);
  }
  return trailing.length > 0 ? [...argv, "--", ...trailing] : argv;
}

const GROUP_TITLES: Record<HelpGroup, string> = {
  sources: "Where things come from (options override slogate.yaml)",
  history: "History",
  window: "Window and labels",
  workload: "The workload (options override slogate.yaml's workload)",
  events: "Events (Dynatrace)",
  outcome: "Outcome",
};

/** Word-wraps `text` to `width` columns, every line after the first indented by `indent`. */
function wrap(text: string, width: number, indent: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : `${" ".repeat(indent)}${l}`));
}

/** The options part of a command's --help, grouped, from the table. */
export function optionsHelp(command: GateCommand, groups: readonly HelpGroup[]): string {
  const column = 29;
  const sections: string[] = [];
  for (const group of groups) {
    const rows = OPTION_SPECS.filter(([, spec]) => spec.group === group && spec.flag !== null && spec.commands.includes(command)).map(
      ([, spec]) => {
        const name = `  --${spec.flag}${spec.value ? ` ${spec.value}` : ""}`;
        const lead = name.length < column - 1 ? name.padEnd(column) : `${name}\n${" ".repeat(column)}`;
        return `${lead}${wrap(spec.help, 96 - column, column).join("\n")}`;
      },
    );
    if (rows.length > 0) sections.push(`${GROUP_TITLES[group]}:\n${rows.join("\n")}`);
  }
  return sections.join("\n\n");
}

/** The labels given: the label list with the --project/--stage/--service/--deployment shortcuts over it. */
export function labelsOf(options: GateOptions): Record<string, string> {
  const labels = { ...(options.labels ?? {}) };
  for (const name of ["project", "stage", "service", "deployment"] as const) {
    const value = options[name];
    if (value !== undefined) labels[name] = value;
  }
  return labels;
}

/** Options that are the workload's settings under the same name. */
const WORKLOAD_OVERRIDES = [
  "target",
  "baselineTarget",
  "failFast",
  "method",
  "headers",
  "body",
  "command",
  "shell",
  "duration",
  "requests",
  "vus",
  "rate",
  "timeout",
] as const satisfies ReadonlyArray<keyof GateOptions & keyof WorkloadOverrides>;

/** The workload the options describe, laid over slogate.yaml's by the core. */
export function workloadOverridesOf(options: GateOptions): WorkloadOverrides {
  const overrides: Record<string, unknown> = {};
  for (const key of WORKLOAD_OVERRIDES) if (options[key] !== undefined) overrides[key] = options[key];
  if (options.testName !== undefined) overrides.name = options.testName;
  return overrides as WorkloadOverrides;
}

/** The evaluation window the options ask for (none: the values' own window, else now). */
export function windowOf(options: GateOptions): WindowRequest {
  const request: WindowRequest = {};
  if (options.start !== undefined) request.start = options.start;
  if (options.end !== undefined) request.end = options.end;
  if (options.timeframe !== undefined) request.timeframe = options.timeframe;
  return request;
}
