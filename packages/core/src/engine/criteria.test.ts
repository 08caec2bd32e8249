import { describe, expect, it } from "vitest";
import { compareValue, parseCriteria, relativeTarget } from "./criteria.js";

describe("parseCriteria: Keptn's grammar beyond the public vectors", () => {
  it.each([
    ["<600", { operator: "<", value: 600, checkPercentage: false, isComparison: false, checkIncrease: false }],
    ["=0", { operator: "=", value: 0, checkPercentage: false, isComparison: false, checkIncrease: false }],
    ["<=10%", { operator: "<=", value: 10, checkPercentage: true, isComparison: true, checkIncrease: true }],
    [">-5", { operator: ">", value: 5, checkPercentage: false, isComparison: true, checkIncrease: false }],
    ["=-0", { operator: "=", value: 0, checkPercentage: false, isComparison: true, checkIncrease: false }],
    ["<--5", { operator: "<", value: -5, checkPercentage: false, isComparison: true, checkIncrease: false }],
    ["<+-5", { operator: "<", value: -5, checkPercentage: false, isComparison: true, checkIncrease: true }],
    ["< 1 0", { operator: "<", value: 10, checkPercentage: false, isComparison: false, checkIncrease: false }],
    ["> 5000", { operator: ">", value: 5000, checkPercentage: false, isComparison: false, checkIncrease: false }],
    ["<.5", { operator: "<", value: 0.5, checkPercentage: false, isComparison: false, checkIncrease: false }],
    ["<5.", { operator: "<", value: 5, checkPercentage: false, isComparison: false, checkIncrease: false }],
    ["<1e3", { operator: "<", value: 1000, checkPercentage: false, isComparison: false, checkIncrease: false }],
    ["<Inf", { operator: "<", value: Number.POSITIVE_INFINITY, checkPercentage: false, isComparison: false, checkIncrease: false }],
    ["<infinity", { operator: "<", value: Number.POSITIVE_INFINITY, checkPercentage: false, isComparison: false, checkIncrease: false }],
    ["<0x1p-2", { operator: "<", value: 0.25, checkPercentage: false, isComparison: false, checkIncrease: false }],
    [">=0.000000", { operator: ">=", value: 0, checkPercentage: false, isComparison: false, checkIncrease: false }],
    ["<=-5%", { operator: "<=", value: 5, checkPercentage: true, isComparison: true, checkIncrease: false }],
  ])("%s", (text, expected) => {
    expect(parseCriteria(text)).toEqual(expected);
  });

  it("reads NaN as Go does", () => {
    expect(parseCriteria("=NaN").value).toBeNaN();
  });

  it("reads underscores between digits as Go's ParseFloat does: <1_000 is 1000", () => {
    expect(parseCriteria("<1_000")).toMatchObject({ operator: "<", value: 1000, isComparison: false });
  });

  it.each([
    ["0", "invalid criteria string"],
    ["abc", "invalid criteria string"],
    ["", "invalid criteria string"],
    ["\t<5", "invalid criteria string"],
    ["<", "could not parse criteria target value"],
    ["<%", "could not parse criteria target value"],
    ["<=+%", "could not parse criteria target value"],
    ["<0x10", "could not parse criteria target value"],
    ["<1e400", "could not parse criteria target value"],
    ["==5", "could not parse criteria target value"],
    ["=<5", "could not parse criteria target value"],
    ["<>5", "could not parse criteria target value"],
    ["|5", "could not parse criteria target value"],
    ["<5ms", "could not parse criteria target value"],
    ["<\t5", "could not parse criteria target value"],
    ["<1__000", "could not parse criteria target value"],
    ["<_1000", "could not parse criteria target value"],
  ])("refuses %j: %s", (text, message) => {
    expect(() => parseCriteria(text)).toThrow(message);
  });
});

describe("relative targets in Keptn's operation order", () => {
  it.each([
    ["<=+10%", 10, 11],
    // (agg * (100 + v)) / 100, not agg * (1 + v / 100), which would give 11.110000000000001.
    ["<=10%", 10.1, 11.11],
    ["<=+7%", 0.7, 0.7489999999999999],
    [">-5%", 100, 95],
    ["<=+10", 10, 20],
    [">-5", 10, 5],
    ["<=+10%", 0, 0],
    ["<=+10%", -10, -11],
  ])("%s against %d gives %d", (text, aggregate, target) => {
    expect(relativeTarget(parseCriteria(text), aggregate)).toBe(target);
  });

  it("compares with plain IEEE-754 equality, no epsilon", () => {
    expect(compareValue(0.1 + 0.2, 0.3, "=")).toBe(false);
    expect(compareValue(0.3, 0.3, "=")).toBe(true);
    expect(compareValue(Number.NaN, Number.NaN, "=")).toBe(false);
  });
});
