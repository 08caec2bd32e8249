import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseK6Summary } from "./k6-summary.js";

const fixtures = join(import.meta.dirname, "..", "..", "test", "fixtures", "k6");
const read = (name: string) => parseK6Summary(readFileSync(join(fixtures, name), "utf8"), name);

describe("k6 summary", () => {
  it("reads --summary-export: statistics as <metric>.<stat>, a Rate's value as .rate", () => {
    const summary = read("summary-export.json");
    expect(summary.metrics["http_req_duration.p(95)"]).toBe(215.95);
    expect(summary.metrics["http_req_duration.med"]).toBe(110.47);
    expect(summary.metrics["http_req_failed.rate"]).toBe(0.011111111111111112);
    expect(summary.metrics["checks.rate"]).toBe(0.9888888888888889);
    expect(summary.metrics["iterations.rate"]).toBe(1.092345);
    expect(summary.metrics["http_reqs.count"]).toBe(180);
    expect(summary.metrics["vus.max"]).toBe(19);
    expect(summary.metrics["http_req_duration{expected_response:true}.p(95)"]).toBe(214.7);
    expect(summary.units["http_req_duration.p(95)"]).toBe("ms");
    expect(summary.units["http_reqs.count"]).toBeUndefined();
    // The names every HTTP workload shares.
    expect(summary.metrics.response_time_p95).toBe(215.95);
    expect(summary.metrics.response_time_p50).toBe(110.47);
    expect(summary.metrics.response_time_p99).toBeUndefined();
    expect(summary.metrics.error_rate).toBe(0.011111111111111112);
    expect(summary.metrics.throughput).toBe(4.36938);
    expect(summary.crossedThresholds).toEqual(["http_req_duration: p(95)<200"]);
  });

  it("reads handleSummary's data: values nested, thresholds as { ok }", () => {
    const summary = read("handle-summary.json");
    expect(summary.metrics["http_req_duration.p(99)"]).toBe(153.9);
    expect(summary.metrics["checks.rate"]).toBe(1);
    expect(summary.metrics["http_req_failed.rate"]).toBe(0);
    expect(summary.metrics["iterations.rate"]).toBe(1.499375);
    expect(summary.metrics["custom_waiting_time.p(95)"]).toBe(148.8);
    expect(summary.units["custom_waiting_time.p(95)"]).toBeUndefined();
    expect(summary.units["http_req_duration.avg"]).toBe("ms");
    expect(summary.metrics.response_time_p99).toBe(153.9);
    expect(summary.metrics.requests).toBe(45);
    expect(summary.crossedThresholds).toEqual(["http_req_duration: p(99)<150"]);
  });

  it("refuses what is not a k6 summary, saying what it expected", () => {
    expect(() => parseK6Summary("{", "s.json")).toThrow(/k6 summary s.json is not JSON/);
    expect(() => parseK6Summary('{"root_group":{}}', "s.json")).toThrow('k6 summary s.json has no "metrics" object');
  });
});
