import { compareValue, parseCriteria } from "./criteria.js";
import { parsePercentage } from "./score.js";
import {
  allOf,
  anyOf,
  bootstrapPairedRatio,
  MIN_PAIRED_SLICES,
  type PairedSlice,
  relativeGuard,
  statusRange,
  type Truth,
} from "./statistical.js";
import { normalQuantile } from "./statistics.js";
import type { Operator, Slo, Verdict } from "./types.js";

/**
 * Fail-fast: the objectives judged on a running test's data, look after look, by a sequential
 * test. Every look tests each judged criterion at a share of the error rate, and the shares of
 * all looks add up to at most `alpha` (Lan–DeMets alpha spending with a Pocock-like function,
 * Bonferroni across criteria): an unchanged build is stopped with a probability of at most
 * `alpha` over the whole test, however many looks there are. A naive repeated check at `alpha`
 * would stop far more of them.
 */

/** The share of `alpha` spent once `fraction` of the planned test is done: α·ln(1 + (e − 1)·t). */
export function alphaSpent(alpha: number, fraction: number): number {
  const t = Math.min(1, Math.max(0, fraction));
  return alpha * Math.log(1 + (Math.E - 1) * t);
}

/** The error rate each look may spend: what the spending function allows since the last look that tested. */
export class AlphaSpending {
  private spentUntil = 0;

  constructor(private readonly alpha: number) {}

  /** What a look at `fraction` may spend; `commit` after a look that tested something. */
  available(fraction: number): number {
    return alphaSpent(this.alpha, fraction) - alphaSpent(this.alpha, this.spentUntil);
  }

  commit(fraction: number): void {
    this.spentUntil = Math.max(this.spentUntil, Math.min(1, fraction));
  }
}

/** What a running test has measured so far on the candidate (and, paired, both targets by slice). */
export interface LiveMeasurements {
  requests: number;
  errors: number;
  /** Candidate latencies in ms; `atPercentile` is the nearest-rank value (as the histogram reports it). */
  latency: { count: number; mean: number; sd: number; atPercentile: (percentile: number) => number } | null;
  slices?: readonly PairedSlice[];
}

/** A measurement's estimate and its two-sided bounds at the look's z. */
interface Bounds {
  estimate: number;
  low: number;
  high: number;
}

/** Nearest-rank order statistic bounds for a percentile: distribution-free, from the binomial. */
function percentileBounds(latency: NonNullable<LiveMeasurements["latency"]>, percentile: number, z: number): Bounds | null {
  const n = latency.count;
  const q = percentile / 100;
  const spread = z * Math.sqrt(n * q * (1 - q));
  const lowRank = Math.floor(n * q - spread);
  const highRank = Math.ceil(n * q + spread) + 1;
  if (lowRank < 1 || highRank > n) return null;
  const at = (rank: number) => latency.atPercentile((100 * (rank - 0.5)) / n);
  return { estimate: latency.atPercentile(percentile), low: at(lowRank), high: at(highRank) };
}

/** Wilson score interval for a share of requests. */
function proportionBounds(hits: number, n: number, z: number): Bounds | null {
  if (n < 30) return null;
  const p = hits / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { estimate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Bounds of a workload measurement on the data so far, or null for measurements fail-fast does
 * not judge (throughput and counts grow with the test; their final value is not yet measured).
 */
export function liveBounds(metric: string, live: LiveMeasurements, z: number): Bounds | null {
  const { latency } = live;
  if (metric === "error_rate") return proportionBounds(live.errors, live.requests, z);
  if (!latency || latency.count < 30) return null;
  if (metric === "response_time_avg") {
    const half = (z * latency.sd) / Math.sqrt(latency.count);
    return { estimate: latency.mean, low: latency.mean - half, high: latency.mean + half };
  }
  const percentile = /^response_time_p(\d+)$/.exec(metric)?.[1];
  return percentile === undefined ? null : percentileBounds(latency, Number(percentile), z);
}

/** A value's truth against an absolute criterion: violated when even the favourable bound breaks it. */
function absoluteTruth(bounds: Bounds, operator: Operator, target: number): { clear: Truth; point: Truth } {
  const point: Truth = compareValue(bounds.estimate, target, operator) ? "met" : "violated";
  const favourable = operator === "<" || operator === "<=" ? [bounds.low] : operator === "=" ? [] : [bounds.high];
  const clearlyBroken =
    operator === "=" ? bounds.low > target || bounds.high < target : favourable.every((value) => !compareValue(value, target, operator));
  return { clear: clearlyBroken ? "violated" : "undecided", point };
}

/** Where the SLO's objectives stand after a look. */
export interface FailFastLook {
  /** Criteria the look could test (0: nothing to judge yet; the look spends nothing). */
  tested: number;
  /** Why the gate fails whatever the rest of the test shows, or null. */
  stop: string | null;
  /** The gate's result on the point estimates so far (untested criteria counted as met). */
  running: Verdict | null;
}

export interface FailFastInput {
  slo: Slo;
  /** The workload measurement behind an SLI, or null when the SLI comes from elsewhere. */
  measurementOf: (sli: string) => string | null;
  /** For a paired run: the statistic a response-time measurement is, or null. */
  pairedStatistic: (measurement: string) => ((sorted: readonly number[]) => number) | null;
  live: LiveMeasurements;
  /** The error rate this look may spend, split among the criteria it tests. */
  spend: number;
}

interface CriterionCheck {
  criterion: string;
  /** Evaluated once the look's z is known; null when nothing can be said yet. */
  judge: (z: number) => { clear: Truth; point: Truth; bounds: Bounds; relative: boolean } | null;
}

const percent = (ratio: number) => `${ratio >= 1 ? "+" : ""}${((ratio - 1) * 100).toFixed(1)}%`;
const round = (value: number) => Number(value.toPrecision(4));

/** One look: which criteria are clearly broken, and whether that fails the gate already. */
export function lookAtRunningTest(input: FailFastInput): FailFastLook {
  const { slo } = input;
  const checks = new Map<string, CriterionCheck | null>();
  const checkFor = (sli: string, criterion: string): CriterionCheck | null => {
    const key = `${sli}\u0000${criterion}`;
    if (!checks.has(key)) checks.set(key, buildCheck(sli, criterion, input));
    return checks.get(key) ?? null;
  };
  const scored = slo.objectives.filter((objective) => (objective.pass?.length ?? 0) > 0);
  const testable = scored.flatMap((objective) =>
    [...(objective.pass ?? []), ...(objective.warning ?? [])].flatMap((block) =>
      block.criteria.flatMap((criterion) => (checkFor(objective.sli, criterion) ? [criterion] : [])),
    ),
  );
  if (testable.length === 0 || !slo.total_score || !(input.spend > 0)) return { tested: 0, stop: null, running: null };
  const z = normalQuantile(1 - input.spend / testable.length);
  const judged = new Map<string, ReturnType<CriterionCheck["judge"]>>();
  const judge = (sli: string, criterion: string) => {
    const key = `${sli}\u0000${criterion}`;
    if (!judged.has(key)) judged.set(key, checkFor(sli, criterion)?.judge(z) ?? null);
    return judged.get(key) ?? null;
  };
  const listTruth = (sli: string, blocks: readonly { criteria: string[] }[], which: "clear" | "point"): Truth =>
    anyOf(blocks.map((block) => allOf(block.criteria.map((criterion) => judge(sli, criterion)?.[which] ?? "undecided"))));

  const maxScore = scored.reduce((sum, objective) => sum + objective.weight, 0);
  const thresholdText = slo.total_score.warning !== "" ? slo.total_score.warning : slo.total_score.pass;
  const threshold = parsePercentage(thresholdText);
  const passPercent = parsePercentage(slo.total_score.pass);
  if (threshold === undefined || passPercent === undefined || maxScore === 0) return { tested: 0, stop: null, running: null };

  let best = 0;
  let running = 0;
  let keyFailed: string | null = null;
  let runningKeyFailed = false;
  const broken: string[] = [];
  const points = (status: Verdict, weight: number) => (status === "pass" ? weight : status === "warning" ? weight / 2 : 0);
  for (const objective of scored) {
    const pass = objective.pass ?? [];
    const warning = objective.warning?.length ? objective.warning : null;
    const clear = statusRange(listTruth(objective.sli, pass, "clear"), warning ? listTruth(objective.sli, warning, "clear") : null).best;
    const point = statusRange(listTruth(objective.sli, pass, "point"), warning ? listTruth(objective.sli, warning, "point") : null).best;
    best += points(clear, objective.weight);
    running += points(point, objective.weight);
    if (objective.key_sli && point === "fail") runningKeyFailed = true;
    if (clear === "pass") continue;
    const evidence = [...pass, ...(warning ?? [])]
      .flatMap((block) => block.criteria)
      .flatMap((criterion) => {
        const found = judge(objective.sli, criterion);
        if (found?.clear !== "violated") return [];
        const { bounds } = found;
        const shown = found.relative
          ? `${percent(bounds.estimate)} (bound ${percent(bounds.low)} to ${percent(bounds.high)})`
          : `${round(bounds.estimate)} (bound ${round(bounds.low)} to ${round(bounds.high)})`;
        return [`${criterion}: ${shown}`];
      });
    broken.push(`${objective.displayName || objective.sli} ${clear === "fail" ? "fails" : "at best warns"}: ${evidence.join(", ")}`);
    if (objective.key_sli && clear === "fail") keyFailed = objective.displayName || objective.sli;
  }
  const bestPercent = (100 * best) / maxScore;
  const runningPercent = (100 * running) / maxScore;
  const stop =
    keyFailed !== null
      ? `key SLI ${keyFailed} clearly fails; ${broken.join("; ")}`
      : bestPercent < threshold
        ? `the score can reach at most ${round(bestPercent)}, below ${thresholdText}; ${broken.join("; ")}`
        : null;
  const runningVerdict: Verdict = runningKeyFailed
    ? "fail"
    : runningPercent >= passPercent
      ? "pass"
      : slo.total_score.warning !== "" && runningPercent >= threshold
        ? "warning"
        : "fail";
  return { tested: testable.length, stop, running: runningVerdict };
}

/** Resamples of the paired bootstrap at a look: enough for a standard error, cheap enough to run each second. */
const LOOK_RESAMPLES = 100;

function buildCheck(sli: string, criterion: string, input: FailFastInput): CriterionCheck | null {
  const measurement = input.measurementOf(sli);
  if (measurement === null) return null;
  let parsed: ReturnType<typeof parseCriteria>;
  try {
    parsed = parseCriteria(criterion);
  } catch {
    return null;
  }
  const { live } = input;
  if (!parsed.isComparison) {
    if (liveBounds(measurement, live, 1) === null) return null;
    return {
      criterion,
      judge: (z) => {
        const bounds = liveBounds(measurement, live, z);
        return bounds ? { ...absoluteTruth(bounds, parsed.operator, parsed.value), bounds, relative: false } : null;
      },
    };
  }
  // Relative criteria are judged during the test only against a baseline loaded in the same moments.
  const guard = relativeGuard(criterion);
  const statistic = input.pairedStatistic(measurement);
  const slices = (live.slices ?? []).filter((slice) => slice.candidate.length > 0 && slice.baseline.length > 0);
  if (!guard || !statistic || slices.length < MIN_PAIRED_SLICES) return null;
  return {
    criterion,
    judge: (z) => {
      const { tolerance, guardsIncrease } = guard;
      const estimate =
        statistic([...slices.flatMap((slice) => slice.candidate)].sort((a, b) => a - b)) /
        statistic([...slices.flatMap((slice) => slice.baseline)].sort((a, b) => a - b));
      if (!Number.isFinite(estimate) || estimate <= 0) return null;
      const point: Truth = (guardsIncrease ? estimate <= tolerance : estimate >= tolerance) ? "met" : "violated";
      const unchanged = { estimate, low: estimate, high: estimate };
      // The bootstrap only runs when the estimate is already beyond the tolerance: only then can it be clear.
      if (point === "met") return { clear: "undecided", point, bounds: unchanged, relative: true };
      const { ratios } = bootstrapPairedRatio(statistic, slices, LOOK_RESAMPLES);
      const logs = ratios.filter((ratio) => ratio > 0).map(Math.log);
      if (logs.length < LOOK_RESAMPLES / 2) return { clear: "undecided", point, bounds: unchanged, relative: true };
      const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
      const sd = Math.sqrt(logs.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (logs.length - 1));
      const bounds = { estimate, low: estimate * Math.exp(-z * sd), high: estimate * Math.exp(z * sd) };
      const clear: Truth = (guardsIncrease ? bounds.low > tolerance : bounds.high < tolerance) ? "violated" : "undecided";
      return { clear, point, bounds, relative: true };
    },
  };
}
