import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseJtl } from "./jtl.js";

const fixtures = join(import.meta.dirname, "..", "..", "test", "fixtures", "jtl");
const read = (name: string) => parseJtl(readFileSync(join(fixtures, name), "utf8"), name);

describe("JTL", () => {
  it("reads a JMeter 5.x CSV with header, quoted commas included: overall and per label", () => {
    const jtl = read("jmeter5.jtl");
    expect(jtl.samples).toBe(6);
    // elapsed sorted: 60 80 100 120 300 500; nearest rank.
    expect(jtl.metrics.response_time_p50).toBe(100);
    expect(jtl.metrics.response_time_p90).toBe(500);
    expect(jtl.metrics.requests).toBe(6);
    expect(jtl.metrics.errors).toBe(1);
    expect(jtl.metrics.error_rate).toBe(0.166667);
    // 6 samples from 1764147600000 to 1764147601000 (500 + 500 ms).
    expect(jtl.metrics.throughput).toBe(6);
    expect(jtl.metrics["error_rate:login"]).toBe(0.333333);
    expect(jtl.metrics["response_time_p95:login"]).toBe(300);
    expect(jtl.metrics["requests:search, list"]).toBe(3);
    expect(jtl.metrics["response_time_p50:search, list"]).toBe(80);
    expect(jtl.units.response_time_p99).toBe("ms");
    expect(jtl.window).toEqual({ start: "2025-11-26T09:00:00.000Z", end: "2025-11-26T09:00:01.000Z" });
  });

  it("reads JMeter 2.13's default CSV without a header line", () => {
    const jtl = read("jmeter213-noheader.jtl");
    expect(jtl.metrics.requests).toBe(4);
    expect(jtl.metrics.error_rate).toBe(0.25);
    expect(jtl.metrics.response_time_p50).toBe(20);
    expect(jtl.metrics.response_time_p99).toBe(40);
    // 4 samples in 100 ms.
    expect(jtl.metrics.throughput).toBe(40);
  });

  it("an empty file has no samples (the runner reports that as a failed workload)", () => {
    expect(parseJtl("", "empty.jtl")).toEqual({ samples: 0, window: null, metrics: {}, units: {}, kept: {} });
    expect(parseJtl("timeStamp,elapsed,label,responseCode,success\n", "header-only.jtl").samples).toBe(0);
  });

  it("refuses a layout it cannot read, with the line", () => {
    expect(() => parseJtl("1,2,3\n", "odd.jtl")).toThrow(
      "JTL odd.jtl has no header line and 3 columns, which is not a layout JMeter writes by default",
    );
    expect(() => parseJtl("timeStamp,elapsed,label,success\nx,1,a,true\n", "bad.jtl")).toThrow(/line 2/);
  });
});
