import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { LocalDynatrace } from "./dynatrace-server.js";
import { runCliAsync, tempDir, writeFiles } from "./support.js";

const TOKEN = "dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.canary-secret-value-0123456789";
const CLIENT = { id: "dt0s02.CLIENT", secret: "dt0s02.CLIENT.client-secret-canary" };
const WINDOW = { start: "2024-05-01T10:00:00.000Z", end: "2024-05-01T10:15:00.000Z" };

let dynatrace: LocalDynatrace;

beforeAll(async () => {
  dynatrace = await new LocalDynatrace({
    tokens: {
      [TOKEN]: ["metrics.read", "slo.read", "problems.read", "securityProblems.read", "events.ingest", "events.read", "DTAQLAccess"],
    },
    usql: {
      "SELECT count(*) FROM usersession": { columnNames: ["count(*)"], values: [[1280]] },
      "SELECT city, count(*) FROM usersession GROUP BY city": {
        columnNames: ["city", "count(*)"],
        values: [
          ["Linz", 700],
          ["Vienna", 580],
        ],
      },
      "SELECT city, avg(duration), count(*) FROM usersession GROUP BY city": {
        columnNames: ["city", "avg(duration)", "count(*)"],
        values: [
          ["Linz", 61.5, 700],
          ["Vienna", 48.25, 580],
        ],
      },
    },
    clients: { [CLIENT.id]: CLIENT.secret },
    metrics: {
      'builtin:service.requestCount.total:merge("dt.entity.service"):sum': [{ values: [100, 140, 120] }],
      'builtin:service.response.time:merge("dt.entity.service"):percentile(95)': [{ values: [250_000, 350_000] }],
      "builtin:service.errors.total.rate:merge(0):avg": [{ values: [1.5] }],
      "builtin:tech.generic.mem.workingSetSize:merge(0):max": [{ values: [2048] }],
      "calc:service.steps:splitBy()": [{ values: [1, 2, 3, 6] }],
      "builtin:host.cpu.usage": [
        { dimensionMap: { "dt.entity.host": "HOST-1" }, values: [10] },
        { dimensionMap: { "dt.entity.host": "HOST-2" }, values: [20] },
      ],
      "builtin:nothing": [],
    },
    slos: {
      "7d07efde-b714-3e6e-ad95-08490e2540c4": { evaluatedPercentage: 95.5 },
      broken: { evaluatedPercentage: -1, error: "Metric selector is invalid" },
    },
    problems: 2,
    securityProblems: 0,
    dql: {
      'fetch logs | filter status == "ERROR" | summarize errors = count()': { records: [{ errors: "17" }], polls: 2 },
    },
  }).start();
}, 30_000);

afterAll(async () => {
  await dynatrace?.stop();
});

const SLI = {
  spec_version: "1.0",
  indicators: {
    throughput:
      'metricSelector=builtin:service.requestCount.total:merge("dt.entity.service"):sum&entitySelector=type(SERVICE),tag(keptn_project:$PROJECT),tag(keptn_stage:$STAGE),tag(keptn_service:$SERVICE)',
    response_time_p95:
      'MV2;MicroSecond;metricSelector=builtin:service.response.time:merge("dt.entity.service"):percentile(95)&entitySelector=type(SERVICE),tag(keptn_service:$SERVICE)',
    error_rate:
      "builtin:service.errors.total.rate:merge(0):avg?scope=tag(keptn_project:$PROJECT),tag(keptn_stage:$STAGE),tag(keptn_service:$SERVICE)",
    memory_kb: 'MV2;Byte;metricSelector=builtin:tech.generic.mem.workingSetSize:merge(0):max&mzSelector=mzName("shop")',
    steps: "metricSelector=calc:service.steps:splitBy()&resolution=10m",
    availability: "SLO;7d07efde-b714-3e6e-ad95-08490e2540c4",
    problems: 'PV2;problemSelector=status("open")&entitySelector=type(SERVICE),tag(keptn_service:$SERVICE)',
    vulnerabilities: "SECPV2;securityProblemSelector=riskLevel(HIGH),pgiTags([ENVIRONMENT]BUILD:$LABEL.build)",
    log_errors: 'DQL;fetch logs | filter status == "ERROR" | summarize errors = count()',
  },
};

function slo(objectives: Array<[string, string[]?]>) {
  return stringify({
    objectives: objectives.map(([sli, pass]) => ({ sli, ...(pass ? { pass: [{ criteria: pass }] } : {}) })),
    total_score: { pass: "90%", warning: "75%" },
  });
}

async function gate(sloText: string, sli: object, env: Record<string, string> = {}, extra: string[] = []) {
  const directory = tempDir();
  writeFiles(directory, { "slo.yaml": sloText, "sli.yaml": stringify(sli) });
  const args = [
    "evaluate",
    "--provider",
    "dynatrace",
    "--sli",
    "sli.yaml",
    "--slo",
    "slo.yaml",
    "--start",
    WINDOW.start,
    "--end",
    WINDOW.end,
    "--settle",
    "0",
  ];
  const labels = ["--project", "sockshop", "--stage", "staging", "--service", "carts", "--label", "build=42"];
  const run = await runCliAsync([...args, ...labels, "--format", "keptn", ...extra], {
    cwd: directory,
    env: {
      DT_URL: dynatrace.url,
      DT_API_TOKEN: TOKEN,
      DT_CLIENT_ID: CLIENT.id,
      DT_CLIENT_SECRET: CLIENT.secret,
      DT_ACCOUNT_URN: "urn:dtaccount:test",
      DT_SSO_URL: `${dynatrace.url}/sso/oauth2/token`,
      ...env,
    },
  });
  return { ...run, data: run.stdout ? JSON.parse(run.stdout) : null, directory };
}

type Indicator = { value: { metric: string; value: number; success: boolean; message?: string }; status: string };
const values = (data: { evaluation: { indicatorResults: Indicator[] } }) =>
  Object.fromEntries(data.evaluation.indicatorResults.map((i) => [i.value.metric, i.value.success ? i.value.value : i.value.message]));

describe("dynatrace provider against a local Dynatrace", () => {
  it("evaluates every query form of Keptn's sli.yaml, and DQL, from the CLI (the contract)", async () => {
    const { status, data, stderr } = await gate(
      slo([
        ["throughput", [">=100"]],
        ["response_time_p95", ["<=400"]],
        ["error_rate", ["<2"]],
        ["memory_kb", ["<=2"]],
        ["steps", ["=3"]],
        ["availability", [">=95"]],
        ["problems", ["<=2"]],
        ["vulnerabilities", ["=0"]],
        ["log_errors", ["<20"]],
      ]),
      SLI,
    );
    expect(stderr).toBe("");
    expect(values(data)).toEqual({
      throughput: 120, // resolution=Inf: one point per series
      response_time_p95: 300, // µs → ms
      error_rate: 1.5,
      memory_kb: 2, // bytes → KB
      steps: 3, // explicit resolution gave several points: folded
      availability: 95.5,
      problems: 2,
      vulnerabilities: 0,
      log_errors: 17,
    });
    expect(data.result).toBe("pass");
    expect(status).toBe(0);
  });

  it("sends each query as Dynatrace expects it", () => {
    const metrics = dynatrace.requestsTo("metrics");
    const from = String(Date.parse(WINDOW.start));
    const to = String(Date.parse(WINDOW.end));
    const throughput = metrics.find((r) => r.query.metricSelector?.startsWith("builtin:service.requestCount"));
    expect(throughput?.query).toEqual({
      metricSelector: 'builtin:service.requestCount.total:merge("dt.entity.service"):sum',
      entitySelector: "type(SERVICE),tag(keptn_project:sockshop),tag(keptn_stage:staging),tag(keptn_service:carts)",
      resolution: "Inf",
      from,
      to,
    });
    expect(throughput?.path).toBe("/api/v2/metrics/query");
    expect(throughput?.headers.authorization).toBe(`Api-Token ${TOKEN}`);
    expect(metrics.find((r) => r.query.metricSelector?.startsWith("builtin:service.errors"))?.query.entitySelector).toBe(
      "tag(keptn_project:sockshop),tag(keptn_stage:staging),tag(keptn_service:carts),type(SERVICE)",
    );
    expect(
      metrics
        .filter((r) => r.query.metricSelector?.includes("calc:service.steps"))
        .map((r) => [r.query.metricSelector, r.query.resolution]),
    ).toEqual([
      ["calc:service.steps:splitBy()", "10m"],
      ["(calc:service.steps:splitBy()):fold", "10m"],
    ]);
    expect(metrics.find((r) => r.query.mzSelector)?.query.mzSelector).toBe('mzName("shop")');
    expect(dynatrace.requestsTo("slo")[0]?.query).toEqual({ from, to, timeFrame: "GTF" });
    expect(dynatrace.requestsTo("problems")[0]?.query).toEqual({
      problemSelector: 'status("open")',
      entitySelector: "type(SERVICE),tag(keptn_service:carts)",
      from,
      to,
    });
    expect(dynatrace.requestsTo("securityProblems")[0]?.query.securityProblemSelector).toBe(
      "riskLevel(HIGH),pgiTags([ENVIRONMENT]BUILD:42)",
    );
    const execute = dynatrace.requestsTo("dql-execute")[0];
    expect(JSON.parse(execute?.body ?? "{}")).toMatchObject({
      query: SLI.indicators.log_errors.slice(4),
      defaultTimeframeStart: WINDOW.start,
      defaultTimeframeEnd: WINDOW.end,
    });
    expect(execute?.headers.authorization).toMatch(/^Bearer oauth-access-/);
    // Seeded to be RUNNING at execute and at the first poll.
    expect(dynatrace.requestsTo("dql-poll").map((r) => r.query["request-token"])).toEqual(["request-1", "request-1"]);
    expect(dynatrace.requestsTo("oauth")).toHaveLength(1);
  });

  it("answers USQL SLIs as dynatrace-service did: the single value, a chart's row by dimension, a table row's last column", async () => {
    const from = dynatrace.requestsTo("usql").length;
    const { status, data } = await gate(
      slo([
        ["sessions", [">=1000"]],
        ["linz_sessions", [">=500"]],
        ["vienna_sessions", [">=500"]],
        ["vienna_table", [">=500"]],
      ]),
      {
        indicators: {
          sessions: "USQL;SINGLE_VALUE;;SELECT count(*) FROM usersession",
          linz_sessions: "USQL;COLUMN_CHART;Linz;SELECT city, count(*) FROM usersession GROUP BY city",
          vienna_sessions: "USQL;PIE_CHART;Vienna;SELECT city, count(*) FROM usersession GROUP BY city",
          vienna_table: "USQL;TABLE;Vienna;SELECT city, avg(duration), count(*) FROM usersession GROUP BY city",
        },
      },
    );
    expect(values(data)).toEqual({ sessions: 1280, linz_sessions: 700, vienna_sessions: 580, vienna_table: 580 });
    expect(status).toBe(0);
    const sent = dynatrace
      .requestsTo("usql")
      .slice(from)
      .filter((r) => r.query.explain === "false");
    expect(sent[0]?.path).toBe("/api/v1/userSessionQueryLanguage/table");
    expect(sent[0]?.query).toEqual({
      query: "SELECT count(*) FROM usersession",
      explain: "false",
      addDeepLinkFields: "false",
      startTimestamp: String(Date.parse(WINDOW.start)),
      endTimestamp: String(Date.parse(WINDOW.end)),
    });
  });

  it("resolves every placeholder kind on the wire: labels, SLO filter keys, $ENV", async () => {
    const before = dynatrace.requestsTo("metrics").length;
    dynatrace.seed.anyMetric = [{ values: [1] }];
    const run = await gate(
      stringify({
        filter: { handler: "'ItemsController'" },
        objectives: [{ sli: "probe", pass: [{ criteria: [">=0"] }] }],
        total_score: { pass: "90%" },
      }),
      {
        indicators: {
          probe:
            "metricSelector=builtin:probe&entitySelector=type(SERVICE),tag(d:$DEPLOYMENT),tag(t:$TESTSTRATEGY),tag(h:$handler),tag(H:$HANDLER),tag(r:$ENV.REGION),tag(b:$LABEL.build),tag(p:$PROJECT)",
        },
      },
      { REGION: "eu-west" },
      ["--project", "shop", "--deployment", "canary", "--label", "teststrategy=performance"],
    );
    delete dynatrace.seed.anyMetric;
    expect(run.status).toBe(0);
    expect(dynatrace.requestsTo("metrics").slice(before)[0]?.query.entitySelector).toBe(
      "type(SERVICE),tag(d:canary),tag(t:performance),tag(h:ItemsController),tag(H:ItemsController),tag(r:eu-west),tag(b:42),tag(p:shop)",
    );
  });

  it.each([
    [
      "several series",
      "metricSelector=builtin:host.cpu.usage",
      "returned 2 series ({dt.entity.host=HOST-1}, {dt.entity.host=HOST-2}) where one is needed",
    ],
    ["no data", "metricSelector=builtin:nothing", "no data: the metrics query matched no series in the window"],
    ["an unknown metric", "metricSelector=builtin:unknown", "Dynatrace refused the metrics query (HTTP 404: A metric has not been found.)"],
    [
      "a selector without its key",
      "builtin:service.errors.total.rate:merge(0):avg&entitySelector=type(SERVICE)",
      "'builtin:service.errors.total.rate:merge(0):avg' is not a 'key=value' pair; write metricSelector=",
    ],
    ["an unknown key", "metricSelector=a&scope=b", "unknown key 'scope'; expected metricSelector, entitySelector, resolution, mzSelector"],
    [
      "USQL with no row for the dimension",
      "USQL;COLUMN_CHART;Atlantis;SELECT city, count(*) FROM usersession GROUP BY city",
      "no row for the dimension 'Atlantis'",
    ],
    [
      "an unresolved placeholder",
      "metricSelector=a&entitySelector=tag($LABEL.team),tag($SERVICENAME)",
      "uses $LABEL.team, $SERVICENAME but no value was given",
    ],
    ["an SLO with an evaluation error", "SLO;broken", "SLO broken could not be evaluated: Metric selector is invalid"],
    ["an unknown SLO", "SLO;nope", "Dynatrace refused the SLO request (HTTP 404: SLO with ID 'nope' not found.)"],
  ])("fails the SLI, never passes in silence: %s", async (_name, query, message) => {
    const { status, data } = await gate(slo([["probe", [">=0"]]]), { indicators: { probe: query } });
    expect(status).toBe(1);
    expect(values(data).probe).toContain(message);
  });

  it("stops at a refused token with exit 2 and the reason: a configuration to fix, not a failed gate", async () => {
    const run = await gate(
      slo([["n", [">=0"]]]),
      { indicators: { n: 'PV2;problemSelector=status("open")' } },
      { DT_API_TOKEN: "dt0c01.metrics-only" },
    );
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      /^slogate: the backend refused the request: Dynatrace: SLI n: Dynatrace refused the problems request \(HTTP 401: The token authentication has failed\.\); check the token or credentials\n$/,
    );
  });

  it("waits for ingestion when the window has just ended, and says so", async () => {
    // Three seconds of wait left: enough margin for a slow start of the CLI on a busy machine.
    const end = new Date(Date.now() - 117_000).toISOString();
    const directory = tempDir();
    writeFiles(directory, { "slo.yaml": slo([["availability", [">=95"]]]), "sli.yaml": stringify(SLI) });
    const run = await runCliAsync(
      [
        "evaluate",
        "--provider",
        "dynatrace",
        "--sli",
        "sli.yaml",
        "--slo",
        "slo.yaml",
        "--start",
        new Date(Date.parse(end) - 600_000).toISOString(),
        "--end",
        end,
        "--format",
        "json",
      ],
      { cwd: directory, env: { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN } },
    );
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^slogate: waiting up to \d+s for Dynatrace to ingest the window's data; --settle 0 skips this\n/);
  });

  it("keeps every secret out of what the CLI writes", async () => {
    const { directory, stdout, stderr } = await gate(
      slo([
        ["throughput", [">=0"]],
        ["log_errors", ["<20"]],
        ["secret", [">=0"]],
      ]),
      {
        indicators: { ...SLI.indicators, secret: "metricSelector=$ENV.DT_API_TOKEN" },
      },
      {},
      ["--report-json", "r.json", "--report-md", "r.md", "--report-junit", "r.xml"],
    );
    const written = [stdout, stderr, ...["r.json", "r.md", "r.xml"].map((f) => readFileSync(join(directory, f), "utf8"))].join("\n");
    for (const secret of [TOKEN, CLIENT.secret]) expect(written).not.toContain(secret);
    expect(written).not.toMatch(/oauth-access-/);
    expect(written).toContain("metricSelector=***");
  });
});
