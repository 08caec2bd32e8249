import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynatraceEventSink } from "../src/events/dynatrace.js";
import { dynatraceEndpoints } from "../src/sli/dynatrace/connection.js";
import { DynatraceSliProvider } from "../src/sli/dynatrace/index.js";
import { type Fault, LocalDynatrace, type Route } from "./dynatrace-server.js";

// Every fault kind against every kind of call: each cell ends in the right value after retries, or
// in an explicit failure that says why. Nothing crashes and nothing passes in silence.
const TOKEN = "dt0c01.FAULTS.token";
const CLIENT = { id: "client", secret: "client-secret" };
const WINDOW = { start: "2024-05-01T10:00:00.000Z", end: "2024-05-01T10:15:00.000Z" };
const DQL = "fetch logs | summarize n = count()";

const FAULTS: Record<string, Fault> = {
  "429 with Retry-After": { status: 429, retryAfter: "0" },
  "429 without Retry-After": { status: 429 },
  "503": { status: 503 },
  "500": { status: 500 },
  "connection reset": { reset: true },
  "malformed JSON": { malformed: true },
  "no answer in time": { delayMs: 1500 },
  "empty data": { empty: true },
};

/** What each fault leads to: "value" after a retry, or the failure's text. GETs may be retried after anything transient; POSTs only when the server surely did not act. */
const EXPECTED: Record<"get" | "post", Record<string, string>> = {
  get: {
    "429 with Retry-After": "value",
    "429 without Retry-After": "value",
    "503": "value",
    "500": "HTTP 500: injected 500",
    "connection reset": "value",
    "malformed JSON": "value",
    "no answer in time": "value",
    "empty data": "no data|has no evaluated percentage",
  },
  post: {
    "429 with Retry-After": "value",
    "429 without Retry-After": "value",
    "503": "value",
    "500": "HTTP 500: injected 500",
    "connection reset": "failed: UND_ERR_SOCKET",
    "malformed JSON": "answered with something that is not JSON",
    "no answer in time": "timed out after 400 ms",
    "empty data": "no data: the DQL query returned no records|ingested none",
  },
};

const CALLS: Array<{ name: string; route: Route; method: "get" | "post"; query?: string }> = [
  { name: "metrics", route: "metrics", method: "get", query: "metricSelector=builtin:service.response.time" },
  { name: "SLO", route: "slo", method: "get", query: "SLO;slo-1" },
  { name: "DQL", route: "dql-execute", method: "post", query: `DQL;${DQL}` },
  { name: "events", route: "events-ingest", method: "post" },
];

let dynatrace: LocalDynatrace;
beforeAll(async () => {
  dynatrace = await new LocalDynatrace({
    tokens: { [TOKEN]: ["metrics.read", "slo.read", "events.ingest"] },
    clients: { [CLIENT.id]: CLIENT.secret },
    anyMetric: [{ values: [42] }],
    slos: { "slo-1": { evaluatedPercentage: 42 } },
    dql: { [DQL]: { records: [{ n: 42 }] } },
  }).start();
});
afterAll(async () => {
  await dynatrace?.stop();
});

const credentials = () => ({
  apiToken: TOKEN,
  oauth: {
    clientId: CLIENT.id,
    clientSecret: CLIENT.secret,
    accountUrn: "urn:dtaccount:x",
    tokenUrl: `${dynatrace.url}/sso/oauth2/token`,
    scope: "storage:buckets:read",
  },
});
const http = { timeoutMs: 400, retry: { baseDelayMs: 20 } };

async function outcome(call: (typeof CALLS)[number]): Promise<string> {
  if (call.route === "events-ingest") {
    const sink = new DynatraceEventSink({ endpoints: dynatraceEndpoints(dynatrace.url), credentials: credentials(), http });
    const receipt = await sink.send({ event: { kind: "info", title: "fault" }, context: { platform: "local" } });
    await sink.close();
    return receipt.delivered ? "value" : receipt.warnings.join("; ");
  }
  const provider = new DynatraceSliProvider({
    endpoints: dynatraceEndpoints(dynatrace.url),
    credentials: credentials(),
    indicators: { probe: call.query ?? "" },
    labels: {},
    settleMs: 0,
    http,
  });
  const answer = await provider.fetch({ indicators: ["probe"], window: WINDOW, filters: {} });
  await provider.close();
  const [value] = answer.indicatorValues;
  if (value?.success) {
    expect(value.value).toBe(42);
    return "value";
  }
  expect(answer.result).toBe("fail");
  return value?.message ?? "no value at all";
}

describe("fault matrix: each fault × metrics, SLO, DQL, events", () => {
  const cells = CALLS.flatMap((call) =>
    Object.entries(FAULTS).map(([fault, injected]) => [`${call.name} × ${fault}`, call, fault, injected] as const),
  );
  it.each(cells)(
    "%s",
    async (_name, call, fault, injected) => {
      dynatrace.inject(call.route, injected);
      const result = await outcome(call);
      const expected = EXPECTED[call.method][fault] as string;
      if (expected === "value") expect(result).toBe("value");
      else expect(result).toMatch(new RegExp(expected.replaceAll(/[.*+?^${}()[\]\\]/g, "\\$&")));
    },
    30_000,
  );
});
