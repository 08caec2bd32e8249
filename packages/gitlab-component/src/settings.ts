/**
 * The job's settings. The component maps its inputs to these variables: free text never reaches
 * the job's `script:`, and secrets arrive by the *name* of the variable that holds them (GitLab
 * does not expand a masked variable passed as an input).
 */
export interface JobSettings {
  mode: "evaluate" | "run";
  config?: string;
  slo?: string;
  sli?: string;
  sliValues?: string;
  provider?: string;
  labels: string[];
  timeframe?: string;
  start?: string;
  end?: string;
  baseline?: string;
  history?: string;
  settle?: string;
  failOn: "fail" | "warning" | "never";
  warningExitCode: number;
  reportDir: string;
  sendEvent: boolean;
  /** mode: run — the built-in generator. */
  target?: string;
  duration?: string;
  vus?: string;
  rate?: string;
  requests?: string;
  testName?: string;
  /** Values of the secrets, read from the variables named in the inputs. */
  dynatraceToken?: string;
  gitlabToken?: string;
  gitlabTokenVariable: string;
  /** History in a git branch, pushed with the token in historyToken. */
  historyBranch?: string;
  historyRemote?: string;
  historyToken?: string;
}

export class SettingsError extends Error {}

export function readSettings(env: Record<string, string | undefined>): JobSettings {
  const text = (name: string) => {
    const value = env[`SLOGATE_${name}`];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };
  const mode = text("MODE") ?? "evaluate";
  if (mode !== "evaluate" && mode !== "run") throw new SettingsError(`mode ${JSON.stringify(mode)} is not evaluate or run`);
  const failOn = text("FAIL_ON") ?? "fail";
  if (failOn !== "fail" && failOn !== "warning" && failOn !== "never") {
    throw new SettingsError(`fail-on ${JSON.stringify(failOn)} is not fail, warning or never`);
  }
  const warningExitCode = Number(text("WARNING_EXIT_CODE") ?? "3");
  if (!Number.isInteger(warningExitCode) || warningExitCode < 3 || warningExitCode > 255) {
    throw new SettingsError(
      `warning-exit-code ${JSON.stringify(text("WARNING_EXIT_CODE"))} is not a whole number from 3 to 255 (0-2 mean pass, fail and invalid input)`,
    );
  }
  const dynatraceVariable = text("DYNATRACE_TOKEN_VARIABLE") ?? "DT_API_TOKEN";
  const gitlabTokenVariable = text("GITLAB_TOKEN_VARIABLE") ?? "SLOGATE_GITLAB_TOKEN";
  const optional: Array<[keyof JobSettings, string]> = [
    ["config", "CONFIG"],
    ["slo", "SLO"],
    ["sli", "SLI"],
    ["sliValues", "SLI_VALUES"],
    ["provider", "PROVIDER"],
    ["timeframe", "TIMEFRAME"],
    ["start", "START"],
    ["end", "END"],
    ["baseline", "BASELINE"],
    ["history", "HISTORY"],
    ["settle", "SETTLE"],
    ["target", "TARGET"],
    ["duration", "DURATION"],
    ["vus", "VUS"],
    ["rate", "RATE"],
    ["requests", "REQUESTS"],
    ["testName", "TEST_NAME"],
    ["historyBranch", "HISTORY_BRANCH"],
    ["historyRemote", "HISTORY_REMOTE"],
  ];
  const settings: JobSettings = {
    mode,
    failOn,
    warningExitCode,
    reportDir: text("REPORT_DIR") ?? "slogate-reports",
    sendEvent: text("SEND_EVENT") === "true",
    // One label per line or comma: service=carts,stage=staging.
    labels: (text("LABELS") ?? "")
      .split(/[\n,]/)
      .map((label) => label.trim())
      .filter(Boolean),
    gitlabTokenVariable,
  };
  for (const [key, name] of optional) {
    const value = text(name);
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  }
  const dynatraceToken = env[dynatraceVariable];
  if (dynatraceToken) settings.dynatraceToken = dynatraceToken;
  const gitlabToken = env[gitlabTokenVariable];
  if (gitlabToken) settings.gitlabToken = gitlabToken;
  const historyToken = env[text("HISTORY_TOKEN_VARIABLE") ?? "SLOGATE_HISTORY_TOKEN"];
  if (historyToken) settings.historyToken = historyToken;
  if (settings.historyBranch && !settings.historyRemote && env.CI_SERVER_URL && env.CI_PROJECT_PATH) {
    settings.historyRemote = `${env.CI_SERVER_URL}/${env.CI_PROJECT_PATH}.git`;
  }
  return settings;
}

/** The slogate CLI's arguments for these settings; reports go to the report directory. */
export function gateArguments(settings: JobSettings): string[] {
  const argv: string[] = [settings.mode];
  const put = (option: string, value: string | undefined) => {
    if (value !== undefined) argv.push(`--${option}`, value);
  };
  put("config", settings.config);
  put("slo", settings.slo);
  put("sli", settings.sli);
  put("sli-values", settings.sliValues);
  put("provider", settings.provider);
  put("baseline", settings.baseline);
  if (settings.historyBranch) {
    put("history-branch", settings.historyBranch);
    put("history-remote", settings.historyRemote);
  } else put("history", settings.history);
  put("settle", settings.settle);
  if (settings.mode === "run") {
    put("target", settings.target);
    put("duration", settings.duration);
    put("vus", settings.vus);
    put("rate", settings.rate);
    put("requests", settings.requests);
    put("test-name", settings.testName);
  } else {
    put("timeframe", settings.timeframe);
    put("start", settings.start);
    put("end", settings.end);
  }
  for (const label of settings.labels) put("label", label);
  if (settings.history && !settings.historyBranch) argv.push("--store");
  if (settings.sendEvent) argv.push("--send-event");
  const report = (name: string) => `${settings.reportDir}/${name}`;
  argv.push(
    "--warning-exit-code",
    String(settings.warningExitCode),
    "--report-json",
    report("result.json"),
    "--report-junit",
    report("junit.xml"),
    "--report-md",
    report("report.md"),
    "--report-html",
    report("report.html"),
  );
  return argv;
}
