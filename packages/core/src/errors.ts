/**
 * Every error slogate raises on purpose. The code says which kind of problem it is, so callers
 * (the CLI, the adapters) can map it to an exit status or a platform message without parsing text.
 */
export type SlogateErrorCode =
  | "INVALID_CONFIG"
  | "INVALID_CRITERIA"
  | "INVALID_INPUT"
  | "INVALID_USAGE"
  | "HISTORY_IO"
  | "HISTORY_LOCKED"
  | "NOT_FOUND";

/** Where in a user's file a problem sits. Lines and columns count from 1. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export class SlogateError extends Error {
  override readonly name = "SlogateError";
  readonly code: SlogateErrorCode;
  readonly position: SourcePosition | undefined;
  readonly suggestion: string | undefined;

  constructor(code: SlogateErrorCode, message: string, options: { cause?: unknown; position?: SourcePosition; suggestion?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.position = options.position;
    this.suggestion = options.suggestion;
  }
}

export function isSlogateError(error: unknown): error is SlogateError {
  return error instanceof SlogateError;
}

/** A mistake in how slogate was asked to work (exit 2), with what to do instead. */
export function usageError(message: string, suggestion?: string): SlogateError {
  return new SlogateError("INVALID_USAGE", message, suggestion ? { suggestion } : {});
}
