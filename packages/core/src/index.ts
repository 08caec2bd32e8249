/**
 * @slogate/core — the gate API: read a gate's options, run it, decide its outcome and publish it
 * on a platform. The pure Keptn engine is `@slogate/core/engine`; the CLI is `@slogate/core/cli`.
 * Everything else is internal and may change without notice.
 */

export { type CiContext, readCiContext } from "./ci/index.js";
export type { CliIo } from "./cli/io.js";
export { main } from "./cli/main.js";
export { ConfigError, type Diagnostic, formatDiagnostic } from "./config/diagnostics.js";
export { isSlogateError, SlogateError, type SlogateErrorCode, type SourcePosition } from "./errors.js";
export { DynatraceEventSink } from "./events/dynatrace.js";
export type { DeliveryEvent, EventReceipt, EventSink } from "./events/event-sink.js";
export { describeFailure, EXIT_STATUS, type FailureDescription } from "./failure.js";
export type { GateRun } from "./gate.js";
export { DYNATRACE_HISTORY, type DynatraceHistoryOptions, DynatraceHistoryStore } from "./history/dynatrace-store.js";
export { type GitBranchHistoryOptions, GitBranchHistoryStore } from "./history/git-branch-store.js";
export type { HistoryStore } from "./history/history-store.js";
export { ExternalServiceError } from "./http/external-error.js";
export { HttpClient } from "./http/http-client.js";
export { type MonitoringRequest, type MonitoringRun, monitoringMarkdown, runMonitoring } from "./monitoring/monitoring-run.js";
export {
  FAIL_ON,
  type FailOn,
  GATE_OPTIONS,
  type GateCommand,
  type GateOptions,
  gitlabVariable,
  OPTION_SPECS,
  type OptionSpec,
  PLATFORM_INPUTS,
  PLATFORMS,
  type Platform,
  parseFlag,
  readGateOptions,
  toCommandLine,
} from "./options.js";
export { decideOutcome, type GateOutcome, type OutcomePolicy, outcomePolicy, type Problem, type StepState } from "./outcome.js";
export { gateFacts, type PipelineGate, type PipelineGateRequest, runPipelineGate } from "./pipeline-gate.js";
export { type GateOutput, type GatePublisher, HTML_RUNS, MARKDOWN_RUNS, publishGate, type ReportKind } from "./publish.js";
export { type ReportFormat, renderReport } from "./report/index.js";
export { renderMarkdownWithin } from "./report/markdown.js";
export { type ObjectiveResult, RESULT_SCHEMA_VERSION, type SlogateResult } from "./result/result.js";
export { dynatraceConnection } from "./sli/dynatrace/connection.js";
export type { SyntheticCheck } from "./synthetic/synthetic-check.js";
export {
  describeSyntheticCheck,
  runSyntheticCheck,
  type SyntheticRequest,
  syntheticMarkdown,
  syntheticUrlOf,
  writeSyntheticValues,
} from "./synthetic/synthetic-run.js";
export { CANCELLED_EXIT_CODE, exitCancelled, terminationSignal } from "./termination.js";
export { VERSION } from "./version.js";
