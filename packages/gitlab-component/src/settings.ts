import { type GateOptions, gitlabVariable, readGateOptions, SlogateError, toCommandLine } from "@slogate/core";

/**
 * The job's settings. The component maps its inputs to job variables (SLOGATE_<INPUT>): free text
 * never reaches the job's `script:`, and secrets arrive by the *name* of the variable that holds
 * them (GitLab does not expand a masked variable passed as an input).
 */
export interface JobSettings {
  mode: Exclude<NonNullable<GateOptions["mode"]>, "event">;
  /** The gate's options, read through the core's options table. */
  gate: GateOptions;
  warningExitCode: number;
  reportDir: string;
  /** Values of the secrets, read from the variables named in the inputs. */
  dynatraceToken?: string;
  gitlabToken?: string;
  gitlabTokenVariable: string;
  /** Pushes the history branch. */
  historyToken?: string;
}

/** Job variables of the component's own inputs (those that are not gate options). */
function platformVariable(env: Record<string, string | undefined>, input: string): string | undefined {
  const value = env[gitlabVariable(input)]?.trim();
  return value ? value : undefined;
}

export function readSettings(env: Record<string, string | undefined>): JobSettings {
  const gate = readGateOptions((input) => env[gitlabVariable(input)], "gitlab");
  const mode = gate.mode ?? "evaluate";
  if (mode === "event") {
    throw new SlogateError("INVALID_INPUT", 'mode: "event" is not a mode of the component', { suggestion: "Use evaluate or run" });
  }
  // GitLab allows the warning's exit code; 0-2 already mean pass, fail and invalid input.
  const warningExitCode = gate.warningExitCode ?? 3;
  if (warningExitCode < 3) {
    throw new SlogateError("INVALID_INPUT", `warning-exit-code: ${warningExitCode} is not from 3 to 255`, {
      suggestion: "0-2 mean pass, fail and invalid input; use 3 (the default) or above",
    });
  }
  const gitlabTokenVariable = platformVariable(env, "gitlab-token-variable") ?? "SLOGATE_GITLAB_TOKEN";
  const settings: JobSettings = {
    mode,
    gate,
    warningExitCode,
    reportDir: env.SLOGATE_REPORT_DIR?.trim() || "slogate-reports",
    gitlabTokenVariable,
  };
  const dynatraceToken = env[platformVariable(env, "dynatrace-token-variable") ?? "DT_API_TOKEN"];
  if (dynatraceToken) settings.dynatraceToken = dynatraceToken;
  const gitlabToken = env[gitlabTokenVariable];
  if (gitlabToken) settings.gitlabToken = gitlabToken;
  const historyToken = env[platformVariable(env, "history-token-variable") ?? "SLOGATE_HISTORY_TOKEN"];
  if (historyToken) settings.historyToken = historyToken;
  return settings;
}

/** The slogate CLI's arguments for a gate (evaluate or run); reports go to the report directory. */
export function gateArguments(settings: JobSettings, mode: "evaluate" | "run"): string[] {
  const report = (name: string) => `${settings.reportDir}/${name}`;
  return [
    mode,
    ...toCommandLine({ ...settings.gate, warningExitCode: settings.warningExitCode }, mode),
    "--report-json",
    report("result.json"),
    "--report-junit",
    report("junit.xml"),
    "--report-md",
    report("report.md"),
    "--report-html",
    report("report.html"),
  ];
}
