import type { SliResult } from "../engine/types.js";
import { type ExternalFailure, ExternalServiceError } from "../http/external-error.js";
import type { SliAnswer } from "./sli-provider.js";

/** An SLI without a usable value, and why. */
export function failedSli(metric: string, message: string): SliResult {
  return { metric, value: 0, success: false, message };
}

/**
 * A backend provider's answer: when any SLI could not be fetched, the retrieval as a whole
 * reports fail (as Keptn's providers did), so the gate cannot pass on what is missing.
 */
export function backendAnswer(
  service: string,
  results: SliResult[],
  queries: Record<string, string>,
  unreachable: Record<string, ExternalFailure> = {},
): SliAnswer {
  const failures = results.filter((result) => !result.success);
  const reached = Object.entries(unreachable);
  return {
    status: "succeeded",
    result: failures.length > 0 ? "fail" : "pass",
    message: failures.length > 0 ? `${service} gave no usable value for ${failures.map((f) => f.metric).join(", ")}` : "",
    indicatorValues: results,
    queries,
    ...(reached.length > 0 ? { unreachable: Object.fromEntries(reached.map(([sli, failure]) => [sli, { service, failure }])) } : {}),
  };
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
  const unreachable = Object.entries(answer.unreachable ?? {});
  const messageOf = (sli: string) => answer.indicatorValues.find((value) => value.metric === sli)?.message ?? "";
  const refused = unreachable.find(([, { failure }]) => REFUSED.has(failure));
  if (refused) {
    const [sli, { service, failure }] = refused;
    throw new ExternalServiceError(service, failure, `SLI ${sli}: ${messageOf(sli)}`);
  }
  const down = unreachable.filter(([, { failure }]) => OUTAGE.has(failure));
  if (down.length === 0) return answer;
  return {
    ...answer,
    status: "errored",
    result: "fail",
    message: `could not evaluate: ${down.map(([sli]) => `SLI ${sli}: ${messageOf(sli)}`).join("; ")}`,
  };
}
