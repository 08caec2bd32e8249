import { describe, expect, it } from "vitest";
import { formatGoFloat, parseGoFloat } from "./go-number.js";

describe("Go's %v for float64", () => {
  it.each([
    [75.3, "75.3"],
    [74, "74"],
    [100, "100"],
    [66.66666666666667, "66.66666666666667"],
    [1e6, "1e+06"],
    [1234567, "1.234567e+06"],
    [999999, "999999"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [-2.5e-7, "-2.5e-07"],
    [0, "0"],
    [Number.POSITIVE_INFINITY, "+Inf"],
    [Number.NEGATIVE_INFINITY, "-Inf"],
    [Number.NaN, "NaN"],
    [1e21, "1e+21"],
    [1.5e300, "1.5e+300"],
  ])("%d prints as %s", (value, text) => {
    expect(formatGoFloat(value)).toBe(text);
  });
});

describe("Go's strconv.ParseFloat", () => {
  it.each([
    ["90", 90],
    ["+90", 90],
    ["-0.5", -0.5],
    ["1E2", 100],
    ["0x1.8p1", 3],
    ["0X_1p4", 16],
    ["-Inf", Number.NEGATIVE_INFINITY],
    ["+INFINITY", Number.POSITIVE_INFINITY],
    // Go's readFloat skips underscores between digits (underscoreOK): Keptn reads "<1_000" as 1000.
    ["1_000", 1000],
    ["9_0", 90],
    ["-1_0.2_5", -10.25],
    ["1e1_0", 1e10],
  ])("%s is %d", (text, value) => {
    expect(parseGoFloat(text)).toBe(value);
  });

  it.each(["", " 90", "90 ", "0x10", "1e400", "_10", "10_", "1__0", "1_.5", "1._5", "-_1", "in_f", "++1", "infinit", "nan1", "+nan", "."])(
    "%j is an error",
    (text) => {
      expect(parseGoFloat(text)).toBeUndefined();
    },
  );
});
