/** @slogate/core: the SLO engine, config loading, history, reports and the gate runner. */

export { type CiContext, readCiContext } from "./ci/index.js";
export type { CliIo } from "./cli/io.js";
export { main } from "./cli/main.js";
export { ConfigError, type Diagnostic, formatDiagnostic, hasErrors } from "./config/diagnostics.js";
export { loadConfigFile, loadSliFile, loadSloFile, type SlogateConfig } from "./config/load-config.js";
export { readSli, type SliReading } from "./config/load-sli.js";
export { DEFAULT_COMPARISON, readSlo, readSloText, type SloReading } from "./config/load-slo.js";
export { parseYamlSource, type YamlSource } from "./config/yaml-source.js";
export { aggregatePrevious, percentile, previousValuesFor } from "./engine/aggregate.js";
export { type Criterion, compareValue, parseCriteria, relativeTarget } from "./engine/criteria.js";
export { type EvaluationInput, type EvaluationOutcome, evaluate, type MissingSliPolicy, type SliRetrieval } from "./engine/evaluate.js";
export { formatGoFloat, parseGoFloat } from "./engine/go-number.js";
export { type DecidingRule, evaluateObjectives, type ObjectiveOutcome } from "./engine/objectives.js";
export { calculateScore, parsePercentage } from "./engine/score.js";
export { DEFAULT_STATISTICAL_SETTINGS, judgeRelative, type StatisticalFinding, type StatisticalSettings } from "./engine/statistical.js";
export { hodgesLehmann, mannWhitney } from "./engine/statistics.js";
export type * from "./engine/types.js";
export { isSlogateError, SlogateError, type SlogateErrorCode, type SourcePosition } from "./errors.js";
export { DynatraceEventSink } from "./events/dynatrace.js";
export type { DeliveryEvent, EventReceipt, EventSink } from "./events/event-sink.js";
export { describeFailure, EXIT_STATUS, type FailureDescription } from "./failure.js";
export { type GateProgress, type GateRun, type Plan, type RunOptions, runGate } from "./gate.js";
export { FileHistoryStore } from "./history/file-store.js";
export { type GitBranchHistoryOptions, GitBranchHistoryStore } from "./history/git-branch-store.js";
export type { HistoryStore, SelectionOptions } from "./history/history-store.js";
export { recentRuns } from "./history/recent-runs.js";
export { parseHistoryLine, type StoredEvaluation } from "./history/records.js";
export { comparisonLimit, selectPrevious } from "./history/select.js";
export { ExternalServiceError } from "./http/external-error.js";
export { HttpClient, sleep } from "./http/http-client.js";
export {
  FAIL_ON,
  type FailOn,
  GATE_OPTIONS,
  type GateCommand,
  type GateOptions,
  gitlabVariable,
  OPTION_SPECS,
  PLATFORM_INPUTS,
  PLATFORMS,
  type Platform,
  parseFlag,
  readGateOptions,
  toCommandLine,
} from "./options.js";
export { decideOutcome, type GateOutcome, type OutcomePolicy, outcomePolicy, type Problem, type StepState } from "./outcome.js";
export { gateFacts, type PipelineGate, type PipelineGateRequest, runPipelineGate } from "./pipeline-gate.js";
export { type LoadedPlan, loadPlan, type PlanOptions } from "./plan.js";
export { type GateOutput, type GatePublisher, HTML_RUNS, MARKDOWN_RUNS, publishGate } from "./publish.js";
export { buildHeatmap, type Heatmap } from "./report/heatmap.js";
export { htmlRenderer, STATUS_COLORS } from "./report/html.js";
export { RENDERERS, type ReportFormat, type ReportRenderer, renderReport } from "./report/index.js";
export { renderMarkdownWithin } from "./report/markdown.js";
export { buildResult, type ObjectiveResult, RESULT_SCHEMA_VERSION, type SlogateResult, toKeptnFinishedData } from "./result/result.js";
export { runWorkloadGate, type WorkloadGateRun, WorkloadMeasurements, type WorkloadRunOptions } from "./run.js";
export { dynatraceConnection, dynatraceEndpoints } from "./sli/dynatrace/connection.js";
export { type DynatraceOptions, DynatraceSliProvider } from "./sli/dynatrace/index.js";
export { FileSliProvider } from "./sli/file-provider.js";
export { PrometheusSliProvider } from "./sli/prometheus.js";
export { createProvider, PROVIDERS } from "./sli/providers.js";
export type { SliAnswer, SliProvider, SliRequest, SliWindow } from "./sli/sli-provider.js";
export { parseSliValues } from "./sli/values-file.js";
export { WorkloadSliProvider } from "./sli/workload-provider.js";
export { CANCELLED_EXIT_CODE, exitCancelled, terminationSignal } from "./termination.js";
export { VERSION } from "./version.js";
export { resolveWindow, type TimeWindow, type WindowRequest } from "./window.js";
export { BuiltinRunner, type BuiltinWorkload, type Endpoint } from "./workload/builtin-runner.js";
export { describeEnd, type ProcessEnd, type ProcessSpec, runProcess } from "./workload/child-process.js";
export { CommandRunner } from "./workload/command-runner.js";
export { createWorkloadRunner, WORKLOAD_TYPES } from "./workload/create-runner.js";
export { JmeterRunner } from "./workload/jmeter-runner.js";
export { parseJtl } from "./workload/jtl.js";
export { K6_THRESHOLDS_CROSSED, K6Runner } from "./workload/k6-runner.js";
export { parseK6Summary } from "./workload/k6-summary.js";
export type { WorkloadContext, WorkloadOutcome, WorkloadProgress, WorkloadRunner, WorkloadStatus } from "./workload/workload-runner.js";
export { resolveWorkloadSettings, type WorkloadOverrides } from "./workload/workload-settings.js";
