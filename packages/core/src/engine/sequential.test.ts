import { describe, expect, it } from "vitest";
import { AlphaSpending, alphaSpent, type LiveMeasurements, lookAtRunningTest } from "./sequential.js";
import type { Objective, Slo } from "./types.js";

function objective(sli: string, pass: string[], extra: Partial<Objective> = {}): Objective {
  return { sli, displayName: sli, pass: [{ criteria: pass }], warning: null, weight: 1, key_sli: false, ...extra };
}

function slo(objectives: Objective[], total = { pass: "90%", warning: "75%" }): Slo {
  return {
    spec_version: "1.0",
    filter: null,
    comparison: {
      compare_with: "single_result",
      include_result_with_score: "pass",
      number_of_comparison_results: 1,
      aggregate_function: "avg",
    },
    objectives,
    total_score: total,
  };
}

/** Latencies as the load generator's histogram reports them: nearest-rank percentiles of the values. */
function measured(latencies: number[], errors = 0): LiveMeasurements {
  const sorted = [...latencies].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const sd = Math.sqrt(sorted.reduce((sum, value) => sum + (value - mean) ** 2, 0) / sorted.length);
  return {
    requests: sorted.length,
    errors,
    latency: {
      count: sorted.length,
      mean,
      sd,
      atPercentile: (p) => sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1] as number,
    },
  };
}

/** A seeded log-normal latency source (median `median` ms, log-sd 0.3). */
function latencySource(seed: number, median: number) {
  let state = seed;
  const uniform = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state + 0.5) / 2147483648;
  };
  return () => median * Math.exp(0.3 * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
}

const onWorkload = (sli: string) => sli;
const noPairing = () => null;

describe("alpha spending", () => {
  it("spends alpha·ln(1 + (e − 1)·t): nothing at the start, all of alpha at the planned end, never more", () => {
    expect(alphaSpent(0.01, 0)).toBe(0);
    expect(alphaSpent(0.01, 1)).toBeCloseTo(0.01, 15);
    expect(alphaSpent(0.01, 0.5)).toBeCloseTo(0.01 * Math.log(1 + (Math.E - 1) / 2), 15);
    expect(alphaSpent(0.01, 3)).toBeCloseTo(0.01, 15);
  });

  it("gives each look what was not spent since the last look that tested, adding up to alpha", () => {
    const spending = new AlphaSpending(0.01);
    let total = 0;
    for (let look = 1; look <= 60; look++) {
      const share = spending.available(look / 60);
      expect(share).toBeGreaterThan(0);
      total += share;
      spending.commit(look / 60);
    }
    expect(total).toBeCloseTo(0.01, 12);
    expect(spending.available(1.5)).toBe(0);
  });
});

describe("a look at a running test", () => {
  it("stops when an absolute criterion is clearly broken and the score can no longer reach the warning threshold", () => {
    const next = latencySource(7, 200);
    const look = lookAtRunningTest({
      slo: slo([objective("response_time_p95", ["<=150"]), objective("error_rate", ["<=0.01"])]),
      measurementOf: onWorkload,
      pairedStatistic: noPairing,
      live: measured(Array.from({ length: 2000 }, next)),
      spend: 0.001,
    });
    expect(look.tested).toBe(2);
    expect(look.running).toBe("fail");
    expect(look.stop).toMatch(
      /^the score can reach at most 50, below 75%; response_time_p95 fails: <=150: \d+(\.\d+)? \(bound \d+(\.\d+)? to \d+(\.\d+)?\)$/,
    );
  });

  it("does not stop while the gate could still pass or warn: one broken objective of four leaves 75%", () => {
    const next = latencySource(7, 200);
    const look = lookAtRunningTest({
      slo: slo([
        objective("response_time_p95", ["<=150"]),
        objective("response_time_p50", ["<=1000"]),
        objective("error_rate", ["<=0.01"]),
        objective("throughput", [">=1"]),
      ]),
      measurementOf: onWorkload,
      pairedStatistic: noPairing,
      live: measured(Array.from({ length: 2000 }, next)),
      spend: 0.001,
    });
    // throughput is not judged during the test; p95 fails for sure, the rest can still pass: 3 of 4 = 75%.
    expect(look.tested).toBe(3);
    expect(look.stop).toBeNull();
    expect(look.running).toBe("warning");
  });

  it("stops on a clearly failing key SLI whatever the score", () => {
    const next = latencySource(7, 200);
    const look = lookAtRunningTest({
      slo: slo([objective("response_time_p95", ["<=150"], { key_sli: true }), objective("response_time_p50", ["<=1000"], { weight: 9 })]),
      measurementOf: onWorkload,
      pairedStatistic: noPairing,
      live: measured(Array.from({ length: 2000 }, next)),
      spend: 0.001,
    });
    expect(look.stop).toMatch(/^key SLI response_time_p95 clearly fails; response_time_p95 fails: <=150: /);
  });

  it("keeps Keptn's warning band: a value beyond pass but within warning is not a failure", () => {
    const next = latencySource(7, 200);
    const look = lookAtRunningTest({
      slo: slo([{ ...objective("response_time_p95", ["<=150"]), warning: [{ criteria: ["<=2000"] }] }], { pass: "90%", warning: "50%" }),
      measurementOf: onWorkload,
      pairedStatistic: noPairing,
      live: measured(Array.from({ length: 2000 }, next)),
      spend: 0.001,
    });
    expect(look.stop).toBeNull();
    expect(look.running).toBe("warning");
  });

  it("says nothing about SLIs from a backend, nor with too few requests", () => {
    const next = latencySource(7, 200);
    const gate = slo([objective("response_time_p95", ["<=150"])]);
    const live = measured(Array.from({ length: 2000 }, next));
    expect(lookAtRunningTest({ slo: gate, measurementOf: () => null, pairedStatistic: noPairing, live, spend: 0.001 })).toEqual({
      tested: 0,
      stop: null,
      running: null,
    });
    const few = measured(Array.from({ length: 20 }, next));
    expect(lookAtRunningTest({ slo: gate, measurementOf: onWorkload, pairedStatistic: noPairing, live: few, spend: 0.001 }).tested).toBe(0);
  });

  it("judges a relative criterion against the baseline of the same slices", () => {
    const candidate = latencySource(11, 40);
    const baseline = latencySource(13, 20);
    const slices = Array.from({ length: 8 }, () => ({
      candidate: Array.from({ length: 50 }, candidate),
      baseline: Array.from({ length: 50 }, baseline),
    }));
    const look = lookAtRunningTest({
      slo: slo([objective("response_time_p95", ["<=+10%"])]),
      measurementOf: onWorkload,
      pairedStatistic: () => (sorted) => sorted[Math.ceil(0.95 * sorted.length) - 1] as number,
      live: { ...measured(slices.flatMap((slice) => slice.candidate)), slices },
      spend: 0.001,
    });
    expect(look.stop).toMatch(
      /^the score can reach at most 0, below 75%; response_time_p95 fails: <=\+10%: \+\d+\.\d% \(bound \+\d+\.\d% to \+\d+\.\d%\)$/,
    );
  });

  it("stops an unchanged build that sits exactly at its threshold in at most alpha of the tests; a naive repeated check stops far more", () => {
    const tests = 200;
    const looks = 30;
    const perLook = 40;
    const alpha = 0.05;
    // The true p95 of a log-normal with median 100 and log-sd 0.3: the objective is met, just.
    const trueP95 = 100 * Math.exp(0.3 * 1.6448536269514722);
    const gate = slo([objective("response_time_p95", [`<=${trueP95}`])]);
    let sequentialStops = 0;
    let naiveStops = 0;
    for (let test = 0; test < tests; test++) {
      const next = latencySource(1000 + test, 100);
      const spending = new AlphaSpending(alpha);
      const latencies: number[] = [];
      let stopped = false;
      let naive = false;
      for (let look = 1; look <= looks; look++) {
        for (let i = 0; i < perLook; i++) latencies.push(next());
        const live = measured(latencies);
        const fraction = look / looks;
        const sequential = lookAtRunningTest({
          slo: gate,
          measurementOf: onWorkload,
          pairedStatistic: noPairing,
          live,
          spend: spending.available(fraction),
        });
        spending.commit(fraction);
        if (sequential.stop) stopped = true;
        if (lookAtRunningTest({ slo: gate, measurementOf: onWorkload, pairedStatistic: noPairing, live, spend: alpha }).stop) naive = true;
      }
      if (stopped) sequentialStops++;
      if (naive) naiveStops++;
    }
    expect(sequentialStops / tests).toBeLessThanOrEqual(alpha);
    expect(naiveStops / tests).toBeGreaterThan(2 * alpha);
  });
});
