import { decideOutcome, type GateOutcome, type OutcomePolicy, type Problem } from "./outcome.js";
import { gateFacts, type PipelineGate } from "./pipeline-gate.js";
import { renderReport } from "./report/index.js";
import { renderMarkdownWithin } from "./report/markdown.js";
import type { SlogateResult } from "./result/result.js";

/** Earlier runs in the Markdown heatmap (a comment stays readable) and in the HTML report. */
export const MARKDOWN_RUNS = 10;
export const HTML_RUNS = 29;

/** The values a step hands to later steps; each platform names them its own way. */
export type GateOutput =
  | "result"
  | "score"
  | "evaluationId"
  | "reportJson"
  | "reportMarkdown"
  | "reportHtml"
  | "workloadStatus"
  | "windowStart"
  | "windowEnd";

/** The report files a gate can leave: its result JSON, Markdown, HTML (heatmap, trends), JUnit XML. */
export type ReportKind = "json" | "markdown" | "html" | "junit";

/** What a CI step keeps unless it says otherwise. */
const DEFAULT_REPORTS: readonly ReportKind[] = ["json", "markdown", "html"];
const REPORT_OUTPUT: Record<ReportKind, GateOutput | null> = {
  json: "reportJson",
  markdown: "reportMarkdown",
  html: "reportHtml",
  junit: null,
};
const REPORT_EXTENSION: Record<ReportKind, string> = { json: "json", markdown: "md", html: "html", junit: "xml" };

/**
 * What a CI platform does with a gate's answer, in its own verbs. Each adapter implements this
 * port; `publishGate` decides what is said, in which order and within which limits.
 */
export interface GatePublisher {
  /** Largest Markdown the platform shows in its summary, in bytes. */
  readonly summaryLimit: number;
  /** Annotations the platform shows per severity; the rest are counted in one notice. */
  readonly problemLimit: number;
  /** The reports this platform keeps (default: JSON, Markdown and HTML). */
  readonly reports?: readonly ReportKind[];
  output(name: GateOutput, value: string): void;
  /** Writes one report file (named `<result id>.<json|md|html|xml>`) and returns its path. */
  artifact(kind: ReportKind, name: string, text: string): Promise<string>;
  problem(problem: Problem): void;
  summary(markdown: string, result: SlogateResult): Promise<void>;
  /** Feedback beside the step (a pull-request comment or status); it never changes the outcome. */
  feedback?(result: SlogateResult, markdownWithin: (limit: number) => string): Promise<void>;
  finish(outcome: GateOutcome): void;
}

/**
 * Decides a gate run's outcome by the policy and publishes it: workload outputs, then (with a
 * verdict) outputs, report files, the summary, problems within the platform's limit, feedback,
 * and last the step's state.
 */
export async function publishGate(gate: PipelineGate, policy: OutcomePolicy, publisher: GatePublisher): Promise<GateOutcome> {
  const outcome = decideOutcome(gateFacts(gate), policy);
  const { workload } = gate;
  const result = gate.run?.result ?? null;
  const recentRuns = gate.run?.recent ?? [];
  if (workload) {
    publisher.output("workloadStatus", workload.status);
    publisher.output("windowStart", workload.start);
    publisher.output("windowEnd", workload.end);
  }
  if (result && outcome.state !== "invalid") {
    const recent = recentRuns.slice(-MARKDOWN_RUNS);
    const markdownWithin = (limit: number) => renderMarkdownWithin(result, limit, recent);
    // The report file and the summary are the same Markdown: rendered (and fitted) once.
    const summary = markdownWithin(publisher.summaryLimit);
    publisher.output("result", result.result);
    publisher.output("score", String(result.score));
    publisher.output("evaluationId", result.id);
    const render: Record<ReportKind, () => string> = {
      json: () => renderReport("json", result),
      markdown: () => summary,
      html: () => renderReport("html", result, { recent: recentRuns.slice(-HTML_RUNS) }),
      junit: () => renderReport("junit", result),
    };
    for (const kind of publisher.reports ?? DEFAULT_REPORTS) {
      const path = await publisher.artifact(kind, `${result.id}.${REPORT_EXTENSION[kind]}`, render[kind]());
      const output = REPORT_OUTPUT[kind];
      if (output) publisher.output(output, path);
    }
    await publisher.summary(summary, result);
    publishProblems(outcome.problems, publisher);
    await publisher.feedback?.(result, markdownWithin);
  } else {
    publishProblems(outcome.problems, publisher);
  }
  publisher.finish(outcome);
  return outcome;
}

function publishProblems(problems: readonly Problem[], publisher: GatePublisher): void {
  let hidden = 0;
  for (const severity of ["error", "warning", "notice"] as const) {
    const ofSeverity = problems.filter((p) => p.severity === severity);
    for (const problem of ofSeverity.slice(0, publisher.problemLimit)) publisher.problem(problem);
    hidden += Math.max(0, ofSeverity.length - publisher.problemLimit);
  }
  if (hidden > 0) {
    publisher.problem({
      kind: "objective",
      severity: "notice",
      title: "slogate",
      message: `${hidden} more findings than the platform shows as annotations; the summary lists every objective.`,
    });
  }
}
