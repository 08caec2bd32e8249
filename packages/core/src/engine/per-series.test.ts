import { describe, expect, it } from "vitest";
import { DEFAULT_COMPARISON } from "../config/load-slo.js";
import { objectivesPerSeries } from "./per-series.js";
import type { Slo } from "./types.js";

const slo: Slo = {
  spec_version: "1.0",
  filter: null,
  comparison: DEFAULT_COMPARISON,
  objectives: [
    { sli: "rt", displayName: "Response time", pass: [{ criteria: ["<=600"] }], warning: null, weight: 2, key_sli: true },
    { sli: "errors", displayName: "", pass: [{ criteria: ["<=1"] }], warning: null, weight: 1, key_sli: false },
  ],
  total_score: { pass: "90%", warning: "75%" },
};

describe("objectives per series", () => {
  it("gives each series of a split SLI the SLI's objective, named and shown after the series", () => {
    const split = objectivesPerSeries(slo, {
      rt: [
        { sli: "rt_carts", label: "carts" },
        { sli: "rt_orders_db", label: "orders db" },
      ],
      errors: [{ sli: "errors_eu", label: "eu" }],
    });
    expect(split.objectives).toEqual([
      { sli: "rt_carts", displayName: "Response time (carts)", pass: [{ criteria: ["<=600"] }], warning: null, weight: 2, key_sli: true },
      {
        sli: "rt_orders_db",
        displayName: "Response time (orders db)",
        pass: [{ criteria: ["<=600"] }],
        warning: null,
        weight: 2,
        key_sli: true,
      },
      { sli: "errors_eu", displayName: "errors (eu)", pass: [{ criteria: ["<=1"] }], warning: null, weight: 1, key_sli: false },
    ]);
    expect(split.total_score).toEqual(slo.total_score);
    expect(objectivesPerSeries(slo, {})).toBe(slo);
  });
});
