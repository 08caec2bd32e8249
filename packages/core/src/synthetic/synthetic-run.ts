import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { findConfig } from "../config/find-config.js";
import { SlogateError, usageError } from "../errors.js";
import { GATE_OPTIONS, type GateOptions, labelsOf, type Platform } from "../options.js";
import { dynatraceConnection } from "../sli/dynatrace/connection.js";
import { parseTimeframe } from "../window.js";
import { DynatraceSynthetic, type SyntheticCheck } from "./synthetic-check.js";

/** What a surface (the CLI, a CI adapter) asks of a synthetic check; unsaid settings come from slogate.yaml's synthetic:. */
export interface SyntheticRequest {
  url: string;
  /** The gate's options: config and the labels that name the deployment. */
  options: GateOptions;
  cwd: string;
  env: Record<string, string | undefined>;
  version?: string;
  locations?: string[];
  retention?: string;
  timeout?: string;
  onProgress?: (message: string, done?: boolean) => void;
  signal?: AbortSignal;
}

/** The deployed URL a CI platform's synthetic mode checks: its synthetic-url input, named as that platform names it when missing. */
export function syntheticUrlOf(options: GateOptions, platform: Platform): string {
  if (options.syntheticUrl) return options.syntheticUrl;
  const input = GATE_OPTIONS.syntheticUrl.inputs[platform];
  throw new SlogateError("INVALID_INPUT", `mode synthetic needs ${input}`, { suggestion: `Set ${input} to the deployed URL` });
}

/** The measured SLIs as the values file a later gate step takes (--sli-values): its path. */
export async function writeSyntheticValues(check: SyntheticCheck, directory: string): Promise<string> {
  await mkdir(directory, { recursive: true });
  const path = join(directory, "synthetic-slis.json");
  await writeFile(path, JSON.stringify(check.slis));
  return path;
}

/** The synthetic check of a deployment, with slogate.yaml's settings under the caller's: one path for the CLI and every adapter. */
export async function runSyntheticCheck(request: SyntheticRequest): Promise<SyntheticCheck> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw usageError(
      `the URL ${JSON.stringify(request.url)} is not a URL`,
      "Give an absolute http(s) URL, e.g. https://carts.staging.example.com/health",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw usageError(`the URL ${request.url} is not http(s)`, "Use an http:// or https:// URL");
  const config = await findConfig(request.cwd, request.options.config);
  const settings = config?.synthetic ?? {};
  const retention = request.retention ?? settings.retention ?? "keep";
  if (retention !== "keep" && retention !== "delete") {
    throw usageError(
      `retention ${JSON.stringify(retention)} is neither keep nor delete`,
      "keep leaves the monitor watching the stage; delete removes it after the check",
    );
  }
  const labels = { ...(config?.labels ?? {}), ...labelsOf(request.options), ...(request.version ? { version: request.version } : {}) };
  const connection = dynatraceConnection(config?.providers.dynatrace ?? {}, request.env);
  const synthetic = new DynatraceSynthetic(connection.endpoints, connection.credentials);
  try {
    return await synthetic.check({
      url: url.toString(),
      labels,
      locations: request.locations ?? settings.locations ?? [],
      retention,
      timeoutMs: parseTimeframe(request.timeout ?? settings.timeout ?? "5m"),
      frequencyMin: settings["frequency-min"] ?? 15,
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
  } finally {
    await synthetic.close();
  }
}

/** What happened, in lines: the monitor, then each execution that failed. */
export function describeSyntheticCheck(check: SyntheticCheck): string[] {
  const count = check.executions.length;
  return [
    `monitor "${check.monitorName}" (${check.monitorId}) ${check.monitor}${check.deleted ? ", deleted after the check" : ""}; ${count} execution${count === 1 ? "" : "s"} in batch ${check.batchId}`,
    ...check.executions.flatMap((execution) =>
      execution.failure ? [`execution ${execution.executionId} from ${execution.locationId} failed: ${execution.failure}`] : [],
    ),
  ];
}

/** The check as a Markdown section for a CI summary. */
export function syntheticMarkdown(check: SyntheticCheck): string {
  const rows = Object.entries(check.slis).map(([sli, value]) => `| \`${sli}\` | ${Math.round(value * 1000) / 1000} |`);
  const lines = describeSyntheticCheck(check).map((line) => `- ${line}`);
  return `### slogate synthetic check\n\n| SLI | value |\n|---|---|\n${rows.join("\n")}\n\n${lines.join("\n")}\n`;
}
