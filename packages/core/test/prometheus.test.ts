import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { freePort, openMetrics, type RunningPrometheus, startPrometheus } from "./prometheus-server.js";
import { runCli, tempDir, writeFiles } from "./support.js";

// A real Prometheus (Debian's package) over a TSDB backfilled with series whose rates are known:
// 10 req/s with status 200 and 0.5 req/s with status 500; latency buckets 8, 9.5, 10 and 10 per
// second below 100, 250, 500 ms and +Inf; 42 goroutines; two series for one name.
const START = Math.floor(Date.now() / 60_000) * 60 - 7200;
const WINDOW = { start: new Date((START + 1800) * 1000).toISOString(), end: new Date((START + 2400) * 1000).toISOString() };
const JOB = "carts-sockshop-staging-canary";
const DATA = openMetrics(
  [
    {
      name: "http_requests",
      type: "counter",
      series: [
        { labels: { job: JOB, status: "200" }, at: (t) => 1000 + 10 * t },
        { labels: { job: JOB, status: "500" }, at: (t) => 0.5 * t },
      ],
    },
    {
      name: "http_response_time_milliseconds_bucket",
      type: "unknown",
      series: [
        { labels: { job: JOB, le: "100" }, at: (t) => 8 * t },
        { labels: { job: JOB, le: "250" }, at: (t) => 9.5 * t },
        { labels: { job: JOB, le: "500" }, at: (t) => 10 * t },
        { labels: { job: JOB, le: "+Inf" }, at: (t) => 10 * t },
      ],
    },
    { name: "go_goroutines", type: "gauge", series: [{ labels: { job: "carts-sockshop-staging" }, at: () => 42 }] },
    {
      name: "queue_depth",
      type: "gauge",
      series: [
        { labels: { instance: "a" }, at: () => 1 },
        { labels: { instance: "b" }, at: () => 2 },
      ],
    },
  ],
  START,
  3600,
  15,
);

const SLI = {
  spec_version: "1.0",
  indicators: {
    // Keptn's own default queries cover throughput, error_rate and response_time_p50/p90/p95.
    goroutines: 'sum(go_goroutines{job="$SERVICE-$PROJECT-$STAGE"})',
    request_rate_ok: 'sum(rate(http_requests_total{job="$SERVICE-$PROJECT-$STAGE-canary",status="200"}[$DURATION_SECONDS]))',
  },
};

function slo(objectives: Array<{ sli: string; pass?: string[] }>) {
  return stringify({
    spec_version: "1.0",
    comparison: {
      compare_with: "single_result",
      include_result_with_score: "pass",
      number_of_comparison_results: 1,
      aggregate_function: "avg",
    },
    objectives: objectives.map(({ sli, pass }) => ({ sli, ...(pass ? { pass: [{ criteria: pass }] } : {}) })),
    total_score: { pass: "90%", warning: "75%" },
  });
}

let prometheus: RunningPrometheus;

beforeAll(async () => {
  prometheus = await startPrometheus(DATA);
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
});

function gate(sloText: string, sli: object, extra: string[] = [], url = prometheus.url) {
  const directory = tempDir();
  writeFiles(directory, { "slo.yaml": sloText, "sli.yaml": stringify(sli) });
  const args = [
    "evaluate",
    "--provider",
    "prometheus",
    "--sli",
    "sli.yaml",
    "--slo",
    "slo.yaml",
    "--start",
    WINDOW.start,
    "--end",
    WINDOW.end,
  ];
  const labels = ["--label", "project=sockshop", "--label", "stage=staging", "--label", "service=carts"];
  const run = runCli([...args, ...labels, "--format", "keptn", ...extra], { cwd: directory, env: { PROMETHEUS_URL: url } });
  return { ...run, data: run.stdout ? JSON.parse(run.stdout) : null, directory };
}

type Indicator = { value: { metric: string; value: number; success: boolean; message?: string }; status: string };

describe("prometheus provider against a real Prometheus", () => {
  it("evaluates a gate from Keptn's sli.yaml and default queries over the window (the contract)", () => {
    const { status, data, stderr } = gate(
      slo([
        { sli: "throughput", pass: [">=10"] },
        { sli: "error_rate", pass: ["<0.05"] },
        { sli: "response_time_p50", pass: ["<=100"] },
        { sli: "response_time_p90", pass: ["<=200"] },
        { sli: "response_time_p95", pass: ["<300"] },
        { sli: "goroutines", pass: ["=42"] },
        { sli: "request_rate_ok" },
      ]),
      SLI,
    );
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(data.result).toBe("pass");
    expect(data.evaluation.score).toBe(100);
    expect(data.evaluation.timeStart).toBe(WINDOW.start);
    expect(data.evaluation.timeEnd).toBe(WINDOW.end);
    const values = Object.fromEntries((data.evaluation.indicatorResults as Indicator[]).map((i) => [i.value.metric, i.value.value]));
    expect(values).toEqual({
      throughput: 10.5,
      error_rate: 0.5 / 10.5,
      response_time_p50: 62.5, // 100 × 5/8: the median falls in the first bucket
      response_time_p90: 200, // 100 + 150 × (9 − 8)/(9.5 − 8)
      response_time_p95: 250,
      goroutines: 42,
      request_rate_ok: 10,
    });
  });

  it("with --comparison statistical, keeps the SLI minute by minute (a range query) as samples", () => {
    const { directory, status } = gate(slo([{ sli: "request_rate_ok", pass: [">=5"] }]), SLI, [
      "--report-json",
      "r.json",
      "--comparison",
      "statistical",
    ]);
    expect(status).toBe(0);
    const report = JSON.parse(readFileSync(join(directory, "r.json"), "utf8"));
    // 10 minutes in the window: the first minute's rate needs the minute before the window.
    expect(report.objectives[0].samples).toHaveLength(10);
    for (const value of report.objectives[0].samples) expect(value).toBeCloseTo(10, 6);
  });

  it("stores the resolved query with each objective", () => {
    const { directory } = gate(slo([{ sli: "goroutines", pass: ["=42"] }]), SLI, ["--report-json", "r.json"]);
    const report = JSON.parse(readFileSync(join(directory, "r.json"), "utf8"));
    expect(report.objectives[0].query).toBe('sum(go_goroutines{job="carts-sockshop-staging"})');
  });

  it("shows a query that quotes the token with the token blanked, as every secret is", () => {
    const directory = tempDir();
    const token = "canary-5c2b8e1d7f";
    writeFiles(directory, {
      "slo.yaml": slo([{ sli: "goroutines", pass: [">=0"] }]),
      "sli.yaml": stringify({ indicators: { goroutines: `count(go_goroutines{job!="${token}"})` } }),
    });
    const run = runCli(
      [
        "evaluate",
        "--provider",
        "prometheus",
        "--sli",
        "sli.yaml",
        "--slo",
        "slo.yaml",
        "--start",
        WINDOW.start,
        "--end",
        WINDOW.end,
        "--report-json",
        "r.json",
      ],
      { cwd: directory, env: { PROMETHEUS_URL: prometheus.url, PROMETHEUS_TOKEN: token } },
    );
    const report = readFileSync(join(directory, "r.json"), "utf8");
    expect([run.status, JSON.parse(report).objectives[0].query]).toEqual([0, 'count(go_goroutines{job!="***"})']);
    expect(run.stdout + run.stderr + report).not.toContain(token);
  });

  it.each([
    [
      "several series",
      "queue_depth",
      'returned 2 series ({__name__="queue_depth",instance="a"}, {__name__="queue_depth",instance="b"}) where one value is needed: aggregate with sum(), avg() or max(), or filter by label',
    ],
    ["no data", 'sum(go_goroutines{job="nobody"})', "no data: the query of probe matched no series at the end of the window"],
    ["NaN", 'sum(go_goroutines{job="$SERVICE-$PROJECT-$STAGE"}) * 0 / 0', "returned NaN, which no criterion can judge"],
    ["+Inf", 'sum(go_goroutines{job="$SERVICE-$PROJECT-$STAGE"}) / 0', "returned +Inf, which no criterion can judge"],
    [
      "invalid PromQL",
      "sum(go_goroutines",
      'Prometheus refused the query (bad_data: invalid parameter "query": 1:18: parse error: unclosed left parenthesis)',
    ],
    ["a missing label", 'sum(go_goroutines{team="$LABEL.team"})', "uses $LABEL.team but no value was given"],
  ])("fails the SLI, never passes in silence: %s", (_name, query, message) => {
    const { status, data, stderr } = gate(
      slo([
        { sli: "probe", pass: [">=0"] },
        { sli: "goroutines", pass: ["=42"] },
      ]),
      {
        indicators: { ...SLI.indicators, probe: query },
      },
    );
    expect(status).toBe(1);
    const probe = (data.evaluation.indicatorResults as Indicator[])[0];
    expect(probe?.status).toBe("fail");
    expect(probe?.value.success).toBe(false);
    expect(probe?.value.message).toContain(message);
    expect(data.message).toBe("lighthouse failed because SLI failed with message Prometheus gave no usable value for probe");
    expect(stderr).toContain("slogate: warning: SLI probe has no usable value");
  });

  it("could not evaluate when the server is down: errored with the reason, never FAIL score 0", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const { status, data, stderr } = gate(slo([{ sli: "goroutines", pass: ["=42"] }]), SLI, [], closed);
    expect(status).toBe(1);
    const reason = `SLI goroutines: Prometheus: GET ${closed}/api/v1/query failed: ECONNREFUSED; check the URL, DNS, proxy (HTTPS_PROXY/NO_PROXY) and that the service is up`;
    // Keptn's errored evaluation: status errored, result fail, the reason in the message.
    expect(data).toMatchObject({ status: "errored", result: "fail" });
    expect(data.message).toContain(`could not evaluate: ${reason}`);
    expect(stderr).toContain(`slogate: error: could not evaluate: ${reason}`);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("mixes providers in one gate: slogate.yaml names the default and per-SLI overrides", () => {
    const directory = tempDir();
    writeFiles(directory, {
      "slogate.yaml": stringify({
        version: 1,
        slo: "slo.yaml",
        sli: "sli.yaml",
        labels: { project: "sockshop", stage: "staging", service: "carts" },
        providers: {
          default: "prometheus",
          prometheus: { url: prometheus.url },
          file: { path: "values.json" },
          overrides: { deployments_today: "file" },
        },
      }),
      "slo.yaml": slo([
        { sli: "goroutines", pass: ["=42"] },
        { sli: "deployments_today", pass: ["<5"] },
        { sli: "throughput", pass: [">10"] },
      ]),
      "sli.yaml": stringify(SLI),
      "values.json": JSON.stringify({ deployments_today: 3 }),
    });
    const run = runCli(["evaluate", "--start", WINDOW.start, "--end", WINDOW.end, "--format", "json"], { cwd: directory });
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.objectives.map((o: { sli: string; value: number; query: string | null }) => [o.sli, o.value, o.query])).toEqual([
      ["goroutines", 42, 'sum(go_goroutines{job="carts-sockshop-staging"})'],
      ["deployments_today", 3, null],
      ["throughput", 10.5, "sum(rate(http_requests_total{job='carts-sockshop-staging-canary'}[600s]))"],
    ]);
  });

  it("asks for a window before querying", () => {
    const directory = tempDir();
    writeFiles(directory, { "slo.yaml": slo([{ sli: "goroutines", pass: ["=42"] }]), "sli.yaml": stringify(SLI) });
    const run = runCli(["evaluate", "--provider", "prometheus", "--sli", "sli.yaml", "--slo", "slo.yaml"], {
      cwd: directory,
      env: { PROMETHEUS_URL: prometheus.url },
    });
    expect(run).toMatchObject({
      status: 2,
      stderr: "slogate: querying a backend needs the evaluation window. Give start and end, or a timeframe (e.g. 10m)\n",
    });
  });
});
