import { SlogateError, type SourcePosition } from "../errors.js";

export type Severity = "error" | "warning";

/** One finding about a user's file: where, what is wrong, what was expected, what to do. */
export interface Diagnostic {
  severity: Severity;
  position: SourcePosition;
  message: string;
  expected?: string;
  suggestion?: string;
}

/** `file:line:column: error: message (expected …) — suggestion`, one line per diagnostic. */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const { file, line, column } = diagnostic.position;
  let text = `${file}:${line}:${column}: ${diagnostic.severity}: ${diagnostic.message}`;
  if (diagnostic.expected) text += `; expected ${diagnostic.expected}`;
  if (diagnostic.suggestion) text += `. ${diagnostic.suggestion}`;
  return text;
}

/** Raised when a file has at least one error-level diagnostic; carries all of them. */
export class ConfigError extends SlogateError {
  readonly diagnostics: Diagnostic[];

  constructor(diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === "error");
    const first = errors[0] ?? diagnostics[0];
    super("INVALID_CONFIG", first ? formatDiagnostic(first) : "invalid configuration", {
      ...(first ? { position: first.position } : {}),
      ...(first?.suggestion ? { suggestion: first.suggestion } : {}),
    });
    this.diagnostics = diagnostics;
  }
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
