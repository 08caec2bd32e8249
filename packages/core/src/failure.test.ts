import { describe, expect, it } from "vitest";
import { ConfigError } from "./config/diagnostics.js";
import { SlogateError } from "./errors.js";
import { describeFailure } from "./failure.js";
import { ExternalServiceError } from "./http/external-error.js";

describe("describeFailure: each error's exit status and message, for the CLI and every adapter", () => {
  it.each([
    ["a usage mistake", new SlogateError("INVALID_USAGE", "no SLO given", { suggestion: "Pass --slo" }), 2, "no SLO given. Pass --slo"],
    ["a bad input", new SlogateError("INVALID_INPUT", 'vus: "0" is not a count'), 2, 'vus: "0" is not a count'],
    ["a history that cannot be read", new SlogateError("HISTORY_IO", "cannot read h.jsonl: EACCES"), 1, "cannot read h.jsonl: EACCES"],
    ["a history lock held by another writer", new SlogateError("HISTORY_LOCKED", "h.jsonl is locked"), 1, "h.jsonl is locked"],
    [
      "a refused token",
      new ExternalServiceError("Dynatrace", "auth", "the token was refused", 401),
      2,
      "the backend refused the request: Dynatrace: the token was refused (HTTP 401); check the token or credentials",
    ],
    [
      "a backend still down after the retries",
      new ExternalServiceError("Dynatrace", "server", "answered 503 three times", 503),
      1,
      "could not evaluate: Dynatrace: answered 503 three times (HTTP 503); the service had an error; retry later",
    ],
  ])("%s → exit %i", (_case, error, exitCode, message) => {
    expect(describeFailure(error)).toEqual({ exitCode, message, diagnostics: [], internal: false });
  });

  it("carries a configuration's findings and a positioned error's place for annotations", () => {
    const diagnostic = { severity: "error" as const, position: { file: "slo.yaml", line: 3, column: 7 }, message: "bad criterion" };
    expect(describeFailure(new ConfigError([diagnostic]))).toMatchObject({ exitCode: 2, diagnostics: [diagnostic] });
    const positioned = new SlogateError("INVALID_CONFIG", "unknown key", {
      position: diagnostic.position,
      suggestion: "Did you mean pass?",
    });
    expect(describeFailure(positioned).diagnostics).toEqual([
      { severity: "error", position: diagnostic.position, message: "unknown key", suggestion: "Did you mean pass?" },
    ]);
  });

  it("names slogate's own bug as internal, with the stack only when debugging", () => {
    const bug = new TypeError("x is undefined");
    expect(describeFailure(bug)).toEqual({
      exitCode: 1,
      message: "internal error: x is undefined. Please report it with the command you ran (set SLOGATE_DEBUG=1 for details)",
      diagnostics: [],
      internal: true,
    });
    expect(describeFailure(bug, true).message).toContain("TypeError: x is undefined\n    at ");
  });
});
