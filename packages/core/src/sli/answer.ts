import type { SliResult } from "../engine/types.js";
import type { SliAnswer } from "./sli-provider.js";

/** An SLI without a usable value, and why. */
export function failedSli(metric: string, message: string): SliResult {
  return { metric, value: 0, success: false, message };
}

/**
 * A backend provider's answer: when any SLI could not be fetched, the retrieval as a whole
 * reports fail (as Keptn's providers did), so the gate cannot pass on what is missing.
 */
export function backendAnswer(service: string, results: SliResult[], queries: Record<string, string>): SliAnswer {
  const failures = results.filter((result) => !result.success);
  return {
    status: "succeeded",
    result: failures.length > 0 ? "fail" : "pass",
    message: failures.length > 0 ? `${service} gave no usable value for ${failures.map((f) => f.metric).join(", ")}` : "",
    indicatorValues: results,
    queries,
  };
}
