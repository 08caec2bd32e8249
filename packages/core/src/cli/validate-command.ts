import { resolve } from "node:path";
import { type Diagnostic, formatDiagnostic, hasErrors } from "../config/diagnostics.js";
import { allDiagnostics, loadConfigFile, readTextFile } from "../config/load-config.js";
import { readSli } from "../config/load-sli.js";
import { readSlo } from "../config/load-slo.js";
import { parseYamlSource } from "../config/yaml-source.js";
import type { CliIo } from "./io.js";
import { type OptionSpec, parseCommandLine, usageError } from "./usage.js";

export const VALIDATE_HELP = `Usage: slogate validate [--config <slogate.yaml>] [--slo <slo.yaml>] [--sli <sli.yaml>] [file…]

Checks configuration files without evaluating anything. Files given without an option
are recognised by their content (objectives → slo.yaml, indicators → sli.yaml,
version → slogate.yaml). Every problem is printed as file:line:column.

Exit status: 0 valid (warnings may be printed), 2 invalid.
`;

const OPTIONS: OptionSpec = {
  config: { type: "string" },
  slo: { type: "string" },
  sli: { type: "string" },
  help: { type: "boolean", short: "h" },
};

type Kind = "config" | "slo" | "sli";

function kindOf(text: string): Kind {
  if (/^\s*version\s*:/m.test(text) && !/^\s*objectives\s*:/m.test(text)) return "config";
  if (/^\s*indicators\s*:/m.test(text) && !/^\s*objectives\s*:/m.test(text)) return "sli";
  return "slo";
}

async function check(kind: Kind, path: string): Promise<Diagnostic[]> {
  if (kind === "config") return allDiagnostics(await loadConfigFile(path));
  const source = parseYamlSource(await readTextFile(path, kind === "slo" ? "SLO file" : "SLI file"), path);
  return kind === "slo" ? readSlo(source).diagnostics : readSli(source).diagnostics;
}

export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, OPTIONS, "validate");
  if (values.help) {
    io.stdout(VALIDATE_HELP);
    return 0;
  }
  const files: Array<{ kind: Kind; path: string }> = [];
  for (const kind of ["config", "slo", "sli"] as const) {
    const value = values[kind];
    if (typeof value === "string") files.push({ kind, path: resolve(io.cwd, value) });
  }
  for (const positional of positionals) {
    const path = resolve(io.cwd, positional);
    files.push({ kind: kindOf(await readTextFile(path, "file")), path });
  }
  if (files.length === 0) files.push({ kind: "config", path: resolve(io.cwd, "slogate.yaml") });
  if (files.length === 0) throw usageError("nothing to validate", "Name a file, e.g. slogate validate --slo slo.yaml");
  let invalid = false;
  for (const file of files) {
    const diagnostics = await check(file.kind, file.path);
    for (const diagnostic of diagnostics) io.stderr(`${formatDiagnostic(diagnostic)}\n`);
    const errors = diagnostics.filter((d) => d.severity === "error").length;
    const warnings = diagnostics.length - errors;
    if (hasErrors(diagnostics)) invalid = true;
    io.stdout(
      `${file.path}: ${errors === 0 ? "valid" : "invalid"} (${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"})\n`,
    );
  }
  return invalid ? 2 : 0;
}
