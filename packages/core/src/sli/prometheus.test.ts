import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { json, type LocalServer, localServer } from "../../test/local-server.js";
import { runCliAsync, tempDir, writeFiles } from "../../test/support.js";
import { defaultPrometheusQuery, PrometheusSliProvider } from "./prometheus.js";

const WINDOW = { start: "2024-03-01T10:00:00.000Z", end: "2024-03-01T10:10:00.000Z" };
const vector = (value: string) => ({
  status: "success",
  data: { resultType: "vector", result: [{ metric: {}, value: [1709287800, value] }] },
});

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("PrometheusSliProvider on the wire", () => {
  it("asks for an instant query at the window end and sends bearer auth", async () => {
    server = await localServer((_request, response) => json(response, 200, vector("3.5")));
    const provider = new PrometheusSliProvider({
      url: `${server.url}/prom/`,
      indicators: { rt: "avg(rt[$DURATION_SECONDS])" },
      labels: {},
      auth: { bearerToken: "tok-123456" },
    });
    const answer = await provider.fetch({ indicators: ["rt"], window: WINDOW, filters: {} });
    await provider.close();
    expect(answer).toEqual({
      status: "succeeded",
      result: "pass",
      message: "",
      indicatorValues: [{ metric: "rt", value: 3.5, success: true, message: "" }],
      queries: { rt: "avg(rt[600s])" },
    });
    const request = server.requests[0];
    expect(request?.url).toBe("/prom/api/v1/query?query=avg%28rt%5B600s%5D%29&time=1709287800");
    expect(request?.headers.authorization).toBe("Bearer tok-123456");
  });

  it("sends basic auth", async () => {
    server = await localServer((_request, response) =>
      json(response, 200, { status: "success", data: { resultType: "scalar", result: [1709287800, "7"] } }),
    );
    const provider = new PrometheusSliProvider({
      url: server.url,
      indicators: { n: "scalar(1)" },
      labels: {},
      auth: { username: "gate", password: "pa55word" },
    });
    const answer = await provider.fetch({ indicators: ["n"], window: WINDOW, filters: {} });
    await provider.close();
    expect(answer.indicatorValues).toEqual([{ metric: "n", value: 7, success: true, message: "" }]);
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from("gate:pa55word").toString("base64")}`);
  });

  it("fails an SLI that times out, and the others still arrive", async () => {
    server = await localServer((request, response) => {
      if (!request.url?.includes("slow")) json(response, 200, vector("1"));
    });
    const provider = new PrometheusSliProvider({
      url: server.url,
      indicators: { slow: "slow", quick: "quick" },
      labels: {},
      http: { timeoutMs: 150, retry: { retries: 1, baseDelayMs: 1 } },
    });
    const answer = await provider.fetch({ indicators: ["slow", "quick"], window: WINDOW, filters: {} });
    await provider.close();
    expect(answer.result).toBe("fail");
    expect(answer.indicatorValues[0]).toEqual({
      metric: "slow",
      value: 0,
      success: false,
      message: `Prometheus: GET ${server.url}/api/v1/query timed out after 150 ms; the service did not answer in time; raise the timeout or check its load; query: slow`,
    });
    expect(answer.indicatorValues[1]).toEqual({ metric: "quick", value: 1, success: true, message: "" });
  });

  it("builds Keptn's default queries from the labels and the SLO filter", () => {
    const context = {
      window: WINDOW,
      labels: { project: "p", stage: "s", service: "svc" },
      filters: { handler: "=~Items.*", method: "GET" },
    };
    expect(defaultPrometheusQuery("error_rate", context)).toBe(
      "sum(rate(http_requests_total{job='svc-p-s-canary',handler=~Items.*,method='GET',status!~'2..'}[600s]))/sum(rate(http_requests_total{job='svc-p-s-canary',handler=~Items.*,method='GET'}[600s]))",
    );
    expect(defaultPrometheusQuery("throughput", { ...context, filters: { job: "checkout" } })).toBe(
      "sum(rate(http_requests_total{job='checkout'}[600s]))",
    );
    expect(defaultPrometheusQuery("response_time_p95", context)).toBe(
      "histogram_quantile(0.95,sum(rate(http_response_time_milliseconds_bucket{job='svc-p-s-canary',handler=~Items.*,method='GET'}[600s]))by(le))",
    );
    expect(defaultPrometheusQuery("cpu", context)).toBeUndefined();
  });

  it("keeps the token out of everything the CLI writes, even when the server echoes it", async () => {
    const token = "canary-7d1e0f3a9b";
    server = await localServer((request, response) =>
      json(response, 401, { status: "error", errorType: "unauthorized", error: `bad ${request.headers.authorization}` }),
    );
    const directory = tempDir();
    writeFiles(directory, {
      "slo.yaml": "objectives:\n  - sli: up\n    pass:\n      - criteria: ['=1']\ntotal_score: {pass: '90%'}\n",
      "sli.yaml": "indicators:\n  up: up\n",
    });
    const run = await runCliAsync(
      [
        "evaluate",
        "--provider",
        "prometheus",
        "--sli",
        "sli.yaml",
        "--slo",
        "slo.yaml",
        "--timeframe",
        "5m",
        "--report-json",
        "r.json",
        "--report-md",
        "r.md",
        "--report-junit",
        "r.xml",
        "--format",
        "keptn",
      ],
      { cwd: directory, env: { PROMETHEUS_URL: server.url, PROMETHEUS_TOKEN: token } },
    );
    // A refused token is a configuration to fix: exit 2, the reason, and no report that could pass for a verdict.
    expect(run.status).toBe(2);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${token}`);
    expect(run.stderr).toBe(
      "slogate: the backend refused the request: Prometheus: SLI up: Prometheus refused the query (unauthorized: bad Bearer ***); check PROMETHEUS_TOKEN or the basic-auth credentials; check the token or credentials\n",
    );
    expect(["r.json", "r.md", "r.xml"].filter((f) => existsSync(join(directory, f)))).toEqual([]);
    for (const text of [run.stdout, run.stderr]) expect(text).not.toContain(token);
  });
});
