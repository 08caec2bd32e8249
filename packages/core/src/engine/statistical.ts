import { indexPreviousValues } from "./aggregate.js";
import { parseCriteria } from "./criteria.js";
import type { ObjectiveOutcome, ObjectivesOutcome } from "./objectives.js";
import { hodgesLehmann, mannWhitney, normalQuantile } from "./statistics.js";
import type { CriteriaBlock, IndicatorStatus, PreviousEvaluation, Target } from "./types.js";

/**
 * The statistical comparison (an extension; Keptn's comparison stays the default): a relative
 * criterion such as `<=+10%` fails only when the change is significant beyond the run-to-run
 * noise learned from history AND its estimated size exceeds the tolerance. When the data cannot
 * tell, the criterion is inconclusive — never a silent pass, never a coin-flip fail.
 */
export interface StatisticalSettings {
  /** One-sided significance level (default 0.01). */
  alpha: number;
  /** What an inconclusive objective counts as (default warning). */
  inconclusive: "warning" | "fail";
  /** Earlier runs needed to learn the noise floor (default 3). */
  minRuns: number;
  /**
   * Significance for "within the tolerance" (default: alpha). The gate splits alpha among the
   * objectives it judges so that unchanged builds fail no more often with more objectives; that
   * guards fail decisions. A pass decision wrongly made misses a regression instead, so it keeps
   * the whole alpha: splitting it too would only turn more unchanged builds into warnings.
   */
  passAlpha?: number;
}

export const DEFAULT_STATISTICAL_SETTINGS: StatisticalSettings = { alpha: 0.01, inconclusive: "warning", minRuns: 3 };

export type StatisticalDecision = "pass" | "fail" | "inconclusive";

/** What the statistical comparison found for one relative criterion. */
export interface StatisticalFinding {
  /** history: this run against earlier runs; paired: against a baseline loaded in the same moments. */
  kind: "history" | "paired";
  criterion: string;
  decision: StatisticalDecision;
  reason: string;
  /** Allowed change as a ratio: `<=+10%` → 1.1, `>=-20%` → 0.8. */
  tolerance: number;
  /** Current value over the baseline (geometric mean of the earlier runs), with its prediction interval. */
  change: { estimate: number; low: number; high: number } | null;
  /** Run-to-run noise learned from the earlier runs: the coefficient of variation (log scale). */
  noiseFloor: number | null;
  previousRuns: number;
  /** The rank test on per-request samples, when both runs kept them. */
  rankTest: {
    currentSamples: number;
    baselineSamples: number;
    u: number;
    p: number;
    /** Hodges–Lehmann shift of the per-request samples, as a ratio, with its (1 − 2·alpha) interval. */
    shift: { estimate: number; low: number; high: number };
  } | null;
  /** The paired test: time slices both targets answered in, requests kept, bootstrap resamples. */
  paired?: { slices: number; candidateSamples: number; baselineSamples: number; resamples: number };
}

/** Response times of a candidate and a baseline in one time slice of a paired load test. */
export interface PairedSlice {
  candidate: number[];
  baseline: number[];
}

/** The direction a relative percentage criterion guards and the change it allows, as a ratio. */
export function relativeGuard(criterion: string): { guardsIncrease: boolean; tolerance: number } | null {
  const parsed = parseCriteria(criterion);
  if (!parsed.checkPercentage || !parsed.isComparison) return null;
  const guardsIncrease = parsed.checkIncrease && (parsed.operator === "<" || parsed.operator === "<=");
  const guardsDecrease = !parsed.checkIncrease && (parsed.operator === ">" || parsed.operator === ">=");
  if (!guardsIncrease && !guardsDecrease) return null;
  const tolerance = guardsIncrease ? 1 + parsed.value / 100 : 1 - parsed.value / 100;
  return tolerance > 0 ? { guardsIncrease, tolerance } : null;
}

/** At most `count` values spread evenly over a sorted copy (bounds the pairwise work). */
function thin(values: readonly number[], count: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length <= count) return sorted;
  return Array.from({ length: count }, (_, i) => sorted[Math.floor(((i + 0.5) * sorted.length) / count)] as number);
}

/** Student-t quantile from the normal one (Cornish–Fisher expansion; fine for df ≥ 2). */
function tQuantile(p: number, df: number): number {
  const z = normalQuantile(p);
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}

const percent = (ratio: number) => `${ratio >= 1 ? "+" : ""}${((ratio - 1) * 100).toFixed(1)}%`;

/**
 * Judges one relative criterion. `increase` criteria (`<=+X%`) guard against a rise, `decrease`
 * criteria (`>=-X%`) against a fall.
 */
export function judgeRelative(
  criterion: string,
  current: number,
  previous: readonly number[],
  samples: { current?: readonly number[]; baseline?: readonly number[] },
  settings: StatisticalSettings,
): StatisticalFinding | null {
  const guard = relativeGuard(criterion);
  if (guard === null) return null;
  const { guardsIncrease, tolerance } = guard;
  const base = { kind: "history" as const, criterion, tolerance, previousRuns: previous.length };
  const inconclusive = (reason: string, extra: Partial<StatisticalFinding> = {}): StatisticalFinding => ({
    ...base,
    decision: "inconclusive",
    reason,
    change: null,
    noiseFloor: null,
    rankTest: null,
    ...extra,
  });
  if (previous.length < settings.minRuns) {
    return inconclusive(
      `only ${previous.length} earlier run${previous.length === 1 ? "" : "s"} to compare with; ${settings.minRuns} are needed to learn the run-to-run noise`,
    );
  }
  if (current <= 0 || previous.some((value) => value <= 0) || tolerance <= 0) {
    return inconclusive("zero or negative values: a change in percent is undefined (sparse or zero-heavy data)");
  }
  const logs = previous.map(Math.log);
  const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
  const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1));
  const noiseFloor = Math.sqrt(Math.exp(sd ** 2) - 1);
  // The change in the guarded direction, on the log scale: positive is worse.
  const direction = guardsIncrease ? 1 : -1;
  const change = direction * (Math.log(current) - mean);
  const allowed = direction * Math.log(tolerance);
  const spread = tQuantile(1 - settings.alpha, logs.length - 1) * sd * Math.sqrt(1 + 1 / logs.length);
  const passSpread = tQuantile(1 - (settings.passAlpha ?? settings.alpha), logs.length - 1) * sd * Math.sqrt(1 + 1 / logs.length);
  const ratio = (logChange: number) => Math.exp(direction * logChange);
  const interval = {
    estimate: ratio(change),
    low: guardsIncrease ? ratio(change - spread) : ratio(change + spread),
    high: guardsIncrease ? ratio(change + spread) : ratio(change - spread),
  };
  let rankTest: StatisticalFinding["rankTest"] = null;
  if (samples.current && samples.baseline && samples.current.length >= 5 && samples.baseline.length >= 5) {
    const worse = guardsIncrease ? mannWhitney(samples.current, samples.baseline) : mannWhitney(samples.baseline, samples.current);
    const logShift = hodgesLehmann(
      thin(
        samples.current.filter((v) => v > 0),
        200,
      ).map(Math.log),
      thin(
        samples.baseline.filter((v) => v > 0),
        200,
      ).map(Math.log),
      1 - 2 * settings.alpha,
    );
    rankTest = {
      currentSamples: samples.current.length,
      baselineSamples: samples.baseline.length,
      u: worse.u,
      p: worse.p,
      shift: { estimate: Math.exp(logShift.estimate), low: Math.exp(logShift.low), high: Math.exp(logShift.high) },
    };
  }
  const found = { ...base, change: interval, noiseFloor, rankTest };
  const beyondNoise = change - spread > 0;
  const rankAgrees = rankTest === null || rankTest.p < settings.alpha;
  const size = `estimated change ${percent(interval.estimate)} (${Math.round((1 - 2 * settings.alpha) * 100)}% interval ${percent(interval.low)} to ${percent(interval.high)})`;
  if (beyondNoise && rankAgrees && change > allowed) {
    return {
      ...found,
      decision: "fail",
      reason: `${size}: beyond the run-to-run noise (±${(noiseFloor * 100).toFixed(1)}%) and beyond the allowed ${percent(tolerance)}`,
    };
  }
  if (change + passSpread <= allowed) {
    return { ...found, decision: "pass", reason: `${size}: within the allowed ${percent(tolerance)} even at the edge of the noise` };
  }
  if (spread > Math.abs(allowed) && !beyondNoise) {
    return {
      ...found,
      decision: "inconclusive",
      reason: `${size}: the run-to-run noise (±${(noiseFloor * 100).toFixed(1)}%) is larger than the allowed ${percent(tolerance)}; the data cannot resolve it (with this noise and ${previous.length} earlier runs, a tolerance of ${percent(ratio(direction * spread))} or more can be judged)`,
    };
  }
  return {
    ...found,
    decision: "inconclusive",
    reason:
      beyondNoise && !rankAgrees
        ? `${size}: the run value moved, but the per-request samples do not show it (rank test p = ${rankTest?.p.toPrecision(2)})`
        : `${size}: not clearly within or beyond the allowed ${percent(tolerance)}`,
  };
}

/**
 * The candidate's statistic over the baseline's, pooled over the slices, and that ratio in
 * `resamples` bootstrap resamples of whole slices (sorted, non-finite ones dropped).
 */
export function bootstrapPairedRatio(
  statistic: (sorted: readonly number[]) => number,
  slices: readonly PairedSlice[],
  resamples: number,
): { estimate: number; ratios: number[] } {
  // Typed arrays sort numerically and several times faster than arrays: the bootstrap sorts a lot.
  const pooled = (chosen: readonly PairedSlice[], side: "candidate" | "baseline") => {
    const values = new Float64Array(chosen.reduce((n, slice) => n + slice[side].length, 0));
    let offset = 0;
    for (const slice of chosen) {
      values.set(slice[side], offset);
      offset += slice[side].length;
    }
    return values.sort() as unknown as readonly number[];
  };
  const ratioOf = (chosen: readonly PairedSlice[]) => statistic(pooled(chosen, "candidate")) / statistic(pooled(chosen, "baseline"));
  // A fixed seed: the same run always gets the same verdict.
  let seed = 0x5eed;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const ratios = Array.from({ length: resamples }, () =>
    ratioOf(Array.from({ length: slices.length }, () => slices[Math.floor(random() * slices.length)] as PairedSlice)),
  )
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  return { estimate: ratioOf(slices), ratios };
}

/** Slices needed before a paired test means anything. */
export const MIN_PAIRED_SLICES = 5;
const RESAMPLES = 400;

/**
 * Judges a relative criterion against a baseline loaded in the same moments: the statistic (p95,
 * mean…) of all candidate requests over that of all baseline requests, with an interval from a
 * bootstrap that resamples whole time slices — both targets' requests of a slice stay together,
 * so drift they share cancels instead of widening the interval. Decisions as for history: fail
 * when the change is significant and beyond the tolerance, pass when even the interval's far end
 * is within it, else inconclusive.
 */
export function judgePaired(
  criterion: string,
  statistic: (sorted: readonly number[]) => number,
  slices: readonly PairedSlice[],
  settings: StatisticalSettings,
): StatisticalFinding | null {
  const guard = relativeGuard(criterion);
  if (guard === null) return null;
  const { guardsIncrease, tolerance } = guard;
  const usable = slices.filter((slice) => slice.candidate.length > 0 && slice.baseline.length > 0);
  const candidateSamples = usable.reduce((n, slice) => n + slice.candidate.length, 0);
  const baselineSamples = usable.reduce((n, slice) => n + slice.baseline.length, 0);
  const base = {
    kind: "paired" as const,
    criterion,
    tolerance,
    previousRuns: 0,
    noiseFloor: null,
    rankTest: null,
    paired: { slices: usable.length, candidateSamples, baselineSamples, resamples: RESAMPLES },
  };
  if (usable.length < MIN_PAIRED_SLICES) {
    return {
      ...base,
      decision: "inconclusive",
      reason: `only ${usable.length} time slice${usable.length === 1 ? "" : "s"} in which both targets answered; ${MIN_PAIRED_SLICES} are needed`,
      change: null,
    };
  }
  const { estimate, ratios } = bootstrapPairedRatio(statistic, usable, RESAMPLES);
  if (!Number.isFinite(estimate) || ratios.length < RESAMPLES / 2) {
    return { ...base, decision: "inconclusive", reason: "zero response times: a change in percent is undefined", change: null };
  }
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.max(0, Math.floor(q * ratios.length)))] as number;
  const change = { estimate, low: at(settings.alpha), high: at(1 - settings.alpha) };
  const size = `candidate over baseline ${percent(estimate)} (${Math.round((1 - 2 * settings.alpha) * 100)}% interval ${percent(change.low)} to ${percent(change.high)}; ${usable.length} time slices, ${candidateSamples} + ${baselineSamples} requests)`;
  const worse = guardsIncrease ? change.low > 1 && estimate > tolerance : change.high < 1 && estimate < tolerance;
  // "Within" is judged at the unsplit alpha (see StatisticalSettings.passAlpha).
  const passAlpha = settings.passAlpha ?? settings.alpha;
  const within = guardsIncrease ? at(1 - passAlpha) <= tolerance : at(passAlpha) >= tolerance;
  if (worse) return { ...base, change, decision: "fail", reason: `${size}: significant and beyond the allowed ${percent(tolerance)}` };
  if (within) return { ...base, change, decision: "pass", reason: `${size}: within the allowed ${percent(tolerance)}` };
  return { ...base, change, decision: "inconclusive", reason: `${size}: not clearly within or beyond the allowed ${percent(tolerance)}` };
}

export interface StatisticalInput {
  settings: StatisticalSettings;
  /** Per-request samples of this run, by SLI. */
  samples: Record<string, readonly number[]>;
  /**
   * A paired load test: by SLI, the statistic its value is and both targets' latencies by time
   * slice. Relative criteria of those SLIs are judged against the baseline of the same run; the
   * run's other SLIs compare with the baseline's values by Keptn's rule.
   */
  paired?: Record<string, { statistic: (sorted: readonly number[]) => number; slices: readonly PairedSlice[] }>;
}

/** The per-request samples the earlier runs kept for an SLI, pooled. */
function previousSamples(previous: readonly PreviousEvaluation[], sli: string): number[] {
  return previous.flatMap((evaluation) => evaluation.samples?.[sli] ?? []);
}

/** Three-valued: met, violated, or undecided (an inconclusive relative criterion). */
export type Truth = "met" | "violated" | "undecided";

/** AND inside a block: violated wins, then undecided. */
export function allOf(states: readonly Truth[]): Truth {
  return states.includes("violated") ? "violated" : states.includes("undecided") ? "undecided" : "met";
}

/** OR across blocks: met wins, then undecided. */
export function anyOf(states: readonly Truth[]): Truth {
  return states.includes("met") ? "met" : states.includes("undecided") ? "undecided" : "violated";
}

/**
 * The statuses an objective can still have, from its pass and warning lists (Keptn's meaning:
 * pass if a pass block is met, else warning if a warning block is met, else fail).
 */
export function statusRange(pass: Truth, warning: Truth | null): { best: "pass" | "warning" | "fail"; worst: "pass" | "warning" | "fail" } {
  const ifNotPass = {
    best: warning === "violated" || warning === null ? "fail" : "warning",
    worst: warning === "met" ? "warning" : "fail",
  } as const;
  if (pass === "met") return { best: "pass", worst: "pass" };
  if (pass === "violated") return ifNotPass;
  return { best: "pass", worst: ifNotPass.worst };
}

/**
 * Judges each criterion list with the statistical decision in place of Keptn's for relative
 * criteria; absolute criteria keep Keptn's verdict. Returns the list's truth, its targets with
 * the relative ones marked by the decision, and the findings.
 */
function judgeList(
  blocks: readonly CriteriaBlock[],
  targets: readonly Target[],
  judge: (criterion: string) => StatisticalFinding | null,
): { truth: Truth; targets: Target[]; findings: StatisticalFinding[] } {
  const findings: StatisticalFinding[] = [];
  const judged: Target[] = [];
  let offset = 0;
  const blockTruths = blocks.map((block) => {
    const states = block.criteria.map((criterion, index): Truth => {
      const target = targets[offset + index];
      const finding = judge(criterion);
      if (finding === null) {
        if (target) judged.push(target);
        return target?.violated === false ? "met" : "violated";
      }
      findings.push(finding);
      if (target) judged.push({ ...target, violated: finding.decision !== "pass" });
      return finding.decision === "pass" ? "met" : finding.decision === "fail" ? "violated" : "undecided";
    });
    offset += block.criteria.length;
    return allOf(states);
  });
  return { truth: anyOf(blockTruths), targets: judged, findings };
}

/**
 * Replaces Keptn's verdict on the relative criteria of every pass and warning block by the
 * statistical one; absolute criteria and the blocks' meaning stay Keptn's, so a worse build never
 * gets a milder verdict. An objective the data cannot decide between two statuses is
 * inconclusive: with `inconclusive: warning` (the default) it keeps the points of the better one
 * and shows as warning, and the gate's result is capped at warning (see evaluate); with
 * `inconclusive: fail` it takes the worse one.
 */
export function applyStatistics(
  outcome: ObjectivesOutcome,
  previous: readonly PreviousEvaluation[],
  input: StatisticalInput,
): ObjectivesOutcome {
  if (outcome.indicators === null) return outcome;
  let keySli = outcome.keySli;
  const previousValues = indexPreviousValues(previous);
  // alpha is the gate's share of unchanged builds allowed to fail: with several objectives judged,
  // each gets its part of it (Bonferroni), or more objectives would mean more false fails.
  const judged = outcome.outcomes.filter(
    ({ objective, indicator }) =>
      indicator.value?.success &&
      indicator.status !== "info" &&
      [...(objective.pass ?? []), ...(objective.warning ?? [])].some((block) => block.criteria.some((c) => relativeGuard(c) !== null)),
  ).length;
  const settings = { ...input.settings, alpha: input.settings.alpha / Math.max(1, judged), passAlpha: input.settings.alpha };
  const outcomes = outcome.outcomes.map((entry): ObjectiveOutcome => {
    const { objective, indicator } = entry;
    if (!objective.pass?.length || indicator.status === "info" || !indicator.value?.success) return entry;
    const series = previousValues.get(objective.sli);
    const values = series ? series.values.filter((_, i) => series.success[i]) : [];
    const baselineSamples = previousSamples(previous, objective.sli);
    const current = indicator.value.value;
    const pairedSli = input.paired?.[objective.sli];
    const judge = (criterion: string) =>
      input.paired
        ? pairedSli
          ? judgePaired(criterion, pairedSli.statistic, pairedSli.slices, settings)
          : null
        : judgeRelative(criterion, current, values, { current: input.samples[objective.sli], baseline: baselineSamples }, settings);
    const pass = judgeList(objective.pass, indicator.passTargets ?? [], judge);
    const warning =
      objective.warning?.length && indicator.warningTargets ? judgeList(objective.warning, indicator.warningTargets, judge) : null;
    const findings = [...pass.findings, ...(warning?.findings ?? [])];
    if (findings.length === 0) return entry;

    const { best, worst } = statusRange(pass.truth, warning?.truth ?? null);
    const decided = best === worst;
    const status: IndicatorStatus = decided ? best : input.settings.inconclusive === "fail" ? worst : "warning";
    const scored = decided || input.settings.inconclusive === "fail" ? status : best;
    const score = scored === "pass" ? objective.weight : scored === "warning" ? 0.5 * objective.weight : 0;
    if (objective.key_sli && status === "fail")
      keySli = { failed: true, name: objective.displayName, message: "failed evaluation with score 0.000000" };
    else if (objective.key_sli && keySli.failed && keySli.name === objective.displayName) keySli = { failed: false, name: "", message: "" };
    const undecided = findings.filter((finding) => finding.decision === "inconclusive");
    return {
      ...entry,
      indicator: {
        ...indicator,
        status,
        score,
        passTargets: pass.targets,
        ...(warning ? { warningTargets: warning.targets } : {}),
      },
      rule: { kind: "statistical", decision: decided ? best : "inconclusive", between: decided ? null : { best, worst } },
      statistics: findings,
      ...(decided || input.settings.inconclusive === "fail"
        ? {}
        : {
            inconclusive: `${best} or ${worst}, the data cannot tell: ${undecided.map((finding) => `${finding.criterion}: ${finding.reason}`).join("; ")}`,
          }),
    };
  });
  return { ...outcome, outcomes, indicators: outcomes.map((o) => o.indicator), keySli };
}
