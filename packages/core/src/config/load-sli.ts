import { isMap, type Node } from "yaml";
import { type Diagnostic, hasErrors } from "./diagnostics.js";
import { schemaDiagnostics } from "./schema-diagnostics.js";
import { nodeAt, type PathSegment, positionOf, scalarText, type YamlSource } from "./yaml-source.js";

export interface SliReading {
  /** SLI name → provider query, in file order; null when the file cannot be read. */
  indicators: Record<string, string> | null;
  diagnostics: Diagnostic[];
}

/** Reads a Keptn sli.yaml (or indicators nested at `basePath` in slogate.yaml). */
export function readSli(source: YamlSource, basePath: readonly PathSegment[] = []): SliReading {
  const diagnostics = [...source.diagnostics];
  if (hasErrors(diagnostics)) return { indicators: null, diagnostics };
  if (!source.document) {
    diagnostics.push({
      severity: "error",
      position: { file: source.file, line: 1, column: 1 },
      message: "the SLI file is empty",
      expected: "indicators: a mapping of SLI name to query",
    });
    return { indicators: null, diagnostics };
  }
  const root = basePath.length === 0 ? (source.document.contents as Node | null) : nodeAt(source, basePath);
  const value = basePath.length === 0 ? source.document.toJS() : (root as Node | null)?.toJSON();
  if (value === null || value === undefined) {
    diagnostics.push({
      severity: "error",
      position: positionOf(source, root),
      message: "the SLI file is empty",
      expected: "indicators: a mapping of SLI name to query",
    });
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
