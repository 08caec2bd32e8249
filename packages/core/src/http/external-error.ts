/** What went wrong outside slogate, in the terms a user can act on. */
export type ExternalFailure =
  | "auth"
  | "forbidden"
  | "not-found"
  | "bad-request"
  | "rate-limited"
  | "server"
  | "network"
  | "timeout"
  | "bad-response"
  | "not-run";

const ADVICE: Record<ExternalFailure, string> = {
  auth: "check the token or credentials",
  forbidden: "the token lacks a permission (scope) this call needs",
  "not-found": "check the URL and the names in the query",
  "bad-request": "the service refused the query as written",
  "rate-limited": "the service is throttling requests; retry later or lower the concurrency",
  server: "the service had an error; retry later",
  network: "check the URL, DNS, proxy (HTTPS_PROXY/NO_PROXY) and that the service is up",
  timeout: "the service did not answer in time; raise the timeout or check its load",
  "bad-response": "the answer was not what the API documents; check the URL points at the right service",
  "not-run": "the service took the request but could not carry it out; the reasons are given",
};

/**
 * A backend outage or refusal, kept apart from slogate's own errors: it says which service,
 * what happened and what to do, and never carries a secret.
 */
export class ExternalServiceError extends Error {
  override readonly name = "ExternalServiceError";

  constructor(
    readonly service: string,
    readonly failure: ExternalFailure,
    readonly detail: string,
    readonly status?: number,
  ) {
    super(`${service}: ${detail}${status ? ` (HTTP ${status})` : ""}; ${ADVICE[failure]}`);
  }
}

export function failureForStatus(status: number): ExternalFailure {
  if (status === 401) return "auth";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  if (status === 408) return "timeout";
  if (status === 429) return "rate-limited";
  if (status >= 500) return "server";
  return "bad-request";
}

/** Replaces every secret (a token, a password) in a text that may be shown or stored. */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (secret.length >= 4) result = result.split(secret).join("***");
  return result;
}
