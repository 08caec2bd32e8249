import { ConfigError, type Diagnostic } from "./config/diagnostics.js";
import { isSlogateError, type SlogateErrorCode } from "./errors.js";
import { type ExternalFailure, ExternalServiceError } from "./http/external-error.js";

/**
 * Exit status of each kind of error, in one place. A mistake in what the user gave (input, files,
 * usage) is 2, so a pipeline tells it from a verdict; a failure of something outside slogate's
 * reach (history storage, a lock held by another writer) is 1 with its reason.
 */
export const EXIT_STATUS: Record<SlogateErrorCode, 1 | 2> = {
  INVALID_CONFIG: 2,
  INVALID_CRITERIA: 2,
  INVALID_INPUT: 2,
  INVALID_USAGE: 2,
  NOT_FOUND: 2,
  HISTORY_IO: 1,
  HISTORY_LOCKED: 1,
};

/**
 * A backend's refusal of the token or the query is a configuration to fix (2); an outage that
 * outlasted the retries means the gate could not judge (1).
 */
const EXTERNAL_EXIT_STATUS: Record<ExternalFailure, 1 | 2> = {
  auth: 2,
  forbidden: 2,
  "not-found": 2,
  "bad-request": 2,
  "rate-limited": 1,
  server: 1,
  network: 1,
  timeout: 1,
  "bad-response": 1,
  "not-run": 1,
};

export interface FailureDescription {
  exitCode: 1 | 2;
  /** One line for a person: what happened and what to do. */
  message: string;
  /** Positioned findings in the user's files, for annotations. */
  diagnostics: Diagnostic[];
  /** True for slogate's own bug (not the user's, not a backend's): worth a report. */
  internal: boolean;
}

/** What an error means to the person running the gate; the CLI and every adapter show this. */
export function describeFailure(error: unknown, debug = false): FailureDescription {
  if (error instanceof ConfigError) {
    return {
      exitCode: 2,
      message: "the configuration is invalid (see the errors above); no verdict",
      diagnostics: error.diagnostics,
      internal: false,
    };
  }
  if (error instanceof ExternalServiceError) {
    const exitCode = EXTERNAL_EXIT_STATUS[error.failure];
    const lead = exitCode === 2 ? "the backend refused the request" : "could not evaluate";
    return { exitCode, message: `${lead}: ${error.message}`, diagnostics: [], internal: false };
  }
  if (isSlogateError(error)) {
    const suggestion = error.suggestion ? `. ${error.suggestion}` : "";
    const diagnostics: Diagnostic[] = error.position
      ? [
          {
            severity: "error",
            position: error.position,
            message: error.message,
            ...(error.suggestion ? { suggestion: error.suggestion } : {}),
          },
        ]
      : [];
    return { exitCode: EXIT_STATUS[error.code], message: `${error.message}${suggestion}`, diagnostics, internal: false };
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = debug && error instanceof Error && error.stack ? `\n${error.stack}` : debug ? "" : " (set SLOGATE_DEBUG=1 for details)";
  return {
    exitCode: 1,
    message: `internal error: ${message}. Please report it with the command you ran${stack}`,
    diagnostics: [],
    internal: true,
  };
}
