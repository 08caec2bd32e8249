import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { readTextFile } from "../config/load-config.js";
import { parseYamlDocuments, parseYamlSource } from "../config/yaml-source.js";
import { type ImportedGate, importedFiles, lossless } from "../importers/import-result.js";
import { importKeptnAnalysis } from "../importers/keptn-analysis.js";
import { importSrg } from "../importers/srg.js";
import type { CliIo } from "./io.js";
import { type OptionSpec, parseCommandLine, usageError } from "./usage.js";

export const IMPORT_HELP = `Usage: slogate import <keptn-analysis|srg> <file…> [--out <dir>] [--force]

Writes slo.yaml and sli.yaml (and slogate.yaml with the provider and labels) from objectives
written for another tool, and reports, per objective, what carried over exactly, what was
approximated, and what could not be expressed.

  keptn-analysis <files…>   Keptn v2 (lifecycle toolkit) resources: one AnalysisDefinition,
                            its AnalysisValueTemplates and KeptnMetricsProviders (any number of
                            files, several documents per file)
  srg <guardian.json>       a Dynatrace Site Reliability Guardian (the guardian, or its settings
                            object as the Settings API exports it)

Options:
  --out <dir>   where to write (default: here)
  --force       replace files that exist
  -h, --help    show this help

Exit status: 0 imported without loss, 3 imported with losses (the report says which),
2 invalid input (with positions) or files that exist.
`;

const OPTIONS: OptionSpec = {
  out: { type: "string" },
  force: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

/** Exit status of an import that wrote files but lost something on the way. */
export const LOSSY_IMPORT_EXIT = 3;

export async function importCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, OPTIONS, "import");
  if (values.help) {
    io.stdout(IMPORT_HELP);
    return 0;
  }
  const [kind, ...files] = positionals;
  if (kind !== "keptn-analysis" && kind !== "srg") {
    throw usageError(
      kind === undefined ? "slogate import needs what to import" : `slogate import does not read ${JSON.stringify(kind)}`,
      "Use slogate import keptn-analysis <AnalysisDefinition.yaml> [<AnalysisValueTemplate.yaml>…] or slogate import srg <guardian.json>",
    );
  }
  if (files.length === 0 || (kind === "srg" && files.length > 1)) {
    throw usageError(
      `slogate import ${kind} needs ${kind === "srg" ? "one guardian file" : "the resource files"}`,
      "See slogate import --help",
    );
  }
  const paths = files.map((file) => resolve(io.cwd, file));
  const texts = await Promise.all(paths.map((path) => readTextFile(path, "file to import")));
  const gate: ImportedGate =
    kind === "srg"
      ? importSrg(parseYamlSource(texts[0] as string, paths[0] as string))
      : importKeptnAnalysis(paths.flatMap((path, i) => parseYamlDocuments(texts[i] as string, path)));
  const out = resolve(io.cwd, typeof values.out === "string" ? values.out : ".");
  const written = importedFiles(gate, files.join(", "));
  const existing = Object.keys(written).filter((name) => existsSync(join(out, name)));
  if (existing.length > 0 && values.force !== true) {
    throw usageError(
      `${existing.join(", ")} exist${existing.length === 1 ? "s" : ""} in ${relative(io.cwd, out) || "."}`,
      "Pass --force to replace, or --out <dir> to write elsewhere",
    );
  }
  await mkdir(out, { recursive: true });
  for (const [name, text] of Object.entries(written)) await writeFile(join(out, name), text);
  for (const report of gate.reports)
    io.stdout(`${report.sli}: ${report.fidelity}${report.notes.length > 0 ? `: ${report.notes.join("; ")}` : ""}\n`);
  for (const dropped of gate.dropped) io.stdout(`dropped: ${dropped}\n`);
  for (const note of gate.notes) io.stdout(`note: ${note}\n`);
  io.stdout(`wrote ${Object.keys(written).join(", ")} in ${relative(io.cwd, out) || "."}\n`);
  return lossless(gate) ? 0 : LOSSY_IMPORT_EXIT;
}
