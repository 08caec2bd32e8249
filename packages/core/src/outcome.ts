import { ERRORED_RETRIEVAL } from "./engine/evaluate.js";
import type { EventReceipt } from "./events/event-sink.js";
import type { FailOn } from "./options.js";
import { objectiveName } from "./report/text.js";
import type { SlogateResult } from "./result/result.js";
import { CANCELLED_EXIT_CODE } from "./termination.js";
import type { WorkloadOutcome } from "./workload/workload-runner.js";

/** What a CI step shows once the gate has answered. */
export type StepState = "succeeded" | "warning" | "failed";

/** Which step state each verdict becomes, and the exit code of a warning. */
export interface OutcomePolicy {
  onFail: StepState;
  onWarning: StepState;
  /** Exit status of a step left in the warning state (GitLab allows it, Jenkins marks UNSTABLE). */
  warningExitCode: number;
}

/** The policy behind `fail-on`: the one vocabulary every platform offers. */
export function outcomePolicy(failOn: FailOn = "fail", warningExitCode = 0): OutcomePolicy {
  const policies: Record<FailOn, Pick<OutcomePolicy, "onFail" | "onWarning">> = {
    fail: { onFail: "failed", onWarning: "warning" },
    warning: { onFail: "failed", onWarning: "failed" },
    never: { onFail: "warning", onWarning: "warning" },
  };
  return { ...policies[failOn], warningExitCode };
}

/** One thing worth a line of its own on the platform (an annotation, an issue). */
export interface Problem {
  /** objective: also in every report's table; the others are said nowhere else. */
  kind: "objective" | "sli" | "event" | "workload" | "history";
  /** notice: worth telling, changes nothing. */
  severity: "error" | "warning" | "notice";
  title: string;
  message: string;
}

export interface GateOutcome {
  /** errored: the gate could not judge (a backend did not answer); the step fails, with that reason. */
  state: StepState | "invalid" | "cancelled" | "errored";
  /** The gate's own verdict; null when there is none (invalid configuration, cancelled test). */
  verdict: SlogateResult["result"] | null;
  exitCode: number;
  /** The step's one-line result. */
  headline: string;
  problems: Problem[];
}

/** The parts of a gate run the outcome depends on. */
export interface GateFacts {
  /** null when a load test was cancelled. */
  result: SlogateResult | null;
  invalidConfig: boolean;
  /** The gate-result event's receipt, when one was sent. */
  resultEvent: EventReceipt | null;
  /** Delivery events around a load test (deployment, test start and finish), by kind. */
  testEvents: Array<{ kind: string; receipt: EventReceipt }>;
  eventsRequired: boolean;
  workload: WorkloadOutcome | null;
  /** Why the result was not stored in the history, when it was not. */
  notStored?: string | null;
}

const STATE_EXIT: Record<StepState, (policy: OutcomePolicy) => number> = {
  succeeded: () => 0,
  warning: (policy) => policy.warningExitCode,
  failed: () => 1,
};

/** Every delivery event of the run, the gate-result event last. */
function deliveries(facts: GateFacts): Array<{ kind: string; receipt: EventReceipt }> {
  return [...facts.testEvents, ...(facts.resultEvent ? [{ kind: "gate-result", receipt: facts.resultEvent }] : [])];
}

function problemsOf(facts: GateFacts): Problem[] {
  const problems: Problem[] = [];
  for (const note of facts.workload?.notes ?? [])
    problems.push({ kind: "workload", severity: "notice", title: "slogate load test", message: note });
  if (facts.workload?.reason)
    problems.push({ kind: "workload", severity: "error", title: "slogate load test", message: facts.workload.reason });
  const result = facts.result;
  for (const objective of result?.objectives ?? []) {
    if (objective.status === "fail")
      problems.push({
        kind: "objective",
        severity: "error",
        title: "slogate objective failed",
        message: `${objectiveName(objective)}: ${objective.explanation}`,
      });
    else if (objective.status === "warning")
      problems.push({
        kind: "objective",
        severity: "warning",
        title: "slogate objective warning",
        message: `${objectiveName(objective)}: ${objective.explanation}`,
      });
  }
  // A value that could not be fetched is never passed over in silence, whatever the verdict.
  for (const objective of result?.objectives ?? []) {
    if (objective.error)
      problems.push({
        kind: "sli",
        severity: "warning",
        title: "slogate SLI without value",
        message: `SLI ${objective.sli} has no usable value: ${objective.error}`,
      });
  }
  if (facts.notStored)
    problems.push({
      kind: "history",
      severity: "warning",
      title: "slogate history",
      message: `the result was not stored: ${facts.notStored}`,
    });
  for (const { kind, receipt } of deliveries(facts)) {
    const why = receipt.warnings.join("; ");
    if (!receipt.delivered && facts.eventsRequired) {
      problems.push({
        kind: "event",
        severity: "error",
        title: "slogate event",
        message: `the ${kind} event was not delivered and events are required${why ? `: ${why}` : ""}`,
      });
    } else if (why) problems.push({ kind: "event", severity: "warning", title: "slogate event", message: `${kind} event: ${why}` });
  }
  return problems;
}

/**
 * The one rule from a gate's answer to a CI step's state and exit status. Pure: every surface
 * (the CLI, each adapter) asks it and only translates the answer into its platform's terms.
 */
export function decideOutcome(facts: GateFacts, policy: OutcomePolicy): GateOutcome {
  const problems = problemsOf(facts);
  const undelivered = deliveries(facts)
    .filter(({ receipt }) => !receipt.delivered)
    .map(({ kind }) => kind);
  if (facts.invalidConfig) {
    return {
      state: "invalid",
      verdict: null,
      exitCode: 2,
      headline: "slogate: the configuration is invalid (see the errors above); no verdict",
      problems,
    };
  }
  if (facts.result === null) {
    return {
      state: "cancelled",
      verdict: null,
      exitCode: CANCELLED_EXIT_CODE,
      headline: "slogate: cancelled: no verdict for a partial test",
      problems,
    };
  }
  const { result } = facts;
  if (result.status === "errored") {
    const reason = result.message.startsWith(ERRORED_RETRIEVAL) ? result.message.slice(ERRORED_RETRIEVAL.length) : result.message;
    return { state: "errored", verdict: result.result, exitCode: 1, headline: `slogate: error: ${reason}`, problems };
  }
  const verdictLine = `slogate: ${result.result} (score ${result.score})${result.message ? `: ${result.message}` : ""}`;
  if (facts.eventsRequired && undelivered.length > 0) {
    const which = undelivered.length === 1 ? `the ${undelivered[0]} event was` : `the ${undelivered.join(", ")} events were`;
    return {
      state: "failed",
      verdict: result.result,
      exitCode: 1,
      headline: `${verdictLine}; ${which} not delivered and events are required`,
      problems,
    };
  }
  const state: StepState = result.result === "fail" ? policy.onFail : result.result === "warning" ? policy.onWarning : "succeeded";
  const softened = result.result === "fail" && state !== "failed" ? " (not failing the step: fail-on never)" : "";
  return { state, verdict: result.result, exitCode: STATE_EXIT[state](policy), headline: `${verdictLine}${softened}`, problems };
}
