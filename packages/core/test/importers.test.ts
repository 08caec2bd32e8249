import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCliAsync, tempDir, writeFiles } from "./support.js";

// The lifecycle toolkit's blog example: failure above 0.5 s, warning above 0.3 s; errors a key objective.
const ANALYSIS_B = `apiVersion: metrics.keptn.sh/v1
kind: AnalysisDefinition
metadata:
  name: my-analysis-definition
  namespace: simple-go
spec:
  objectives:
    - analysisValueTemplateRef:
        name: response-time-p95
      keyObjective: false
      target:
        failure:
          greaterThan:
            fixedValue: 500m
        warning:
          greaterThan:
            fixedValue: 300m
      weight: 1
    - analysisValueTemplateRef:
        name: error-rate
      keyObjective: true
      target:
        failure:
          greaterThan:
            fixedValue: 0
      weight: 1
  totalScore:
    passPercentage: 60
    warningPercentage: 50
`;
const TEMPLATES = `apiVersion: metrics.keptn.sh/v1
kind: AnalysisValueTemplate
metadata:
  name: response-time-p95
spec:
  provider:
    name: my-prometheus
  query: "histogram_quantile(0.95, sum by(le) (rate(http_server_request_latency_seconds_bucket{job='{{.service}}'}[1m])))"
---
apiVersion: metrics.keptn.sh/v1
kind: AnalysisValueTemplate
metadata:
  name: error-rate
spec:
  provider:
    name: my-prometheus
  query: "rate(http_requests_total{status_code='500', job='{{.service}}', node='{{.nodename}}'}[1m]) or on() vector(0)"
---
apiVersion: metrics.keptn.sh/v1
kind: KeptnMetricsProvider
metadata:
  name: my-prometheus
spec:
  type: prometheus
  targetServer: "http://prometheus-k8s.monitoring.svc.cluster.local:9090"
`;

// The official sample: failure below 600, warning inside 300..500, on a DQL provider.
const ANALYSIS_A = `apiVersion: metrics.keptn.sh/v1
kind: AnalysisDefinition
metadata:
  name: analysisdefinition-sample
spec:
  objectives:
    - analysisValueTemplateRef:
        name: response-time-p95
        namespace: keptn-system
      target:
        failure:
          lessThan:
            fixedValue: 600
        warning:
          inRange:
            lowBound: 300
            highBound: 500
      weight: 1
      keyObjective: false
  totalScore:
    passPercentage: 90
    warningPercentage: 75
---
apiVersion: metrics.keptn.sh/v1
kind: AnalysisValueTemplate
metadata:
  name: response-time-p95
spec:
  provider:
    name: grail
  query: "timeseries p95 = percentile(dt.service.request.response_time, 95) | fields v = arrayAvg(p95)"
---
apiVersion: metrics.keptn.sh/v1
kind: KeptnMetricsProvider
metadata:
  name: grail
spec:
  type: dql
  targetServer: "https://abc12345.apps.dynatrace.com"
`;

// Dynatrace's configuration-as-code sample guardian, with a concrete service.
const GUARDIAN = JSON.stringify(
  {
    schemaId: "app:dynatrace.site.reliability.guardian:guardians",
    value: {
      name: "carts guardian",
      tags: ["stage:staging"],
      description: "Safeguard your service with the four golden signals",
      variables: [
        { name: "version", definition: "1.0.1" },
        { name: "service_id", definition: "SERVICE-C4125A5C3E5A6B1F" },
      ],
      objectives: [
        {
          name: "Latency",
          objectiveType: "DQL",
          dqlQuery:
            'timeseries p95 = percentile(dt.service.request.response_time, 95), by:{dt.entity.service}\n| filter in(dt.entity.service, {"$service_id"})\n| summarize response_time_95 = avg(arrayAvg(p95))',
          displayUnit: { base: "microsecond", display: "second", decimals: 2 },
          comparisonOperator: "LESS_THAN_OR_EQUAL",
          target: 5000000.0,
          warning: 3000000.0,
          segments: [],
        },
        {
          name: "Traffic",
          objectiveType: "DQL",
          dqlQuery:
            "timeseries request_count = sum(dt.service.request.count, rate: 1m)\n| summarize throughput = avg(arrayAvg(request_count))",
          autoAdaptiveThresholdEnabled: true,
          comparisonOperator: "GREATER_THAN_OR_EQUAL",
          segments: [],
        },
        {
          name: "Availability",
          objectiveType: "DQL",
          dqlQuery: 'fetch logs | summarize availability = 100 - countIf(loglevel == "ERROR") * 100 / count()',
          comparisonOperator: "GREATER_THAN_OR_EQUAL",
          target: 99.0,
        },
      ],
    },
  },
  null,
  2,
);

type Slo = {
  objectives: Array<{ sli: string; pass?: Array<{ criteria: string[] }>; warning?: Array<{ criteria: string[] }>; key_sli: boolean }>;
  total_score: unknown;
};

describe("slogate import keptn-analysis", () => {
  it("turns failure and warning targets into Keptn's pass and warning criteria, with a report per objective (exit 3: a provider reads values another way)", async () => {
    const cwd = tempDir();
    writeFiles(cwd, { "definition.yaml": ANALYSIS_B, "templates.yaml": TEMPLATES });
    const run = await runCliAsync(["import", "keptn-analysis", "definition.yaml", "templates.yaml", "--out", "gate"], { cwd });
    expect(run.stdout).toBe(
      [
        "response-time-p95: approximated: the Analysis took the first sample of a range query; slogate's Prometheus provider evaluates the query over the window",
        "error-rate: approximated: the Analysis took the first sample of a range query; slogate's Prometheus provider evaluates the query over the window",
        "note: the Analysis' args (nodename) are labels now: pass them with --labels nodename=…",
        "wrote slo.yaml, sli.yaml, slogate.yaml in gate",
        "",
      ].join("\n"),
    );
    expect(run.status).toBe(3);
    const slo = parse(readFileSync(join(cwd, "gate", "slo.yaml"), "utf8")) as Slo;
    expect(slo.objectives).toEqual([
      {
        sli: "response-time-p95",
        displayName: "response-time-p95",
        pass: [{ criteria: ["<=0.5", "<=0.3"] }],
        warning: [{ criteria: ["<=0.5"] }],
        weight: 1,
        key_sli: false,
      },
      { sli: "error-rate", displayName: "error-rate", pass: [{ criteria: ["<=0"] }], weight: 1, key_sli: true },
    ]);
    expect(slo.total_score).toEqual({ pass: "60%", warning: "50%" });
    const sli = parse(readFileSync(join(cwd, "gate", "sli.yaml"), "utf8")) as { indicators: Record<string, string> };
    expect(sli.indicators["error-rate"]).toBe(
      "rate(http_requests_total{status_code='500', job='$SERVICE', node='$LABEL.nodename'}[1m]) or on() vector(0)",
    );
    expect(parse(readFileSync(join(cwd, "gate", "slogate.yaml"), "utf8"))).toMatchObject({
      providers: { default: "prometheus", prometheus: { url: "http://prometheus-k8s.monitoring.svc.cluster.local:9090" } },
    });
    // The Analysis answer for 0.4 s and no errors: a warning (0.5) and a pass (1) of 2, 75% ≥ 60%: pass.
    writeFiles(cwd, { "values.json": JSON.stringify({ "response-time-p95": 0.4, "error-rate": 0 }) });
    const gate = await runCliAsync(["evaluate", "--slo", "gate/slo.yaml", "--sli-values", "values.json", "--format", "json"], { cwd });
    const result = JSON.parse(gate.stdout) as { result: string; score: number; objectives: Array<{ status: string }> };
    expect([result.result, result.score, result.objectives.map((o) => o.status)]).toEqual(["pass", 75, ["warning", "pass"]]);
  });

  it("imports the official sample on a DQL provider without loss (exit 0), ranges as OR blocks", async () => {
    const cwd = tempDir();
    writeFiles(cwd, { "analysis.yaml": ANALYSIS_A });
    const run = await runCliAsync(["import", "keptn-analysis", "analysis.yaml"], { cwd });
    expect(run.stdout).toBe("response-time-p95: exact\nwrote slo.yaml, sli.yaml, slogate.yaml in .\n");
    expect(run.status).toBe(0);
    const slo = parse(readFileSync(join(cwd, "slo.yaml"), "utf8")) as Slo;
    expect(slo.objectives[0]?.pass).toEqual([{ criteria: [">=600", "<300"] }, { criteria: [">=600", ">500"] }]);
    expect(slo.objectives[0]?.warning).toEqual([{ criteria: [">=600"] }]);
    const again = await runCliAsync(["import", "keptn-analysis", "analysis.yaml"], { cwd });
    expect(again.status).toBe(2);
    expect(again.stderr).toBe(
      "slogate: slo.yaml, sli.yaml, slogate.yaml exist in .. Pass --force to replace, or --out <dir> to write elsewhere\n",
    );
  });

  it("says a negative threshold cannot be written (Keptn reads a leading sign as relative): not expressed, exit 3", async () => {
    const cwd = tempDir();
    writeFiles(cwd, {
      "analysis.yaml": ANALYSIS_A.replace("fixedValue: 600", "fixedValue: -10")
        .replace("lowBound: 300", "lowBound: -300")
        .replace("highBound: 500", "highBound: -20"),
    });
    const run = await runCliAsync(["import", "keptn-analysis", "analysis.yaml"], { cwd });
    expect(run.status).toBe(3);
    expect(run.stdout.split("\n")[0]).toBe(
      "response-time-p95: not expressed: a negative threshold (>=-10, <-300, >-20) reads as a relative criterion in Keptn's slo.yaml: check this objective by hand",
    );
  });

  it("refuses a target with two operators and a value that is no quantity, with positions (exit 2)", async () => {
    const cwd = tempDir();
    const broken = ANALYSIS_B.replace(
      "          greaterThan:\n            fixedValue: 300m",
      "          greaterThan:\n            fixedValue: 300ms\n          lessThan:\n            fixedValue: 1",
    );
    writeFiles(cwd, { "definition.yaml": broken.replace("fixedValue: 0\n", "fixedValue: zero\n") });
    const run = await runCliAsync(["import", "keptn-analysis", "definition.yaml"], { cwd });
    expect(run.status).toBe(2);
    const file = join(cwd, "definition.yaml");
    expect(run.stderr).toBe(
      [
        `${file}:16:11: error: a target needs exactly one operator, not greaterThan, lessThan; expected lessThan, lessThanOrEqual, greaterThan, greaterThanOrEqual, equalTo, inRange, notInRange`,
        `${file}:27:25: error: fixedValue is not a quantity; expected a number or a Kubernetes quantity such as 600, "500m" or "1Ki"`,
        "",
      ].join("\n"),
    );
  });
});

describe("slogate import srg", () => {
  it("writes the guardian's objectives with its thresholds, its variables as labels, and says what has no slo.yaml form (exit 3)", async () => {
    const cwd = tempDir();
    writeFiles(cwd, { "guardian.json": GUARDIAN });
    const run = await runCliAsync(["import", "srg", "guardian.json"], { cwd });
    expect(run.stdout).toBe(
      [
        "latency: exact: display unit second dropped: criteria stay in the query's unit, as the guardian's thresholds are",
        "traffic: not expressed: auto-adaptive thresholds (learnt by Davis from 30 days of validations) have no slo.yaml form: imported as informational; write criteria (e.g. <=+10% against earlier runs) to gate on it",
        "availability: exact",
        "dropped: the guardian's tags (stage:staging)",
        "note: the guardian's roll-up (the worst objective decides) is written as key SLIs with total_score pass 100% and warning 0%",
        "note: the guardian's variables are labels in slogate.yaml (version, service_id); override them per run with --labels",
        "wrote slo.yaml, sli.yaml, slogate.yaml in .",
        "",
      ].join("\n"),
    );
    expect(run.status).toBe(3);
    const slo = parse(readFileSync(join(cwd, "slo.yaml"), "utf8")) as Slo;
    expect(slo.objectives.map(({ sli, pass, warning, key_sli }) => ({ sli, pass, warning, key_sli }))).toEqual([
      { sli: "latency", pass: [{ criteria: ["<=3000000"] }], warning: [{ criteria: ["<=5000000"] }], key_sli: true },
      { sli: "traffic", pass: undefined, warning: undefined, key_sli: false },
      { sli: "availability", pass: [{ criteria: [">=99"] }], warning: undefined, key_sli: true },
    ]);
    const sli = parse(readFileSync(join(cwd, "sli.yaml"), "utf8")) as { indicators: Record<string, string> };
    expect(sli.indicators.latency).toContain('| filter in(dt.entity.service, {"$LABEL.service_id"})');
    expect(sli.indicators.latency?.startsWith("DQL;timeseries p95")).toBe(true);
    expect(parse(readFileSync(join(cwd, "slogate.yaml"), "utf8"))).toMatchObject({
      providers: { default: "dynatrace" },
      labels: { version: "1.0.1", service_id: "SERVICE-C4125A5C3E5A6B1F" },
    });
    const check = await runCliAsync(["validate", "--config", "slogate.yaml"], { cwd });
    expect(check.status).toBe(0);
  });

  it("refuses an operator a guardian does not have, with its position (exit 2)", async () => {
    const cwd = tempDir();
    writeFiles(cwd, {
      "guardian.json": GUARDIAN.replace('"comparisonOperator": "LESS_THAN_OR_EQUAL"', '"comparisonOperator": "LESS_THAN"'),
    });
    const run = await runCliAsync(["import", "srg", "guardian.json"], { cwd });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `${join(cwd, "guardian.json")}:29:31: error: comparisonOperator "LESS_THAN" is not a guardian's; expected LESS_THAN_OR_EQUAL or GREATER_THAN_OR_EQUAL\n`,
    );
  });
});
