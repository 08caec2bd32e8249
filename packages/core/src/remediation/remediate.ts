import type { Verdict } from "../engine/types.js";
import type { DeliveryEvent } from "../events/event-sink.js";
import type { Problem, ProblemComment, ProblemsApi } from "./dynatrace-problems.js";
import { COMMENT_CONTEXT } from "./dynatrace-problems.js";
import type { Remediation, RemediationAction } from "./remediation-file.js";

/**
 * Remediation as code, run by CI: Keptn's remediation loop without a control plane. For an open
 * problem, the actions of its remediation run one by one; after each, a wait, then the check (the
 * problem closed, or the quality gate passing). The first action that brings the service back
 * ends the run; when none does, the run escalates. Every step is a comment on the problem and an
 * event on its root-cause entity, as Keptn's were.
 */

/** How an action's command ended, in words. */
export interface ActionRun {
  ok: boolean;
  /** "exited with code 1", "ran longer than its timeout (30 s) and was stopped", … */
  detail: string;
}

/** The quality gate's answer after an action; null verdict when it could not evaluate. */
export interface GateCheck {
  verdict: Verdict | null;
  /** One line: result, score and message. */
  summary: string;
}

export interface RemediationStep {
  index: number;
  action: RemediationAction;
  run: ActionRun;
  /** What the check found: the problem closed, or the gate's answer (null: no gate configured). */
  closed: boolean;
  gate: GateCheck | null;
  resolved: boolean;
}

export type RemediationState = "remediated" | "escalated" | "not-open" | "handled-elsewhere" | "test-notification";

export interface RemediationOutcome {
  state: RemediationState;
  /** 0 when the service is back (or there was nothing to do), 1 when the actions ran out. */
  exitCode: 0 | 1;
  message: string;
  problem: Problem | null;
  remediation: Remediation | null;
  steps: RemediationStep[];
  /** Comments posted on the problem. */
  comments: number;
}

export interface RemediationDeps {
  problems: ProblemsApi;
  /** Runs one action's command with the problem and the action in its environment. */
  runAction(action: RemediationAction, index: number, problem: Problem, signal: AbortSignal): Promise<ActionRun>;
  /** The quality gate over the time since the action; null when no SLO was given (only the problem's state is checked). */
  checkGate: (() => Promise<GateCheck>) | null;
  /** Sends a delivery event on the problem's root-cause entity; never throws. */
  sendEvent(event: DeliveryEvent, problem: Problem): Promise<void>;
  wait(ms: number, signal: AbortSignal): Promise<void>;
  log(line: string): void;
  runId: string;
  /** Where the CI run can be seen, for the comments. */
  runUrl?: string;
  now(): Date;
}

export interface RemediationRequest {
  problemId: string;
  testNotification: boolean;
  pick: (problem: Problem) => Remediation | null;
  waitMs: number;
  signal: AbortSignal;
}

/** A claim that no one finished within this time is taken to be from a run that died. */
export const CLAIM_TTL_MS = 60 * 60 * 1000;

const claimMarker = (runId: string) => `[slogate-remediation run=${runId}]`;
const finishedMarker = (runId: string) => `[slogate-remediation run=${runId} finished]`;
const CLAIM = /\[slogate-remediation run=([\w-]+)\]/;
const FINISHED = /\[slogate-remediation run=([\w-]+) finished\]/;

/** The runs that claimed the problem and have not finished, oldest claim first. */
function activeClaims(comments: readonly ProblemComment[], now: number): Array<{ runId: string; at: number; id: string }> {
  const ours = comments.filter((comment) => comment.context === COMMENT_CONTEXT);
  const finished = new Set(ours.flatMap((comment) => FINISHED.exec(comment.content)?.[1] ?? []));
  return ours
    .flatMap((comment) => {
      const runId = CLAIM.exec(comment.content)?.[1];
      return runId && !finished.has(runId) && now - comment.createdAtTimestamp < CLAIM_TTL_MS
        ? [{ runId, at: comment.createdAtTimestamp, id: comment.id }]
        : [];
    })
    .sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
}

function seconds(ms: number): string {
  return ms % 60_000 === 0 && ms > 0 ? `${ms / 60_000} min` : `${ms / 1000} s`;
}

function actionLabel(action: RemediationAction): string {
  return `"${action.name}" (${action.action}${action.description ? `: ${action.description}` : ""})`;
}

export async function remediate(request: RemediationRequest, deps: RemediationDeps): Promise<RemediationOutcome> {
  const { problems } = deps;
  let comments = 0;
  const finish = (state: RemediationState, message: string, rest: Partial<RemediationOutcome> = {}): RemediationOutcome => ({
    state,
    exitCode: state === "escalated" ? 1 : 0,
    message,
    problem: null,
    remediation: null,
    steps: [],
    comments,
    ...rest,
  });
  if (request.testNotification) {
    return finish("test-notification", "this is Dynatrace's test notification: there is no problem to remediate");
  }
  const problem = await problems.problem(request.problemId, request.signal);
  const name = `problem ${problem.displayId} "${problem.title}"`;
  if (problem.status !== "OPEN") return finish("not-open", `${name} is closed already: nothing to remediate`, { problem });

  const comment = async (text: string) => {
    await problems.comment(problem.problemId, text, request.signal);
    comments++;
  };
  const started = deps.now().getTime();
  const others = activeClaims(await problems.comments(problem.problemId, request.signal), started);
  if (others.length > 0) {
    return finish("handled-elsewhere", `${name} is being remediated by another run (${others[0]?.runId}): this run leaves it to that one`, {
      problem,
    });
  }

  const remediation = request.pick(problem);
  const link = deps.runUrl ? ` (${deps.runUrl})` : "";
  if (!remediation) {
    await comment(
      `slogate remediation${link}: remediation.yaml has no remediation for "${problem.title}" and no default: escalated, a person needs to look at this problem. ${claimMarker(deps.runId)} ${finishedMarker(deps.runId)}`,
    );
    await deps.sendEvent(
      { kind: "info", title: `Remediation escalated: ${problem.title}`, description: "no remediation for this problem type" },
      problem,
    );
    return finish("escalated", `remediation.yaml has no remediation for "${problem.title}" and no default: escalated`, { problem });
  }

  const count = remediation.actions.length;
  const plan = remediation.actions.map((action, i) => `${i + 1}. ${actionLabel(action)}`).join(", ");
  await comment(
    `slogate remediation${link} started for "${remediation.problemType}": ${count} action${count === 1 ? "" : "s"} to try in order: ${plan}; after each, ${seconds(request.waitMs)} for it to take effect, then ${deps.checkGate ? "the quality gate" : "the problem's state"} decides. ${claimMarker(deps.runId)}`,
  );
  // Two pipelines may claim at the same moment: the earliest claim wins, the other steps back.
  const claims = activeClaims(await problems.comments(problem.problemId, request.signal), deps.now().getTime());
  const winner = claims[0];
  if (winner && winner.runId !== deps.runId) {
    await comment(
      `slogate remediation${link}: run ${winner.runId} claimed this problem first; this run steps back. ${finishedMarker(deps.runId)}`,
    );
    return finish("handled-elsewhere", `${name} was claimed first by run ${winner.runId}: this run leaves it to that one`, {
      problem,
      remediation,
    });
  }

  const steps: RemediationStep[] = [];
  try {
    const outcome = await runActions(remediation, problem, steps, request, deps, comment, name);
    return { ...outcome, comments };
  } catch (error) {
    // A run that claimed the problem always ends its claim, so the next pipeline is not turned
    // away for an hour by a run that is gone.
    const reason = request.signal.aborted ? "the run was cancelled" : `the run stopped: ${(error as Error).message}`;
    await problems
      .comment(problem.problemId, `slogate remediation ended without a verdict: ${reason}. ${finishedMarker(deps.runId)}`)
      .catch(() => {});
    throw error;
  }
}

async function runActions(
  remediation: Remediation,
  problem: Problem,
  steps: RemediationStep[],
  request: RemediationRequest,
  deps: RemediationDeps,
  comment: (text: string) => Promise<void>,
  name: string,
): Promise<RemediationOutcome> {
  const { problems, log } = deps;
  const count = remediation.actions.length;
  const finish = (state: RemediationState, message: string, rest: Partial<RemediationOutcome> = {}): RemediationOutcome => ({
    state,
    exitCode: state === "escalated" ? 1 : 0,
    message,
    problem,
    remediation,
    steps,
    // The caller counts the comments it posted.
    comments: 0,
    ...rest,
  });
  for (const [index, action] of remediation.actions.entries()) {
    const position = `action ${index + 1} of ${count} ${actionLabel(action)}`;
    log(`slogate: running ${position}`);
    await deps.sendEvent(
      {
        kind: "configuration",
        name: `Remediation action ${index + 1} of ${count}: ${action.name}`,
        description: `${action.action}${action.description ? `: ${action.description}` : ""} for problem ${problem.displayId} "${problem.title}"`,
      },
      problem,
    );
    const run = await deps.runAction(action, index, problem, request.signal);
    log(`slogate: ${position} ${run.detail}`);
    if (request.waitMs > 0) log(`slogate: waiting ${seconds(request.waitMs)} for the action to take effect`);
    await deps.wait(request.waitMs, request.signal);
    const closed = (await problems.problem(problem.problemId, request.signal)).status !== "OPEN";
    const gate = closed || !deps.checkGate ? null : await deps.checkGate();
    const resolved = closed || gate?.verdict === "pass" || gate?.verdict === "warning";
    steps.push({ index, action, run, closed, gate, resolved });
    const check = closed ? "the problem is closed" : gate ? `quality gate: ${gate.summary}` : "the problem is still open";
    log(`slogate: after ${position}: ${check}`);
    if (resolved) {
      await comment(
        `slogate remediation: ${position} ${run.detail}; ${check}. Remediation finished: ${closed ? "the problem closed" : "the service meets its objectives again"}. ${finishedMarker(deps.runId)}`,
      );
      await deps.sendEvent(
        {
          kind: "info",
          title: `Remediation finished: ${problem.title}`,
          description: `${action.name} brought the service back (${check})`,
        },
        problem,
      );
      return finish("remediated", `${name}: ${position} brought the service back (${check})`, { problem, remediation, steps });
    }
    await comment(`slogate remediation: ${position} ${run.detail}; ${check}.`);
  }
  const last = steps.at(-1);
  const still = last?.gate ? `the quality gate still says ${last.gate.summary}` : "the problem is still open";
  await comment(
    `slogate remediation escalated: ${count} action${count === 1 ? "" : "s"} ran and ${still}. A person needs to look at this problem. ${finishedMarker(deps.runId)}`,
  );
  await deps.sendEvent(
    { kind: "info", title: `Remediation escalated: ${problem.title}`, description: `${count} actions ran; ${still}` },
    problem,
  );
  return finish("escalated", `${name}: ${count} action${count === 1 ? "" : "s"} ran and ${still}: escalated`, {
    problem,
    remediation,
    steps,
  });
}
