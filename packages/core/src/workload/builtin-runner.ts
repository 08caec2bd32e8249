import { performance } from "node:perf_hooks";
import type { Histogram } from "hdr-histogram-js";
import type { Dispatcher } from "undici";
import { RESPONSE_TIME_PERCENTILES, Reservoir, requestMetrics } from "./request-metrics.js";
import type { WorkloadContext, WorkloadOutcome, WorkloadRunner } from "./workload-runner.js";

export interface Endpoint {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Relative share of requests (default 1). */
  weight?: number;
  /** Test step name in the test header (default: method and path). */
  name?: string;
}

export interface BuiltinWorkload {
  name: string;
  endpoints: Endpoint[];
  /** Closed model: this many virtual users, each sending its next request when the last is answered. */
  vus?: number;
  /** Open model: requests started per second, whatever the answers take. */
  rate?: number;
  /** Open model: requests in flight at most; beyond it, a scheduled request is counted as dropped. */
  maxInFlight?: number;
  durationMs?: number;
  /** Stop after this many requests (with or without a duration). */
  requests?: number;
  /** Time limit of one request (default 30 s); an answer later than that is a transport error. */
  requestTimeoutMs?: number;
}

type Hdr = typeof import("hdr-histogram-js");
type Undici = typeof import("undici");

/** A status code, or TRANSPORT_ERROR when no answer came. */
const TRANSPORT_ERROR = -1;

/**
 * One request through undici's dispatcher interface: no response stream, no body buffering, the
 * body discarded as it arrives. A load generator spends its CPU on the load, not on itself.
 */
function dispatchOnce(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions): Promise<number> {
  return new Promise((resolve) => {
    let status = TRANSPORT_ERROR;
    dispatcher.dispatch(options, {
      onRequestStart() {},
      onResponseStart(_controller, statusCode) {
        status = statusCode;
      },
      onResponseData() {},
      onResponseEnd() {
        resolve(status);
      },
      onResponseError() {
        resolve(TRANSPORT_ERROR);
      },
    });
  });
}

const PROGRESS_INTERVAL_MS = 1000;

/**
 * `x-dynatrace-test` without the virtual user: lets backend SLIs be filtered to this test's
 * traffic. Built once per endpoint; only `VU=<n>;` is prefixed per request.
 */
export function testHeaderTail(testName: string, stepName: string): string {
  const clean = (text: string) => text.replace(/[;=\r\n]/g, " ");
  return `SI=slogate;TSN=${clean(stepName)};LSN=${clean(testName)};LTN=${clean(testName)}`;
}

interface PreparedEndpoint {
  origin: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  testHeaderTail: string;
}

/**
 * An HTTP load generator on undici's pooled keep-alive connections, with latencies in an HDR
 * histogram. The closed model keeps `vus` requests in flight; the open model starts `rate`
 * requests per second and measures each from when it was due, so a slow server cannot hide its
 * queueing delay (coordinated omission).
 */
export class BuiltinRunner implements WorkloadRunner {
  readonly type = "builtin";
  readonly name: string;

  constructor(private readonly workload: BuiltinWorkload) {
    this.name = workload.name;
  }

  async run(context: WorkloadContext): Promise<WorkloadOutcome> {
    const [{ build }, { Client, Pool }] = (await Promise.all([import("hdr-histogram-js"), import("undici")])) as [Hdr, Undici];
    const { workload } = this;
    const vus = workload.vus ?? 1;
    const timeoutMs = workload.requestTimeoutMs ?? 30_000;
    const connectionOptions = { keepAliveTimeout: 10_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
    // Closed model: each virtual user keeps its own keep-alive connection per origin, as a
    // browser tab would. Open model: a pool as large as the requests allowed in flight.
    const dispatcherFor = new Map<string, Dispatcher>();
    const connection = (origin: string, vu: number): Dispatcher => {
      const key = workload.rate !== undefined ? origin : `${vu} ${origin}`;
      let dispatcher = dispatcherFor.get(key);
      if (!dispatcher) {
        dispatcher =
          workload.rate !== undefined
            ? new Pool(origin, { ...connectionOptions, connections: workload.maxInFlight ?? 100 })
            : new Client(origin, connectionOptions);
        dispatcherFor.set(key, dispatcher);
      }
      return dispatcher;
    };
    const endpoints: PreparedEndpoint[] = workload.endpoints.map((endpoint) => {
      const url = new URL(endpoint.url);
      const method = (endpoint.method ?? "GET").toUpperCase();
      return {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method,
        headers: endpoint.headers ?? {},
        body: endpoint.body,
        testHeaderTail: testHeaderTail(workload.name, endpoint.name ?? `${method} ${url.pathname}`),
      };
    });
    const weights = workload.endpoints.map((endpoint) => endpoint.weight ?? 1);
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    const pick = (): number => {
      if (endpoints.length === 1) return 0;
      let r = Math.random() * totalWeight;
      for (let i = 0; i < endpoints.length; i++) {
        r -= weights[i] ?? 0;
        if (r < 0) return i;
      }
      return endpoints.length - 1;
    };

    // Microseconds, so sub-millisecond answers from a local service keep their resolution.
    const histogram: Histogram = build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: 60_000_000,
      numberOfSignificantValueDigits: 3,
      autoResize: true,
    });
    const statusCounts = new Map<number, number>();
    const reservoir = new Reservoir();
    let requests = 0;
    let errors = 0;
    let dropped = 0;
    let stopped = false;

    const now = context.now ?? (() => new Date());
    const startTime = now();
    const startedAt = performance.now();
    const deadline = workload.durationMs !== undefined ? startedAt + workload.durationMs : Number.POSITIVE_INFINITY;
    let issued = 0;
    const canIssue = () =>
      !context.signal.aborted && performance.now() < deadline && (workload.requests === undefined || issued < workload.requests);

    interface Route {
      dispatcher: Dispatcher;
      options: Dispatcher.DispatchOptions;
    }
    // Each user's connection and request per endpoint, built once: the loop only dispatches.
    const routesByUser: Route[][] = [];
    const routesOf = (vu: number): Route[] => {
      let routes = routesByUser[vu];
      if (!routes) {
        routes = endpoints.map((endpoint) => ({
          dispatcher: connection(endpoint.origin, vu),
          options: {
            origin: endpoint.origin,
            path: endpoint.path,
            method: endpoint.method as Dispatcher.HttpMethod,
            headers: { ...endpoint.headers, "x-dynatrace-test": `VU=${vu};${endpoint.testHeaderTail}` },
            ...(endpoint.body !== undefined ? { body: endpoint.body } : {}),
          },
        }));
        routesByUser[vu] = routes;
      }
      return routes;
    };
    const send = async (route: Route, dueAt: number) => {
      const status = await dispatchOnce(route.dispatcher, route.options);
      // A request cut short by a cancel is not an answer of the service.
      if (stopped) return;
      requests++;
      statusCounts.set(status, (statusCounts.get(status) ?? 0) + 1);
      if (status === TRANSPORT_ERROR) {
        errors++;
        return;
      }
      if (status < 200 || status >= 400) errors++;
      const latency = performance.now() - dueAt;
      histogram.recordValue(Math.max(1, Math.round(latency * 1000)));
      reservoir.add(latency);
    };

    const progress = context.onProgress
      ? setInterval(() => {
          const elapsedMs = performance.now() - startedAt;
          context.onProgress?.({
            elapsedMs,
            requests,
            errors,
            rps: elapsedMs > 0 ? requests / (elapsedMs / 1000) : 0,
            ...(histogram.totalCount > 0 ? { p95Ms: histogram.getValueAtPercentile(95) / 1000 } : {}),
          });
        }, PROGRESS_INTERVAL_MS)
      : undefined;
    const onAbort = () => {
      stopped = true;
      for (const dispatcher of dispatcherFor.values()) void dispatcher.destroy().catch(() => {});
    };
    context.signal.addEventListener("abort", onAbort, { once: true });
    try {
      if (workload.rate !== undefined) {
        const maxInFlight = workload.maxInFlight ?? 100;
        const interval = 1000 / workload.rate;
        const inFlight = new Set<Promise<void>>();
        let due = startedAt;
        while (canIssue()) {
          const current = performance.now();
          while (due <= current && canIssue()) {
            issued++;
            if (inFlight.size >= maxInFlight) {
              dropped++;
            } else {
              const request = send(routesOf(inFlight.size + 1)[pick()] as Route, due).finally(() => inFlight.delete(request));
              inFlight.add(request);
            }
            due += interval;
          }
          const wait = Math.min(Math.max(due - performance.now(), 0), 10, Math.max(deadline - performance.now(), 0));
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
        await Promise.all(inFlight);
      } else {
        const user = async (vu: number) => {
          const routes = routesOf(vu);
          while (canIssue()) {
            issued++;
            await send(routes[pick()] as Route, performance.now());
          }
        };
        await Promise.all(Array.from({ length: vus }, (_, i) => user(i + 1)));
      }
    } finally {
      if (progress) clearInterval(progress);
      context.signal.removeEventListener("abort", onAbort);
      await Promise.all([...dispatcherFor.values()].map((dispatcher) => dispatcher.destroy().catch(() => {})));
    }
    const durationSeconds = (performance.now() - startedAt) / 1000;
    const percentiles = Object.fromEntries(
      histogram.totalCount > 0 ? RESPONSE_TIME_PERCENTILES.map((p) => [p, histogram.getValueAtPercentile(p) / 1000]) : [],
    );
    const measured = requestMetrics({
      requests,
      errors,
      durationSeconds,
      percentiles,
      ...(histogram.totalCount > 0 ? { meanMs: histogram.mean / 1000 } : {}),
      statusCounts: Object.fromEntries(
        [...statusCounts].map(([status, count]) => [status === TRANSPORT_ERROR ? "transport_errors" : String(status), count]),
      ),
    });
    if (dropped > 0) {
      measured.metrics.dropped_requests = dropped;
      measured.units.dropped_requests = "count";
    }
    histogram.destroy();
    const cancelled = context.signal.aborted;
    const reason = cancelled
      ? "the built-in load generator was cancelled"
      : requests === 0
        ? "the built-in load generator sent no requests"
        : undefined;
    return {
      runner: this.type,
      name: this.name,
      start: startTime.toISOString(),
      end: new Date(startTime.getTime() + durationSeconds * 1000).toISOString(),
      status: cancelled ? "cancelled" : requests === 0 ? "failed" : "completed",
      exitCode: null,
      ...(reason ? { reason } : {}),
      metrics: measured.metrics,
      units: measured.units,
      samples: reservoir.responseTimeSamples(),
      notes: dropped > 0 ? [`${dropped} scheduled requests were dropped: ${workload.maxInFlight ?? 100} were in flight already`] : [],
    };
  }
}
