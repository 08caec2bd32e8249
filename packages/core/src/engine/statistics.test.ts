import { describe, expect, it } from "vitest";
import { hodgesLehmann, mannWhitney, normalQuantile, normalUpperTail } from "./statistics.js";

describe("rank statistics", () => {
  it("Mann–Whitney: R's wilcox.test example (Hollander & Wolfe): W = 35, exact one-sided p = 0.1272", () => {
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const test = mannWhitney(x, y);
    expect(test.u).toBe(35);
    expect(test.exact).toBe(true);
    expect(test.p).toBeCloseTo(0.1272, 4);
  });

  it("Mann–Whitney exact small cases: complete separation of 3 and 3 has p = 1/20", () => {
    const separated = mannWhitney([4, 5, 6], [1, 2, 3]);
    expect(separated).toMatchObject({ u: 9, n1: 3, n2: 3, exact: true });
    expect(separated.p).toBeCloseTo(1 / 20, 12);
    expect(mannWhitney([1, 2, 3], [4, 5, 6]).p).toBe(1);
  });

  it("Mann–Whitney with ties uses the tie-corrected normal approximation", () => {
    const x = [1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7, 8];
    const y = [1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 6];
    const test = mannWhitney(x, y);
    // U counted pair by pair: x above y scores 1, a tie one half.
    const byPairs = x.reduce((sum, a) => sum + y.reduce((s, b) => s + (a > b ? 1 : a === b ? 0.5 : 0), 0), 0);
    expect(test.exact).toBe(false);
    expect(byPairs).toBe(85);
    expect(test.u).toBe(85);
    expect(test.p).toBeGreaterThan(0.15);
    expect(test.p).toBeLessThan(0.3);
  });

  it("the normal helpers agree with tables", () => {
    expect(normalUpperTail(1.959964)).toBeCloseTo(0.025, 6);
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 7);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326348, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });

  it("Hodges–Lehmann: the median of pairwise differences, and an interval that covers the true shift ~95% of the time", () => {
    expect(hodgesLehmann([5, 6, 7], [1, 2, 3]).estimate).toBe(4);
    // Coverage on simulated normal data with a known shift of 1.
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const normal = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
    let covered = 0;
    const trials = 300;
    for (let t = 0; t < trials; t++) {
      const x = Array.from({ length: 30 }, () => normal() + 1);
      const y = Array.from({ length: 30 }, () => normal());
      const { low, high } = hodgesLehmann(x, y, 0.95);
      if (low <= 1 && 1 <= high) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.92);
    expect(covered / trials).toBeLessThan(0.99);
  });
});
