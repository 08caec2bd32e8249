import type { SliResult } from "../engine/types.js";
import { type ExternalFailure, ExternalServiceError } from "../http/external-error.js";
import type { SliAnswer, UnreachableSli } from "./sli-provider.js";

/** An SLI without a usable value, and why. */
export function failedSli(metric: string, message: string): SliResult {
  return { metric, value: 0, success: false, message };
}

/**
 * The SLIs a provider could not read, as it finds them. Each failed SLI's message ends with its
 * query (when the failure was its query's); an SLI whose backend failed (a refusal, an outage) is
 * also recorded as unreachable with the reason alone, which every SLI it hit shares. Everything is
 * redacted on the way in.
 */
export class FailedSlis {
  readonly unreachable: Record<string, UnreachableSli> = {};

  constructor(private readonly redact: (text: string) => string) {}

  add(sli: string, reason: string, query: string | null, failure?: ExternalFailure): SliResult {
    if (failure) this.unreachable[sli] = { failure, reason: this.redact(reason) };
    return failedSli(sli, this.redact(query === null ? reason : `${reason}; query: ${query}`));
  }
}

/**
 * A backend provider's answer: when any SLI could not be fetched, the retrieval as a whole
 * reports fail (as Keptn's providers did), so the gate cannot pass on what is missing.
 */
export function backendAnswer(
  service: string,
  results: SliResult[],
  queries: Record<string, string>,
  unreachable: Record<string, UnreachableSli> = {},
): SliAnswer {
  const failures = results.filter((result) => !result.success);
  const reached = Object.entries(unreachable);
  return {
    status: "succeeded",
    result: failures.length > 0 ? "fail" : "pass",
    message: failures.length > 0 ? `${service} gave no usable value for ${failures.map((f) => f.metric).join(", ")}` : "",
    indicatorValues: results,
    queries,
    ...(reached.length > 0 ? { unreachable: Object.fromEntries(reached.map(([sli, why]) => [sli, { service, ...why }])) } : {}),
  };
}

/** SLIs as a message names them: all of a few, the first five of many. */
function namedSlis(slis: string[]): string {
  const shown = slis.slice(0, 5).join(", ");
  if (slis.length === 1) return `SLI ${shown}`;
  return slis.length > 5 ? `SLIs ${shown} and ${slis.length - 5} more` : `SLIs ${shown}`;
}

/**
 * Each reason once, with the SLIs it hit: a backend that is down fails every SLI alike, and 25
 * copies of one reason would bury it.
 */
function byReason(entries: Array<[string, { reason: string }]>): string {
  const slisOf = new Map<string, string[]>();
  for (const [sli, { reason }] of entries) slisOf.set(reason, [...(slisOf.get(reason) ?? []), sli]);
  return [...slisOf].map(([reason, slis]) => `${namedSlis(slis)}: ${reason}`).join("; ");
}

/** A refused token or scope: the configuration to fix, not a verdict. */
const REFUSED: ReadonlySet<ExternalFailure> = new Set(["auth", "forbidden"]);
/** The backend did not answer usably after the retries: the gate could not judge. */
const OUTAGE: ReadonlySet<ExternalFailure> = new Set(["rate-limited", "server", "network", "timeout", "bad-response"]);

/**
 * A gate that could not judge is not a FAIL. An SLI whose backend refused the credentials stops
 * the gate as a configuration error (exit 2); one whose backend did not answer makes the
 * retrieval errored ("could not evaluate", as Keptn's errored get-sli), never a failed SLI that
 * scores 0 and reads as a regression. SLIs without data stay failed SLIs, as in Keptn.
 */
export function judgeReachability(answer: SliAnswer): SliAnswer {
  // In the order of the answer's values: requests finish in any order, a message must not.
  const order = answer.indicatorValues.map((value) => value.metric);
  const unreachable = Object.entries(answer.unreachable ?? {}).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
  const refused = unreachable.find(([, { failure }]) => REFUSED.has(failure));
  if (refused) {
    const [, { service, failure }] = refused;
    const alike = unreachable.filter(([, other]) => other.service === service && other.failure === failure);
    throw new ExternalServiceError(service, failure, byReason(alike));
  }
  const down = unreachable.filter(([, { failure }]) => OUTAGE.has(failure));
  if (down.length === 0) return answer;
  return {
    ...answer,
    status: "errored",
    result: "fail",
    message: `could not evaluate: ${byReason(down)}`,
  };
}
