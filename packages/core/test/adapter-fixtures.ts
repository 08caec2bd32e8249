import { LocalDynatrace } from "./dynatrace-server.js";

/**
 * The gate every CI adapter's tests run: response time (300 ms from the local Dynatrace) against
 * `responseTime`, error rate (0.5) below 1. `<=350` passes, `<=250` warns (score 75).
 */
export function adapterSlo(responseTime: string): string {
  return `objectives:
  - sli: response_time
    pass:
      - criteria: ["${responseTime}"]
    warning:
      - criteria: ["<=400"]
  - sli: error_rate
    pass:
      - criteria: ["<1"]
total_score:
  pass: "90%"
  warning: "50%"
`;
}

/** adapterSlo with both blocks missed: fail with score 50. */
export const FAILING_ADAPTER_SLO = adapterSlo("<=100").replace("<=400", "<=200").replace('warning: "50%"', 'warning: "75%"');

export const ADAPTER_SLI =
  "indicators:\n  response_time: MV2;MicroSecond;metricSelector=builtin:service.response.time\n  error_rate: metricSelector=builtin:service.errors.total.rate\n";

/** An SLO on the built-in load generator's SLIs, for `mode: run`. */
export const LOAD_TEST_SLO = `objectives:
  - sli: error_rate
    key_sli: true
    pass:
      - criteria: ["<=0.01"]
  - sli: throughput
    pass:
      - criteria: [">=1"]
total_score:
  pass: "90%"
  warning: "75%"
`;

/** The local Dynatrace the adapter tests use, seeded for adapterSlo, with these tokens. */
export function adapterDynatrace(tokens: Record<string, string[]>): Promise<LocalDynatrace> {
  return new LocalDynatrace({
    tokens,
    metrics: {
      "builtin:service.response.time": [{ values: [300_000] }],
      "builtin:service.errors.total.rate": [{ values: [0.5] }],
    },
  }).start();
}

/** The DQL query the platform-credential tests gate on: no errors in the window. */
export const OAUTH_DQL_QUERY = "fetch logs | summarize errors = count()";

/** A local Dynatrace that knows one OAuth client and answers OAUTH_DQL_QUERY with no errors. */
export function oauthDynatrace(clientId: string, secret: string): Promise<LocalDynatrace> {
  return new LocalDynatrace({ clients: { [clientId]: secret }, dql: { [OAUTH_DQL_QUERY]: { records: [{ errors: 0 }] } } }).start();
}
