import { describe, expect, it } from "vitest";
import { storedResult } from "../test/support.js";
import { decideOutcome, type GateFacts, outcomePolicy } from "./outcome.js";
import type { SlogateResult } from "./result/result.js";

function facts(result: Partial<SlogateResult> | null, more: Partial<GateFacts> = {}): GateFacts {
  return {
    result: result === null ? null : { ...storedResult("r-1"), ...result },
    invalidConfig: false,
    resultEvent: null,
    testEvents: [],
    eventsRequired: false,
    workload: null,
    ...more,
  };
}

const delivered = { delivered: true, correlationIds: ["c-1"], warnings: [] };
const refused = { delivered: false, correlationIds: [], warnings: ["Dynatrace refused the event (HTTP 403)"] };

describe("decideOutcome: one rule from a gate's answer to a step's state and exit status", () => {
  it.each([
    ["pass", "fail", "succeeded", 0],
    ["pass", "never", "succeeded", 0],
    ["warning", "fail", "warning", 3],
    ["warning", "warning", "failed", 1],
    ["warning", "never", "warning", 3],
    ["fail", "fail", "failed", 1],
    ["fail", "warning", "failed", 1],
    ["fail", "never", "warning", 3],
  ] as const)("%s with fail-on %s → %s, exit %i", (verdict, failOn, state, exitCode) => {
    const outcome = decideOutcome(facts({ result: verdict, score: 80, message: "" }), outcomePolicy(failOn, 3));
    expect({ state: outcome.state, exitCode: outcome.exitCode, verdict: outcome.verdict }).toEqual({ state, exitCode, verdict });
  });

  it("says the verdict and score in the headline, and when fail-on never keeps a failed gate from failing the step", () => {
    const failed = facts({ result: "fail", score: 40, message: "Evaluation failed" });
    expect(decideOutcome(failed, outcomePolicy()).headline).toBe("slogate: fail (score 40): Evaluation failed");
    expect(decideOutcome(failed, outcomePolicy("never")).headline).toBe(
      "slogate: fail (score 40): Evaluation failed (not failing the step: fail-on never)",
    );
  });

  it("maps Azure's build marks as a policy of their own: warning → succeeded, fail → warning", () => {
    const policy = { onFail: "warning", onWarning: "succeeded", warningExitCode: 0 } as const;
    expect(decideOutcome(facts({ result: "warning" }), policy).state).toBe("succeeded");
    expect(decideOutcome(facts({ result: "fail" }), policy).state).toBe("warning");
  });

  it("an invalid configuration has no verdict and exits 2; a cancelled test has none and exits 130", () => {
    expect(decideOutcome(facts({ result: "fail" }, { invalidConfig: true }), outcomePolicy("never"))).toMatchObject({
      state: "invalid",
      verdict: null,
      exitCode: 2,
      headline: "slogate: the configuration is invalid (see the errors above); no verdict",
    });
    expect(decideOutcome(facts(null), outcomePolicy())).toMatchObject({ state: "cancelled", verdict: null, exitCode: 130 });
  });

  it("a gate that could not judge fails the step as an error with the reason, whatever fail-on says — never as FAIL score 0", () => {
    const errored = facts({
      result: "fail",
      status: "errored",
      score: 0,
      message: "evaluation performed by lighthouse received an unexpected error: could not evaluate: SLI cpu: Dynatrace: GET failed",
    });
    expect(decideOutcome(errored, outcomePolicy("never"))).toMatchObject({
      state: "errored",
      exitCode: 1,
      headline: "slogate: error: could not evaluate: SLI cpu: Dynatrace: GET failed",
    });
  });

  it("fails a passing gate when a required event — a test event too — was not delivered, and only then", () => {
    const testEvents = [
      { kind: "test-start", receipt: refused },
      { kind: "test-finish", receipt: delivered },
    ];
    const required = decideOutcome(
      facts({ result: "pass", score: 100, message: "" }, { testEvents, eventsRequired: true }),
      outcomePolicy(),
    );
    expect(required).toMatchObject({
      state: "failed",
      exitCode: 1,
      headline: "slogate: pass (score 100); the test-start event was not delivered and events are required",
    });
    expect(required.problems).toEqual([
      {
        kind: "event",
        severity: "error",
        title: "slogate event",
        message: "the test-start event was not delivered and events are required: Dynatrace refused the event (HTTP 403)",
      },
    ]);
    const optional = decideOutcome(facts({ result: "pass" }, { testEvents, resultEvent: refused }), outcomePolicy());
    expect(optional.state).toBe("succeeded");
    expect(optional.problems.map((p) => [p.severity, p.message])).toEqual([
      ["warning", "test-start event: Dynatrace refused the event (HTTP 403)"],
      ["warning", "gate-result event: Dynatrace refused the event (HTTP 403)"],
    ]);
  });

  it("lists failed and warned objectives, then every SLI without a value, then the load test's reason and notes", () => {
    const objective = storedResult("r-1", "pass", 300).objectives[0];
    if (!objective) throw new Error("the fixture has an objective");
    const outcome = decideOutcome(
      facts(
        {
          result: "fail",
          objectives: [
            { ...objective, sli: "rt", displayName: "Response time", status: "fail", explanation: "<600 violated", error: null },
            { ...objective, sli: "errors", displayName: "", status: "warning", explanation: "<=1 violated", error: null },
            { ...objective, sli: "cpu", displayName: "", status: "fail", explanation: "no value", error: "no data points" },
          ],
        },
        {
          workload: {
            runner: "command",
            name: "smoke",
            start: "2026-01-01T00:00:00Z",
            end: "2026-01-01T00:01:00Z",
            status: "failed",
            exitCode: 1,
            reason: "k6 exited with 1",
            metrics: {},
            units: {},
            notes: ["thresholds crossed"],
          },
        },
      ),
      outcomePolicy(),
    );
    expect(outcome.problems.map((p) => `${p.kind}/${p.severity}: ${p.message}`)).toEqual([
      "workload/notice: thresholds crossed",
      "workload/error: k6 exited with 1",
      "objective/error: Response time: <600 violated",
      "objective/warning: errors: <=1 violated",
      "objective/error: cpu: no value",
      "sli/warning: SLI cpu has no usable value: no data points",
    ]);
  });
});
