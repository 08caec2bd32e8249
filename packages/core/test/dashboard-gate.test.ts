import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynatraceEndpoints } from "../src/sli/dynatrace/connection.js";
import { DynatraceDashboards } from "../src/sli/dynatrace/dashboards.js";
import { LocalDynatrace } from "./dynatrace-server.js";
import { runCliAsync, tempDir } from "./support.js";

const TOKEN = "dt0c01.DASHBOARD.canary-token-77aa88bb99cc";
const READ_ONLY = "dt0c01.NOCONFIG.canary-token-11aa22bb33cc";
const GATE_ID = "8a2c1b4e-5d6f-4a1b-9c2d-3e4f5a6b7c8d";
const ZONED_ID = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";
const SESSIONS = "SELECT count(*) FROM usersession WHERE useraction.application = 'carts'";
const BY_CITY = "SELECT city, count(*) FROM usersession GROUP BY city";
const RT = "(builtin:service.response.time:splitBy():avg:auto:sort(value(avg,descending)):limit(10)):limit(100):names";
const ERRORS = "(builtin:service.errors.total.rate:splitBy():avg:auto):limit(100):names";
const RT_US = "(builtin:service.response.time:splitBy():percentile(90)):limit(100):names";
const CHART_ID = "12345678-1111-4444-8888-123456789012";
const SPLIT_ID = "6f7a8b9c-0d1e-4f2a-8b3c-4d5e6f7a8b9c";
const TWIN_NAMES = '(builtin:service.requestCount.total:splitBy("dt.entity.service"):sum):names';
const BY_SERVICE =
  '(builtin:service.response.time:splitBy("dt.entity.service"):avg:auto:sort(value(avg,descending)):limit(20)):limit(100):names';
const CHARTED = "builtin:service.response.time:splitBy():percentile(90.000000):names";
const WINDOW = ["--start", "2026-11-28T10:00:00Z", "--end", "2026-11-28T10:15:00Z", "--settle", "0"];

/** A Data Explorer tile as Dynatrace stores it (dynatrace-service's test data has this shape). */
function dataExplorer(name: string, selector: string, resolution = "null", unitTransform = "auto") {
  return {
    name,
    tileType: "DATA_EXPLORER",
    configured: true,
    bounds: { top: 0, left: 0, width: 456, height: 266 },
    customName: "Data explorer results",
    queries: [
      { id: "A", metric: "builtin:service.response.time", spaceAggregation: "AVG", timeAggregation: "DEFAULT", splitBy: [], enabled: true },
    ],
    visualConfig: { type: "GRAPH_CHART", rules: [{ matcher: "A:", unitTransform }] },
    metricExpressions: [`resolution=${resolution}&${selector}`],
  };
}

const TILES = [
  {
    name: "Markdown",
    tileType: "MARKDOWN",
    configured: true,
    bounds: {},
    markdown: "KQG.Total.Pass=90%;KQG.Total.Warning=70%;KQG.Compare.WithScore=pass;KQG.Compare.Results=1;KQG.Compare.Function=avg",
  },
  { name: "Service health", tileType: "HEADER", configured: true, bounds: {} },
  dataExplorer("Response time; sli=svc_rt_p95; pass=<=500; warning=<=800; weight=2; key=true", RT),
  dataExplorer("Error rate; pass=<=2", ERRORS),
  {
    name: "Service-level objective",
    tileType: "SLO",
    configured: true,
    bounds: {},
    assignedEntities: ["7d07efde-b714-3e6e-ad95-08490e2540c4"],
  },
  { name: "Problems", tileType: "OPEN_PROBLEMS", configured: true, bounds: {} },
];

let dynatrace: LocalDynatrace;
beforeAll(async () => {
  dynatrace = await new LocalDynatrace({
    tokens: { [TOKEN]: ["ReadConfig", "metrics.read", "slo.read", "problems.read", "DTAQLAccess"], [READ_ONLY]: ["metrics.read"] },
    usql: {
      [SESSIONS]: { columnNames: ["count(*)"], values: [[1280]] },
      [BY_CITY]: {
        columnNames: ["city", "count(*)"],
        values: [
          ["Linz", 1200],
          ["Vienna", 800],
          [null, 5],
        ],
      },
    },
    metrics: {
      [RT]: [{ values: [412] }],
      [ERRORS]: [{ values: [0.4] }],
      [RT_US]: [{ values: [612_000] }],
      "builtin:service.response.time": [{ values: [1] }],
      [CHARTED]: [{ values: [480] }],
      [TWIN_NAMES]: [
        { dimensionMap: { "dt.entity.service": "SERVICE-1", "dt.entity.service.name": "carts" }, values: [10] },
        { dimensionMap: { "dt.entity.service": "SERVICE-2", "dt.entity.service.name": "carts" }, values: [20] },
      ],
      [BY_SERVICE]: [
        { dimensionMap: { "dt.entity.service": "SERVICE-F6B97183A8968C3A", "dt.entity.service.name": "carts" }, values: [412] },
        { dimensionMap: { "dt.entity.service": "SERVICE-0A1B2C3D4E5F6071", "dt.entity.service.name": "orders db" }, values: [650] },
      ],
    },
    metricUnits: { [RT_US]: "MicroSecond" },
    slos: { "7d07efde-b714-3e6e-ad95-08490e2540c4": { name: "Carts availability", target: 95, warning: 99, evaluatedPercentage: 99.5 } },
    problems: 0,
    dashboards: {
      [GATE_ID]: { dashboardMetadata: { name: "KQG;project=sockshop;stage=staging;service=carts", owner: "ops" }, tiles: TILES },
      "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e": { dashboardMetadata: { name: "Team overview" }, tiles: [] },
      // dynatrace-service's custom_charting/old_tests/response_time_p90 dashboard, as Dynatrace stores it.
      [CHART_ID]: {
        dashboardMetadata: { name: "KQG;project=qualitygate;service=evalservice;stage=qualitystage" },
        tiles: [
          {
            name: "Custom chart",
            tileType: "CUSTOM_CHARTING",
            configured: true,
            bounds: { top: 418, left: 0, width: 380, height: 228 },
            tileFilter: { timeframe: null, managementZone: null },
            filterConfig: {
              type: "MIXED",
              customName: "Response time (P90);sli=svc_rt_p90;pass=<+10%,<550",
              defaultName: "Custom chart",
              chartConfig: {
                legendShown: true,
                type: "SINGLE_VALUE",
                series: [
                  {
                    metric: "builtin:service.response.time",
                    aggregation: "PERCENTILE",
                    percentile: 90,
                    type: "LINE",
                    entityType: "SERVICE",
                    dimensions: [],
                    sortAscending: false,
                    sortColumn: true,
                    aggregationRate: "TOTAL",
                  },
                ],
                resultMetadata: {},
              },
              filtersPerEntityType: {},
            },
          },
        ],
      },
      [SPLIT_ID]: {
        dashboardMetadata: { name: "KQG;project=sockshop;stage=split;service=carts" },
        tiles: [
          dataExplorer("Response time; sli=svc_rt; pass=<=600; weight=2", BY_SERVICE),
          { ...dataExplorer("Response time (one); sli=svc_rt_single; pass=<=600", BY_SERVICE), visualConfig: { type: "SINGLE_VALUE" } },
          {
            name: "User sessions query",
            tileType: "DTAQL",
            configured: true,
            bounds: {},
            customName: "Sessions by city; sli=sessions; pass=>=1000",
            query: BY_CITY,
            type: "COLUMN_CHART",
            limit: 50,
          },
          dataExplorer("Requests; sli=requests; pass=>=1", TWIN_NAMES),
        ],
      },
      [ZONED_ID]: {
        dashboardMetadata: {
          name: "KQG;project=sockshop;stage=production-eu;service=carts",
          dashboardFilter: { timeframe: "", managementZone: { id: "-7747", name: "Production EU" } },
        },
        tiles: [
          dataExplorer("Error rate; pass=<=2", ERRORS),
          dataExplorer("Response time p90 (ms); sli=rt_p90; pass=<=500; warning=<=800", RT_US, "Inf", "MilliSecond"),
          { name: "Problems", tileType: "OPEN_PROBLEMS", configured: true, bounds: {} },
          {
            name: "User sessions query",
            tileType: "DTAQL",
            configured: true,
            bounds: {},
            tileFilter: { managementZone: { id: "4", name: "Checkout" } },
            customName: "Sessions; sli=sessions; pass=>=1000",
            query: SESSIONS,
            type: "SINGLE_VALUE",
            limit: 50,
          },
        ],
      },
    },
  }).start();
});
afterAll(async () => {
  await dynatrace?.stop();
});

function evaluate(args: string[], token = TOKEN) {
  return runCliAsync(["evaluate", "--provider", "dynatrace", ...args, ...WINDOW, "--format", "keptn"], {
    cwd: tempDir(),
    env: { DT_URL: dynatrace.url, DT_API_TOKEN: token },
  });
}

type KeptnAnswer = {
  result: string;
  evaluation: {
    score: number;
    indicatorResults: Array<{
      value: { metric: string; value: number };
      status: string;
      keySli: boolean;
      passTargets: Array<{ criteria: string }>;
    }>;
  };
};

describe("slogate evaluate --dashboard: gates defined in Dynatrace dashboards", () => {
  it("evaluates the SLIs and objectives a KQG dashboard defines, without --slo or --sli", async () => {
    const run = await evaluate(["--dashboard", GATE_ID]);
    expect(run.status).toBe(0);
    const answer = JSON.parse(run.stdout) as KeptnAnswer;
    expect(answer.result).toBe("pass");
    expect(
      answer.evaluation.indicatorResults.map((r) => [r.value.metric, r.value.value, r.status, r.passTargets.map((t) => t.criteria)]),
    ).toEqual([
      ["svc_rt_p95", 412, "pass", ["<=500"]],
      ["error_rate", 0.4, "pass", ["<=2"]],
      ["carts_availability", 99.5, "pass", [">=99.000000"]],
      ["problems", 0, "pass", ["<=0"]],
    ]);
    const [metricsQuery] = dynatrace.requestsTo("metrics").slice(-1);
    expect(metricsQuery?.query.metricSelector).toBeDefined();
  });

  it("filters by the dashboard's management zone, shows a metric in the tile's unit and reads a single-value user sessions tile", async () => {
    const before = dynatrace.requests.length;
    const run = await evaluate(["--dashboard", ZONED_ID]);
    expect(run.status).toBe(0);
    const answer = JSON.parse(run.stdout) as KeptnAnswer;
    expect(answer.evaluation.indicatorResults.map((r) => [r.value.metric, r.value.value, r.status])).toEqual([
      ["error_rate", 0.4, "pass"],
      ["rt_p90", 612, "warning"],
      ["problems", 0, "pass"],
      ["sessions", 1280, "pass"],
    ]);
    const sent = dynatrace.requests.slice(before);
    expect(sent.filter((r) => r.route === "metric-descriptor").map((r) => decodeURIComponent(r.path.split("/").pop() ?? ""))).toEqual([
      RT_US,
    ]);
    const metrics = sent.filter((r) => r.route === "metrics");
    // Two requests (their resolutions differ), sent at once: compared in a fixed order.
    expect(metrics.map((r) => `${r.query.metricSelector} ${r.query.mzSelector}`).sort()).toEqual([
      `(${RT_US}):toUnit(MicroSecond,MilliSecond) mzName("Production EU")`,
      `${ERRORS} mzName("Production EU")`,
    ]);
    expect(sent.filter((r) => r.route === "problems").map((r) => r.query.problemSelector)).toEqual([
      'status("open"),managementZones("Production EU")',
    ]);
    expect(sent.filter((r) => r.route === "usql").map((r) => r.query.query)).toEqual([SESSIONS]);
  });

  it("reads a custom chart as dynatrace-service did: its series' metric, aggregation and entity type as the query", async () => {
    const before = dynatrace.requests.length;
    const run = await evaluate(["--dashboard", CHART_ID]);
    expect(run.status).toBe(0);
    const answer = JSON.parse(run.stdout) as KeptnAnswer;
    expect(answer.evaluation.indicatorResults.map((r) => [r.value.metric, r.value.value, r.status])).toEqual([["svc_rt_p90", 480, "pass"]]);
    const sent = dynatrace.requests.slice(before);
    expect(sent.filter((r) => r.route === "metric-descriptor").map((r) => decodeURIComponent(r.path.split("/").pop() ?? ""))).toEqual([
      "builtin:service.response.time",
    ]);
    expect(sent.filter((r) => r.route === "metrics").map((r) => [r.query.metricSelector, r.query.entitySelector])).toEqual([
      [CHARTED, "type(SERVICE)"],
    ]);
  });

  it("makes a tile split by a dimension one SLI per series and a user sessions chart one per row, as dynatrace-service did; a single-value tile wants one series", async () => {
    const cwd = tempDir();
    const env = { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN };
    const run = await runCliAsync(
      ["evaluate", "--provider", "dynatrace", "--dashboard", SPLIT_ID, "--write-config", "gate", ...WINDOW, "--format", "keptn"],
      { cwd, env },
    );
    const answer = JSON.parse(run.stdout) as {
      evaluation: {
        indicatorResults: Array<{ value: { metric: string; value: number }; displayName?: string; status: string; score: number }>;
      };
    };
    expect(answer.evaluation.indicatorResults.map((r) => [r.value.metric, r.displayName, r.value.value, r.status, r.score])).toEqual([
      ["svc_rt_carts", "Response time (carts)", 412, "pass", 2],
      ["svc_rt_orders_db", "Response time (orders db)", 650, "fail", 0],
      ["svc_rt_single", "Response time (one)", 0, "fail", 0],
      ["sessions_linz", "Sessions by city (Linz)", 1200, "pass", 1],
      ["sessions_vienna", "Sessions by city (Vienna)", 800, "fail", 0],
      ["sessions_3", "Sessions by city (3)", 0, "fail", 0],
      ["requests", "Requests", 0, "fail", 0],
    ]);
    // Two services of one name would share an SLI name and swap values: the SLI fails instead.
    expect(run.stdout).toContain("requests cannot be read per series: two of its series would both be named requests_carts");
    expect(run.stdout).toContain("where one is needed: merge them with :splitBy() or narrow the entitySelector");
    // The written files read the tile the same way: perSeries=true in sli.yaml.
    expect(readFileSync(join(cwd, "gate", "sli.yaml"), "utf8")).toContain(`svc_rt: metricSelector=${BY_SERVICE}&perSeries=true`);
    const fromFiles = await runCliAsync(
      ["evaluate", "--provider", "dynatrace", "--slo", "gate/slo.yaml", "--sli", "gate/sli.yaml", ...WINDOW, "--format", "keptn"],
      { cwd, env },
    );
    const scored = (text: string) =>
      (JSON.parse(text) as KeptnAnswer).evaluation.indicatorResults.map((r) => [r.value.metric, r.value.value, r.status]);
    expect(scored(fromFiles.stdout)).toEqual(scored(run.stdout));

    // A stored run replays per series: the values it kept are judged per series again.
    const history = ["--history", "h.jsonl", "--store"];
    const files = ["--provider", "dynatrace", "--slo", "gate/slo.yaml", "--sli", "gate/sli.yaml"];
    const stored = JSON.parse(
      (await runCliAsync(["evaluate", ...files, ...history, ...WINDOW, "--format", "json"], { cwd, env })).stdout,
    ) as {
      id: string;
      objectives: Array<{ sli: string; value: number | null; status: string }>;
    };
    const replay = await runCliAsync(
      ["evaluate", "--slo", "gate/slo.yaml", "--history", "h.jsonl", "--replay", stored.id, "--format", "json"],
      {
        cwd,
        env,
      },
    );
    const replayed = JSON.parse(replay.stdout) as typeof stored;
    const judged = (result: typeof stored) => result.objectives.map((o) => [o.sli, o.value, o.status]);
    expect(judged(replayed)).toEqual(judged(stored));
    expect(judged(replayed).slice(0, 2)).toEqual([
      ["svc_rt_carts", 412, "pass"],
      ["svc_rt_orders_db", 650, "fail"],
    ]);
  });

  it("finds the dashboard by its labels with --dashboard query, and writes the slo.yaml and sli.yaml that evaluate to the same result", async () => {
    const cwd = tempDir();
    const env = { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN };
    const labels = ["--labels", "project=sockshop,stage=staging,service=carts"];
    const fromDashboard = await runCliAsync(
      ["evaluate", "--provider", "dynatrace", "--dashboard", "query", ...labels, "--write-config", "gate", ...WINDOW, "--format", "keptn"],
      { cwd, env },
    );
    expect(fromDashboard.status).toBe(0);
    expect(readFileSync(join(cwd, "gate", "sli.yaml"), "utf8")).toContain(`svc_rt_p95: metricSelector=${RT}`);
    const fromFiles = await runCliAsync(
      [
        "evaluate",
        "--provider",
        "dynatrace",
        "--slo",
        "gate/slo.yaml",
        "--sli",
        "gate/sli.yaml",
        ...labels,
        ...WINDOW,
        "--format",
        "keptn",
      ],
      { cwd, env },
    );
    const strip = (text: string) => {
      const answer = JSON.parse(text) as KeptnAnswer & Record<string, unknown>;
      return { result: answer.result, score: answer.evaluation.score, indicators: answer.evaluation.indicatorResults };
    };
    expect(strip(fromFiles.stdout)).toEqual(strip(fromDashboard.stdout));
  });

  it("names the dashboard when none or several match, and the scope a token lacks", async () => {
    const none = await evaluate(["--dashboard", "query", "--labels", "project=sockshop,stage=production,service=carts"]);
    expect(none.status).toBe(2);
    expect(none.stderr).toBe(
      "slogate: no dashboard is named KQG;project=sockshop;stage=production;service=carts. Name the gate's dashboard KQG;project=<p>;stage=<s>;service=<svc>, or pass its id with --dashboard <id>\n",
    );
    const twin = "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f";
    const dashboards = dynatrace.seed.dashboards ?? {};
    dashboards[twin] = { dashboardMetadata: { name: "kqg;service=carts;project=sockshop;stage=staging;copy" }, tiles: TILES };
    const two = await evaluate(["--dashboard", "query", "--labels", "project=sockshop,stage=staging,service=carts"]);
    delete dashboards[twin];
    expect(two.status).toBe(2);
    expect(two.stderr).toBe(
      `slogate: 2 dashboards are named KQG;project=sockshop;stage=staging;service=carts: KQG;project=sockshop;stage=staging;service=carts (${GATE_ID}), kqg;service=carts;project=sockshop;stage=staging;copy (${twin}). Rename all but one, or pass the id of the one to use with --dashboard <id>\n`,
    );
    const unknown = await evaluate(["--dashboard", "3f0e8c1a-0000-4000-8000-000000000000"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(
      /^slogate: Dynatrace has no dashboard "3f0e8c1a-0000-4000-8000-000000000000" \(HTTP 404: Dashboard 3f0e8c1a-0000-4000-8000-000000000000 not found\)/,
    );
    const scope = await evaluate(["--dashboard", GATE_ID], READ_ONLY);
    expect(scope.status).toBe(2);
    expect(scope.stderr).toContain("Token is missing required scope. Use one of: ReadConfig");
    expect(scope.stderr + scope.stdout).not.toContain(READ_ONLY);
  });

  it("refuses a tile title the grammar rejects, naming the dashboard, the tile and the offset", async () => {
    const id = "4b5c6d7e-8f90-4a1b-8c2d-3e4f5a6b7c8e";
    (dynatrace.seed.dashboards ?? {})[id] = {
      dashboardMetadata: { name: "KQG;project=x;stage=y;service=z" },
      tiles: [dataExplorer("Response time;sli=rt;pass=< 500", RT)],
    };
    const run = await evaluate(["--dashboard", id]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `slogate: dashboard "KQG;project=x;stage=y;service=z" (${id}), tile 1 (DATA_EXPLORER "Response time;sli=rt;pass=< 500"): title "Response time;sli=rt;pass=< 500": at offset 21: invalid criteria for 'pass': "< 500". Write the title as <name>;sli=<sli>;pass=<=500;warning=<=800;weight=1;key=false\n`,
    );
  });
});

describe("metric descriptors a dashboard's tiles need", () => {
  it("reads each metric's descriptor once, all together, and keeps a metric Dynatrace does not have as an answer", async () => {
    const token = "dt0c01.DESCRIBE.canary-token-44dd55ee66ff";
    // Every answer waits, so requests sent together are in flight together.
    const slow = await new LocalDynatrace({
      tokens: { [token]: ["metrics.read"] },
      metrics: { "builtin:a": [{ values: [1] }], "builtin:b": [{ values: [1] }], "builtin:c": [{ values: [1] }] },
      metricUnits: { "builtin:b": "MicroSecond" },
      latencyMs: 1000,
    }).start();
    const api = new DynatraceDashboards(dynatraceEndpoints(slow.url), { apiToken: token });
    try {
      const answers = await api.describeMetrics(["builtin:a", "builtin:b", "builtin:a", "builtin:c", "builtin:gone"]);
      expect([...answers.keys()]).toEqual(["builtin:a", "builtin:b", "builtin:c", "builtin:gone"]);
      expect(answers.get("builtin:b")).toMatchObject({ unit: "MicroSecond", defaultAggregation: "avg", entityType: ["SERVICE"] });
      expect(answers.get("builtin:gone")).toEqual({
        error:
          "Dynatrace: the descriptor of builtin:gone: HTTP 404: Metric builtin:gone not found (HTTP 404); check the URL and the names in the query",
      });
      const asked = slow.requests.filter((request) => request.route === "metric-descriptor");
      expect(asked.map((request) => decodeURIComponent(request.path.split("/").pop() ?? "")).sort()).toEqual([
        "builtin:a",
        "builtin:b",
        "builtin:c",
        "builtin:gone",
      ]);
      expect(Math.max(...asked.map((request) => request.inFlight))).toBe(4);
    } finally {
      await api.close();
      await slow.stop();
    }
  });

  it("stops the other descriptors at the first one Dynatrace cannot give, and throws that one", async () => {
    const token = "dt0c01.OUTAGE.canary-token-77gg88hh99ii";
    // Every answer takes 5 s except the injected failure, which comes at once.
    const slow = await new LocalDynatrace({
      tokens: { [token]: ["metrics.read"] },
      metrics: { "builtin:a": [{ values: [1] }], "builtin:b": [{ values: [1] }], "builtin:c": [{ values: [1] }] },
      latencyMs: 5000,
    }).start();
    slow.inject("metric-descriptor", { status: 500 });
    const api = new DynatraceDashboards(dynatraceEndpoints(slow.url), { apiToken: token });
    try {
      const started = performance.now();
      await expect(api.describeMetrics(["builtin:a", "builtin:b", "builtin:c"])).rejects.toThrow(
        /^Dynatrace: the descriptor of builtin:[abc]: HTTP 500: injected 500 \(HTTP 500\); the service had an error; retry later$/,
      );
      // The others were stopped, not waited for: far less than the 5 s their answers take.
      expect(performance.now() - started).toBeLessThan(4000);
    } finally {
      await api.close();
      await slow.stop();
    }
  });
});
