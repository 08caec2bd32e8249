import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments, visit } from "yaml";
import type { SourcePosition } from "../errors.js";
import type { Diagnostic } from "./diagnostics.js";

/** A parsed YAML file that can tell where each of its values came from. */
export interface YamlSource {
  file: string;
  text: string;
  document: Document.Parsed | null;
  lineCounter: LineCounter;
  diagnostics: Diagnostic[];
}

export type PathSegment = string | number;

const YAML_HINTS: Record<string, string> = {
  DUPLICATE_KEY: "Keep one of the two entries: Keptn 1.x rejected files with repeated keys",
  TAB_AS_INDENT: "Indent with spaces; YAML does not allow tabs for indentation",
  BAD_INDENT: "Align the entries of one mapping or list at the same column",
  MISSING_CHAR: "Check for an unclosed quote or bracket",
  BLOCK_AS_IMPLICIT_KEY: "Check the indentation of the line above",
  MULTILINE_IMPLICIT_KEY: "Put `key: value` on one line, or quote the value",
};

/**
 * Parses YAML the way Keptn's Go decoder sees it (first document only, keys unique), keeping
 * every syntax problem as a positioned diagnostic instead of throwing.
 */
export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  if (text.includes("\u0000")) {
    diagnostics.push({
      severity: "error",
      position: { file, line: 1, column: 1 },
      message: "this is not a text file (it contains NUL bytes)",
      expected: "a UTF-8 text file",
      suggestion: "Check that the path names the intended file",
    });
    return { file, text, document: null, lineCounter, diagnostics };
  }
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(documents) ? documents : [];
  const document = list[0] ?? null;
  diagnostics.push(...documentDiagnostics(text, file, lineCounter, document));
  if (list.length > 1 && list[1] && list[1].contents !== null) {
    const offset = list[1].range[0];
    diagnostics.push({
      severity: "warning",
      position: positionAt(file, lineCounter, offset),
      message: "a second YAML document follows; only the first is read (as Keptn did)",
    });
  }
  return { file, text, document, lineCounter, diagnostics };
}

/** The syntax problems of one parsed document, positioned in its file. */
function documentDiagnostics(text: string, file: string, lineCounter: LineCounter, document: Document.Parsed | null): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const error of document?.errors ?? []) {
    const offset = error.code === "MISSING_CHAR" ? openingQuoteBefore(text, error.pos[0], error.message) : error.pos[0];
    const hint = YAML_HINTS[error.code];
    const message = error.code === "DUPLICATE_KEY" ? `duplicate key ${JSON.stringify(keyTextAt(text, offset))}` : firstLine(error.message);
    diagnostics.push({
      severity: "error",
      position: positionAt(file, lineCounter, offset),
      message: `YAML: ${message}`,
      ...(hint ? { suggestion: hint } : {}),
    });
  }
  for (const warning of document?.warnings ?? []) {
    diagnostics.push({
      severity: "warning",
      position: positionAt(file, lineCounter, warning.pos[0]),
      message: `YAML: ${firstLine(warning.message)}`,
    });
  }
  // The parser accepts an alias whose anchor does not exist; reading the document would then fail.
  if (document && document.errors.length === 0) {
    visit(document, {
      Alias(_key, alias) {
        if (alias.resolve(document) === undefined) {
          diagnostics.push({
            severity: "error",
            position: positionAt(file, lineCounter, alias.range?.[0] ?? 0),
            message: `YAML: alias *${alias.source} refers to no anchor &${alias.source} before it`,
            suggestion: "Define the anchor (&name) earlier in the file, or quote the value if the * is meant literally",
          });
        }
      },
    });
  }
  return diagnostics;
}

/**
 * Every document of a multi-document file (Kubernetes manifests separated by `---`), each as a
 * source of its own that positions in the same file.
 */
export function parseYamlDocuments(text: string, file: string): YamlSource[] {
  const first = parseYamlSource(text, file);
  if (!first.document) return [first];
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(documents) ? documents : [];
  return list
    .filter((document) => document.contents !== null)
    .map((document) => ({ file, text, document, lineCounter, diagnostics: documentDiagnostics(text, file, lineCounter, document) }));
}

/** Where an unclosed quote opened: more useful than the end of file, where the parser noticed. */
function openingQuoteBefore(text: string, offset: number, message: string): number {
  const quote = /Missing closing ("|')/.exec(message)?.[1];
  if (!quote) return offset;
  const opened = text.lastIndexOf(quote, Math.max(0, offset - 1));
  return opened >= 0 ? opened : offset;
}

/** The key written at `offset` (the text up to its colon), for naming a repeated key. */
function keyTextAt(text: string, offset: number): string {
  const rest = text.slice(offset, offset + 200);
  const key = /^\s*(?:-\s+)?("[^"]*"|'[^']*'|[^:\n]+?)\s*:/.exec(rest)?.[1] ?? rest.split("\n")[0] ?? "";
  return key.replace(/^["']|["']$/g, "");
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
}

export function positionAt(file: string, lineCounter: LineCounter, offset: number): SourcePosition {
  const { line, col } = lineCounter.linePos(Math.max(0, offset));
  return { file, line, column: col };
}

/** The node at a path, or the deepest existing ancestor when the path goes past the file. */
export function nodeAt(source: YamlSource, path: readonly PathSegment[]): Node | null {
  let node: unknown = source.document?.contents ?? null;
  for (const segment of path) {
    let next: unknown;
    if (isMap(node)) {
      next = node.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === String(segment))?.value;
    } else if (isSeq(node) && typeof segment === "number") {
      next = node.items[segment];
    }
    if (next === undefined || next === null) break;
    node = next;
  }
  return (node as Node | null) ?? null;
}

/** The key node of `key` inside the mapping at `path`: where to point for an unknown key. */
export function keyNodeAt(source: YamlSource, path: readonly PathSegment[], key: string): Node | null {
  const parent = nodeAt(source, path);
  if (!isMap(parent)) return parent;
  const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === key);
  return (pair?.key as Node | undefined) ?? parent;
}

export function positionOf(source: YamlSource, node: Node | null): SourcePosition {
  const offset = node?.range?.[0] ?? 0;
  return positionAt(source.file, source.lineCounter, offset);
}

export function positionOfPath(source: YamlSource, path: readonly PathSegment[]): SourcePosition {
  return positionOf(source, nodeAt(source, path));
}

/**
 * A scalar's text as Go's yaml decoder puts it into a string field: the source text of a plain
 * scalar (so `90.0` stays "90.0" and `0` stays "0"), the unquoted text of a quoted one.
 */
export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  if (node.value === null) return "";
  if (node.type === "PLAIN" && typeof node.source === "string") return node.source;
  return String(node.value);
}

/** The part of a document at `basePath` (the whole document when empty): its node and plain value. */
export function documentPart(source: YamlSource, basePath: readonly PathSegment[]): { root: Node | null; value: unknown } {
  if (!source.document) return { root: null, value: null };
  const root = basePath.length === 0 ? (source.document.contents as Node | null) : nodeAt(source, basePath);
  let value: unknown = source.document.toJS();
  for (const segment of basePath) value = (value as Record<string, unknown> | null)?.[segment as string];
  return { root, value: value ?? null };
}

/** The error for a file, or a section of one, that holds nothing. */
export function emptyDiagnostic(source: YamlSource, node: Node | null, what: string, expected: string, suggestion?: string): Diagnostic {
  return {
    severity: "error",
    position: node ? positionOf(source, node) : { file: source.file, line: 1, column: 1 },
    message: `${what} is empty`,
    expected,
    ...(suggestion ? { suggestion } : {}),
  };
}
