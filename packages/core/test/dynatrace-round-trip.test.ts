import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynatraceEndpoints } from "../src/sli/dynatrace/connection.js";
import { DynatraceSliProvider } from "../src/sli/dynatrace/index.js";
import { LocalDynatrace } from "./dynatrace-server.js";
import { freePort } from "./prometheus-server.js";
import { runCliAsync, tempDir, writeFiles } from "./support.js";

const TOKEN = "dt0c01.BATCH.canary-secret-0123456789";
const SCOPELESS = "dt0c01.SCOPELESS.canary-secret-0123456789";
const WINDOW = { start: "2024-05-01T10:00:00.000Z", end: "2024-05-01T10:15:00.000Z" };
const SERVICE = "type(SERVICE),tag(keptn_service:carts)";

// 25 metrics a service's gate reads, each with its own value (i + 1) so that a value read from
// the wrong collection shows.
const METRICS = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`calc:service.sli${i}:avg`, [{ values: [i + 1] }]]));

let dynatrace: LocalDynatrace;
beforeAll(async () => {
  dynatrace = await new LocalDynatrace({
    tokens: { [TOKEN]: ["metrics.read"], [SCOPELESS]: ["events.ingest"] },
    metrics: { ...METRICS, "builtin:service.response.time:percentile(95)": [{ values: [250_000] }], "calc:empty": [] },
  }).start();
});
afterAll(() => dynatrace?.stop());

async function gate(indicators: Record<string, string>) {
  const provider = new DynatraceSliProvider({
    endpoints: dynatraceEndpoints(dynatrace.url),
    credentials: { apiToken: TOKEN },
    indicators,
    labels: {},
    settleMs: 0,
  });
  const before = dynatrace.requestsTo("metrics").length;
  try {
    const answer = await provider.fetch({ indicators: Object.keys(indicators), window: WINDOW, filters: {} });
    const sent = dynatrace.requestsTo("metrics").slice(before);
    return { answer, sent, value: (sli: string) => answer.indicatorValues.find((v) => v.metric === sli) };
  } finally {
    await provider.close();
  }
}

describe("Dynatrace metrics queries that differ only in their selector share a request", () => {
  it("25 SLIs on one entity selector: 3 requests (10 selectors each at most), each value from its own collection", async () => {
    const indicators = Object.fromEntries(
      Array.from({ length: 25 }, (_, i) => [`sli${i}`, `metricSelector=calc:service.sli${i}:avg&entitySelector=${SERVICE}`]),
    );
    const { answer, sent } = await gate(indicators);
    expect(sent).toHaveLength(3);
    expect(sent.map((request) => request.query.metricSelector?.split(",").length)).toEqual([10, 10, 5]);
    expect(answer.indicatorValues.map((v) => [v.metric, v.value, v.success])).toEqual(
      Array.from({ length: 25 }, (_, i) => [`sli${i}`, i + 1, true]),
    );
  });

  it("keeps apart what differs: another entity selector, resolution or management zone is another request", async () => {
    const { answer, sent } = await gate({
      a: `metricSelector=calc:service.sli0:avg&entitySelector=${SERVICE}`,
      b: `metricSelector=calc:service.sli1:avg&entitySelector=${SERVICE}`,
      c: "metricSelector=calc:service.sli2:avg&entitySelector=type(SERVICE),tag(keptn_service:orders)",
      d: `metricSelector=calc:service.sli3:avg&entitySelector=${SERVICE}&mzSelector=mzName("shop")`,
      p95: `MV2;MicroSecond;metricSelector=builtin:service.response.time:percentile(95)&entitySelector=${SERVICE}`,
    });
    expect(sent).toHaveLength(3);
    expect(answer.indicatorValues.map((v) => [v.metric, v.value])).toEqual([
      ["a", 1],
      ["b", 2],
      ["c", 3],
      ["d", 4],
      ["p95", 250],
    ]);
  });

  it("one unknown metric fails the batch at Dynatrace: its neighbours are asked on their own and keep their values", async () => {
    const { answer, sent } = await gate({
      a: `metricSelector=calc:service.sli0:avg&entitySelector=${SERVICE}`,
      missing: `metricSelector=calc:no.such.metric&entitySelector=${SERVICE}`,
      empty: `metricSelector=calc:empty&entitySelector=${SERVICE}`,
      b: `metricSelector=calc:service.sli1:avg&entitySelector=${SERVICE}`,
    });
    expect(sent).toHaveLength(5);
    expect(answer.indicatorValues.map((v) => [v.metric, v.success ? v.value : v.message.split(";")[0]])).toEqual([
      ["a", 1],
      ["missing", "Dynatrace refused the metrics query (HTTP 404: A metric has not been found.)"],
      ["empty", "no data: the metrics query matched no series in the window"],
      ["b", 2],
    ]);
  });
});

describe("a wrong URL or token shows before the ingestion wait, not after it", () => {
  const SLO = 'objectives:\n  - sli: sli0\n    pass:\n      - criteria: ["<=10"]\ntotal_score:\n  pass: "90%"\n';
  const SLI = `indicators:\n  sli0: "metricSelector=calc:service.sli0:avg&entitySelector=${SERVICE}"\n`;
  const evaluateNow = (env: Record<string, string>) => {
    const cwd = tempDir();
    writeFiles(cwd, { "slo.yaml": SLO, "sli.yaml": SLI });
    // A window ending now: the default settle is a 2-minute wait for ingestion.
    return runCliAsync(["evaluate", "--provider", "dynatrace", "--slo", "slo.yaml", "--sli", "sli.yaml", "--timeframe", "5m"], {
      cwd,
      env: { DT_URL: dynatrace.url, ...env },
    });
  };

  it("a refused token: exit 2 at once, naming the refusal, with one request sent", async () => {
    const before = dynatrace.requests.length;
    const started = performance.now();
    const run = await evaluateNow({ DT_API_TOKEN: "dt0c01.WRONG.token-value" });
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Dynatrace refused the first request, before waiting for ingestion (HTTP 401");
    expect(run.stderr).not.toContain("dt0c01.WRONG.token-value");
    expect(dynatrace.requests.slice(before).map((request) => request.route)).toEqual(["metrics-list"]);
  }, 30_000);

  it("a URL where nothing answers: exit 1, the reason said once for the 25 SLIs it stopped", async () => {
    const cwd = tempDir();
    const names = Array.from({ length: 25 }, (_, i) => `sli${i}`);
    writeFiles(cwd, {
      "slo.yaml": `objectives:\n${names.map((sli) => `  - sli: ${sli}\n    pass: [{criteria: ["<=100"]}]`).join("\n")}\ntotal_score: {pass: "90%"}\n`,
      "sli.yaml": `indicators:\n${names.map((sli, i) => `  ${sli}: "metricSelector=calc:service.sli${i}:avg&entitySelector=${SERVICE}"`).join("\n")}\n`,
    });
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await runCliAsync(
      [..."evaluate --provider dynatrace --slo slo.yaml --sli sli.yaml --settle 0 --start".split(" "), WINDOW.start, "--end", WINDOW.end],
      { cwd, env: { DT_URL: closed, DT_API_TOKEN: TOKEN } },
    );
    expect(run.stderr).toBe(
      `slogate: error: could not evaluate: SLIs sli0, sli1, sli2, sli3, sli4 and 20 more: Dynatrace: GET ${closed}/api/v2/metrics/query failed: ECONNREFUSED; check the URL, DNS, proxy (HTTPS_PROXY/NO_PROXY) and that the service is up; exit status 1\n`,
    );
    expect(run.status).toBe(1);
  }, 30_000);

  it("a token without the scope the queries need: exit 2 at once", async () => {
    const run = await evaluateNow({ DT_API_TOKEN: SCOPELESS });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("before waiting for ingestion (HTTP 403");
  }, 30_000);
});

describe("the ingestion wait ends when the data is there", () => {
  const lagging = async (lagMs: number) =>
    new LocalDynatrace({ tokens: { [TOKEN]: ["metrics.read"] }, metrics: METRICS, ingestionLagMs: lagMs }).start();

  async function settleAndFetch(server: LocalDynatrace, settleMs: number) {
    const said: string[] = [];
    const provider = new DynatraceSliProvider({
      endpoints: dynatraceEndpoints(server.url),
      credentials: { apiToken: TOKEN },
      indicators: { sli0: `metricSelector=calc:service.sli0:avg&entitySelector=${SERVICE}` },
      labels: {},
      settleMs,
      ingestionPollMs: 500,
      onProgress: (message) => said.push(message),
    });
    const end = new Date(Date.now() - 1000).toISOString();
    const started = performance.now();
    try {
      const answer = await provider.fetch({
        indicators: ["sli0"],
        window: { start: new Date(Date.parse(end) - 300_000).toISOString(), end },
        filters: {},
      });
      return { answer, said, seconds: (performance.now() - started) / 1000 };
    } finally {
      await provider.close();
    }
  }

  it("a window that ended a second ago, data 3 s behind, a 60 s settle: queried after about 3 s", async () => {
    const server = await lagging(3000);
    try {
      const { answer, said, seconds } = await settleAndFetch(server, 60_000);
      expect(seconds).toBeGreaterThan(1);
      expect(seconds).toBeLessThan(15);
      expect(answer.indicatorValues[0]).toMatchObject({ value: 1, success: true });
      expect(said.at(-1)).toBe("Dynatrace has data for the window's last minute; querying");
      expect(said[0]).toMatch(
        /^waiting up to \d+s for Dynatrace to ingest the window's data \(over as soon as its last minute has data\); --settle 0 skips this$/,
      );
    } finally {
      await server.stop();
    }
  }, 30_000);

  it("a metric with no data in the last minute (sparse): the settle time bounds the wait, then the query runs", async () => {
    const server = await lagging(3_600_000);
    try {
      const { said, seconds } = await settleAndFetch(server, 3000);
      expect(seconds).toBeGreaterThan(1.5);
      expect(said.at(-1)).toBe("Dynatrace has had time to ingest the window; querying");
    } finally {
      await server.stop();
    }
  }, 30_000);
});
