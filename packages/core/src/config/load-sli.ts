import { isMap } from "yaml";
import { type Diagnostic, hasErrors } from "./diagnostics.js";
import { schemaDiagnostics } from "./schema-diagnostics.js";
import { documentPart, emptyDiagnostic, type PathSegment, scalarText, type YamlSource } from "./yaml-source.js";

export interface SliReading {
  /** SLI name → provider query, in file order; null when the file cannot be read. */
  indicators: Record<string, string> | null;
  diagnostics: Diagnostic[];
}

/** Reads a Keptn sli.yaml (or indicators nested at `basePath` in slogate.yaml). */
export function readSli(source: YamlSource, basePath: readonly PathSegment[] = []): SliReading {
  const diagnostics = [...source.diagnostics];
  if (hasErrors(diagnostics)) return { indicators: null, diagnostics };
  const { root, value } = documentPart(source, basePath);
  if (value === null) {
    diagnostics.push(emptyDiagnostic(source, root, "the SLI file", "indicators: a mapping of SLI name to query"));
    return { indicators: null, diagnostics };
  }
  diagnostics.push(...schemaDiagnostics(source, "sli", value, { unknownKey: "warning", basePath }));
  if (hasErrors(diagnostics)) return { indicators: null, diagnostics };
  const indicators: Record<string, string> = {};
  const map = isMap(root) ? root.get("indicators", true) : null;
  if (isMap(map)) {
    for (const pair of map.items) indicators[scalarText(pair.key) ?? ""] = scalarText(pair.value) ?? "";
  }
  return { indicators, diagnostics };
}
