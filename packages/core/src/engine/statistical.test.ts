import { describe, expect, it } from "vitest";
import { DEFAULT_STATISTICAL_SETTINGS, judgeRelative } from "./statistical.js";

const settings = DEFAULT_STATISTICAL_SETTINGS;
const quiet = [100, 101, 99, 100.5, 99.5];

describe("statistical judgement of relative criteria", () => {
  it("passes a small change when the noise is small: within the tolerance even at the edge of the noise", () => {
    const finding = judgeRelative("<=+10%", 102, quiet, {}, settings);
    expect(finding?.decision).toBe("pass");
    expect(finding?.change?.estimate).toBeCloseTo(1.02, 3);
    expect(finding?.noiseFloor).toBeCloseTo(0.0079, 3);
    expect(finding?.reason).toBe(
      "estimated change +2.0% (98% interval -1.2% to +5.3%): within the allowed +10.0% even at the edge of the noise",
    );
  });

  it("fails a change that is beyond the noise and beyond the tolerance", () => {
    const finding = judgeRelative("<=+10%", 130, quiet, {}, settings);
    expect(finding?.decision).toBe("fail");
    expect(finding?.change?.estimate).toBeCloseTo(1.3, 2);
    expect(finding?.reason).toContain("beyond the run-to-run noise (±0.8%) and beyond the allowed +10.0%");
  });

  it("does not fail a change that is significant but smaller than the tolerance", () => {
    expect(judgeRelative("<=+10%", 105, quiet, {}, settings)?.decision).not.toBe("fail");
  });

  it("is inconclusive when the run-to-run noise is larger than the tolerance", () => {
    const finding = judgeRelative("<=+10%", 112, [80, 120, 95, 110, 90], {}, settings);
    expect(finding?.decision).toBe("inconclusive");
    expect(finding?.reason).toMatch(
      /the run-to-run noise \(±1\d\.\d%\) is larger than the allowed \+10\.0%; the data cannot resolve it \(with this noise and 5 earlier runs, a tolerance of \+\d+\.\d% or more can be judged\)$/,
    );
  });

  it("is inconclusive with too few earlier runs, and with zero-heavy data", () => {
    expect(judgeRelative("<=+10%", 100, [100, 101], {}, settings)?.reason).toBe(
      "only 2 earlier runs to compare with; 3 are needed to learn the run-to-run noise",
    );
    expect(judgeRelative("<=+10%", 0, [0, 0, 0, 1], {}, settings)?.reason).toBe(
      "zero or negative values: a change in percent is undefined (sparse or zero-heavy data)",
    );
  });

  it("guards decreases with >=-X% (throughput)", () => {
    expect(judgeRelative(">=-20%", 60, quiet, {}, settings)?.decision).toBe("fail");
    expect(judgeRelative(">=-20%", 99, quiet, {}, settings)?.decision).toBe("pass");
  });

  it("asks the per-request samples too: a run value that moved without the requests moving is not a fail", () => {
    const same = Array.from({ length: 50 }, (_, i) => 10 + (i % 7));
    const finding = judgeRelative("<=+10%", 130, quiet, { current: same, baseline: same }, settings);
    expect(finding?.rankTest?.p).toBeGreaterThan(0.4);
    expect(finding?.decision).toBe("inconclusive");
    const slower = same.map((v) => v * 1.5);
    expect(judgeRelative("<=+10%", 130, quiet, { current: slower, baseline: same }, settings)?.decision).toBe("fail");
  });

  it("leaves absolute and other criteria to Keptn", () => {
    expect(judgeRelative("<600", 100, quiet, {}, settings)).toBeNull();
    expect(judgeRelative("<=-5%", 100, quiet, {}, settings)).toBeNull();
  });
});
