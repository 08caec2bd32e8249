import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError, hasErrors } from "./diagnostics.js";
import { allDiagnostics, loadConfigFile, type SlogateConfig } from "./load-config.js";

/** The name every command looks for in its working directory. */
export const DEFAULT_CONFIG_FILE = "slogate.yaml";

/**
 * slogate.yaml as every command finds it: the file given, else ./slogate.yaml when it exists
 * (unless `implicit` is off: an SLO given on the command line stands alone). A configuration with
 * errors stops here, with every finding.
 */
export async function findConfig(cwd: string, given: string | undefined, implicit = true): Promise<SlogateConfig | null> {
  const fallback = resolve(cwd, DEFAULT_CONFIG_FILE);
  const path = given !== undefined ? resolve(cwd, given) : implicit && existsSync(fallback) ? fallback : undefined;
  if (!path) return null;
  const config = await loadConfigFile(path);
  if (hasErrors(config.diagnostics)) throw new ConfigError(allDiagnostics(config));
  return config;
}
