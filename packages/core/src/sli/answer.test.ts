import { describe, expect, it } from "vitest";
import { type ExternalFailure, ExternalServiceError } from "../http/external-error.js";
import { backendAnswer, FailedSlis, judgeReachability } from "./answer.js";
import type { SliAnswer } from "./sli-provider.js";

const DOWN = "Dynatrace: GET https://abc.live.dynatrace.com/api/v2/metrics/query failed: ECONNREFUSED";

/** An answer of `slis` in that order, where `lost` (in the order given) could not be read. */
function answerWith(
  slis: string[],
  lost: Array<[sli: string, reason: string, failure?: ExternalFailure]>,
  service = "Dynatrace",
): SliAnswer {
  const failures = new FailedSlis((text) => text);
  const results = slis.map((sli) => ({ metric: sli, value: 1, success: true, message: "" }));
  for (const [sli, reason, failure] of lost)
    results[slis.indexOf(sli)] = failures.add(sli, reason, `query of ${sli}`, failure ?? "network");
  return backendAnswer(service, results, {}, failures.unreachable);
}

/** The refusal judgeReachability throws for `answer`. */
function refusalOf(answer: SliAnswer): ExternalServiceError {
  try {
    judgeReachability(answer);
  } catch (error) {
    if (error instanceof ExternalServiceError) return error;
    throw error;
  }
  throw new Error("judgeReachability did not stop at the refusal");
}

describe("an answer whose backend could not be reached", () => {
  const six = ["a", "b", "c", "d", "e", "f"];
  it.each([
    ["one SLI", ["a"], [["a", DOWN]], `could not evaluate: SLI a: ${DOWN}`],
    [
      "five SLIs, one reason",
      six.slice(0, 5),
      six.slice(0, 5).map((sli) => [sli, DOWN]),
      `could not evaluate: SLIs a, b, c, d, e: ${DOWN}`,
    ],
    ["six SLIs, one reason", six, six.map((sli) => [sli, DOWN]), `could not evaluate: SLIs a, b, c, d, e and 1 more: ${DOWN}`],
    [
      "two reasons, each once",
      ["a", "b", "c"],
      [
        ["b", "timed out"],
        ["a", DOWN],
        ["c", "timed out"],
      ],
      `could not evaluate: SLI a: ${DOWN}; SLIs b, c: timed out`,
    ],
    [
      "finished out of order, named in the answer's order",
      ["c", "a", "b"],
      [
        ["b", DOWN],
        ["c", DOWN],
        ["a", DOWN],
      ],
      `could not evaluate: SLIs c, a, b: ${DOWN}`,
    ],
  ] as Array<[string, string[], Array<[string, string]>, string]>)("%s", (_name, slis, lost, message) => {
    const judged = judgeReachability(answerWith(slis, lost));
    expect(judged.status).toBe("errored");
    expect(judged.result).toBe("fail");
    expect(judged.message).toBe(message);
  });

  it("keeps each SLI's own message, the query after the reason", () => {
    const answer = answerWith(["a", "b"], [["b", DOWN]]);
    expect(answer.indicatorValues).toEqual([
      { metric: "a", value: 1, success: true, message: "" },
      { metric: "b", value: 0, success: false, message: `${DOWN}; query: query of b` },
    ]);
    expect(answer.unreachable).toEqual({ b: { service: "Dynatrace", failure: "network", reason: DOWN } });
  });

  it("stops at a refusal, naming the SLIs refused alike, before any outage", () => {
    const answer = answerWith(
      ["a", "b", "c", "d"],
      [
        ["d", "HTTP 401", "auth"],
        ["a", DOWN, "network"],
        ["b", "HTTP 401", "auth"],
        ["c", "HTTP 403", "forbidden"],
      ],
    );
    const refused = refusalOf(answer);
    expect([refused.service, refused.failure, refused.message]).toEqual([
      "Dynatrace",
      "auth",
      "Dynatrace: SLIs b, d: HTTP 401; check the token or credentials",
    ]);
  });

  it("names only the first refusing service's SLIs when two services refused", () => {
    const prometheus = answerWith(["a", "b", "c"], [["b", "HTTP 401 from Prometheus", "auth"]], "Prometheus");
    const dynatrace = answerWith(["a", "b", "c"], [["a", "HTTP 401 from Dynatrace", "auth"]]);
    // A routed answer: each SLI from its own backend, the unreachable records merged.
    const answer = { ...prometheus, unreachable: { ...prometheus.unreachable, ...dynatrace.unreachable } };
    const refused = refusalOf(answer);
    expect([refused.service, refused.message]).toEqual([
      "Dynatrace",
      "Dynatrace: SLI a: HTTP 401 from Dynatrace; check the token or credentials",
    ]);
  });

  it("leaves an answer alone when every backend answered (an SLI without data stays a failed SLI)", () => {
    const failures = new FailedSlis((text) => text);
    const answer = backendAnswer("Dynatrace", [failures.add("a", "no data", "query of a")], {}, failures.unreachable);
    expect(judgeReachability(answer)).toBe(answer);
    expect(answer.unreachable).toBeUndefined();
  });

  it("redacts the reason and the message as they are recorded", () => {
    const failures = new FailedSlis((text) => text.replaceAll("dt0c01.SECRET", "***"));
    const result = failures.add("a", "refused dt0c01.SECRET", "metricSelector=x&token=dt0c01.SECRET", "auth");
    expect(result.message).toBe("refused ***; query: metricSelector=x&token=***");
    expect(failures.unreachable).toEqual({ a: { failure: "auth", reason: "refused ***" } });
  });
});
