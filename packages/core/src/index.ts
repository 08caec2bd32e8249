/** @slogate/core: the SLO engine, config loading, history, reports and the gate runner. */

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
export type * from "./engine/types.js";
export { isSlogateError, SlogateError, type SlogateErrorCode, type SourcePosition } from "./errors.js";
export { type GateProgress, type GateRun, type Plan, type RunOptions, runGate } from "./gate.js";
export { FileHistoryStore } from "./history/file-store.js";
export type { HistoryStore, SelectionOptions } from "./history/history-store.js";
export { parseHistoryLine, type StoredEvaluation } from "./history/records.js";
export { comparisonLimit, selectPrevious } from "./history/select.js";
export { RENDERERS, type ReportFormat, type ReportRenderer, renderReport } from "./report/index.js";
export { buildResult, type ObjectiveResult, RESULT_SCHEMA_VERSION, type SlogateResult, toKeptnFinishedData } from "./result/result.js";
export { FileSliProvider } from "./sli/file-provider.js";
export type { SliAnswer, SliProvider, SliRequest, SliWindow } from "./sli/sli-provider.js";
export { parseSliValues } from "./sli/values-file.js";
export { VERSION } from "./version.js";
