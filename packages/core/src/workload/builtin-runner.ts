import { performance } from "node:perf_hooks";
import type { Histogram } from "hdr-histogram-js";
import type { Dispatcher } from "undici";
import type { LiveMeasurements } from "../engine/sequential.js";
import { loadUndiciPools, type UndiciPools } from "../http/undici-client.js";
import { PairedSlices, sliceLength } from "./paired-slices.js";
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
  /**
   * The same requests, one for one, against a baseline (the version in production, say): each
   * virtual user sends a request to both targets in turn, alternating which goes first, so both see
   * the same moments and the same load.
   */
  baseline?: { target: string; endpoints: Endpoint[] };
}

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

/** One endpoint as one virtual user sends it: its connection and its request, built once. */
interface Route {
  dispatcher: Dispatcher;
  options: Dispatcher.DispatchOptions;
}

/** Every answer of a load test: the latency histogram, status counts, samples and counters. */
class LoadRecorder {
  requests = 0;
  errors = 0;
  dropped = 0;
  /** Set on cancel: a request cut short then is not an answer of the service. */
  stopped = false;
  private readonly statusCounts = new Map<number, number>();
  private readonly reservoir = new Reservoir();

  // Microseconds, so sub-millisecond answers from a local service keep their resolution.
  constructor(
    private readonly histogram: Histogram,
    /** Told every answered request's latency and when it was due (the paired comparison's slices). */
    private readonly onLatency?: (dueAt: number, latencyMs: number) => void,
  ) {}

  record(status: number, dueAt: number): void {
    if (this.stopped) return;
    this.requests++;
    this.statusCounts.set(status, (this.statusCounts.get(status) ?? 0) + 1);
    if (status === TRANSPORT_ERROR) {
      this.errors++;
      return;
    }
    if (status < 200 || status >= 400) this.errors++;
    const latency = performance.now() - dueAt;
    this.histogram.recordValue(Math.max(1, Math.round(latency * 1000)));
    this.reservoir.add(latency);
    this.onLatency?.(dueAt, latency);
  }

  /** What was measured so far, for a fail-fast look. */
  live(): Omit<LiveMeasurements, "slices"> {
    const { histogram } = this;
    return {
      requests: this.requests,
      errors: this.errors,
      latency:
        histogram.totalCount > 0
          ? {
              count: histogram.totalCount,
              mean: histogram.mean / 1000,
              sd: histogram.stdDeviation / 1000,
              atPercentile: (percentile) => histogram.getValueAtPercentile(percentile) / 1000,
            }
          : null,
    };
  }

  progress(elapsedMs: number) {
    return {
      elapsedMs,
      requests: this.requests,
      errors: this.errors,
      rps: elapsedMs > 0 ? this.requests / (elapsedMs / 1000) : 0,
      ...(this.histogram.totalCount > 0 ? { p95Ms: this.histogram.getValueAtPercentile(95) / 1000 } : {}),
    };
  }

  /** The measurements (SLIs) of the test, and the latency samples; frees the histogram. */
  finish(durationSeconds: number) {
    const { histogram } = this;
    const percentiles = Object.fromEntries(
      histogram.totalCount > 0 ? RESPONSE_TIME_PERCENTILES.map((p) => [p, histogram.getValueAtPercentile(p) / 1000]) : [],
    );
    const measured = requestMetrics({
      requests: this.requests,
      errors: this.errors,
      durationSeconds,
      percentiles,
      ...(histogram.totalCount > 0 ? { meanMs: histogram.mean / 1000 } : {}),
      statusCounts: Object.fromEntries(
        [...this.statusCounts].map(([status, count]) => [status === TRANSPORT_ERROR ? "transport_errors" : String(status), count]),
      ),
    });
    if (this.dropped > 0) {
      measured.metrics.dropped_requests = this.dropped;
      measured.units.dropped_requests = "count";
    }
    histogram.destroy();
    return { ...measured, samples: this.reservoir.responseTimeSamples() };
  }
}

/**
 * The connections and requests of a load test. Closed model: each virtual user keeps its own
 * keep-alive connection per origin, as a browser tab would. Open model: one pool per origin as
 * large as the requests allowed in flight.
 */
class Connections {
  private readonly dispatchers = new Map<string, Dispatcher>();
  private readonly routesByUser: Route[][] = [];
  private readonly endpoints: PreparedEndpoint[];
  private readonly weights: number[];
  private readonly totalWeight: number;

  constructor(
    private readonly workload: BuiltinWorkload,
    private readonly undici: UndiciPools,
    endpoints: readonly Endpoint[] = workload.endpoints,
  ) {
    this.endpoints = endpoints.map((endpoint) => {
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
    this.weights = endpoints.map((endpoint) => endpoint.weight ?? 1);
    this.totalWeight = this.weights.reduce((a, b) => a + b, 0);
  }

  /** A weighted random endpoint's index. */
  pick(): number {
    if (this.weights.length === 1) return 0;
    let r = Math.random() * this.totalWeight;
    for (let i = 0; i < this.weights.length; i++) {
      r -= this.weights[i] ?? 0;
      if (r < 0) return i;
    }
    return this.weights.length - 1;
  }

  /** A virtual user's route to an endpoint (a weighted random one by default). */
  next(vu: number, index = this.pick()): Route {
    return this.routesOf(vu)[index] as Route;
  }

  /** Ends every connection at once (a cancel) or when the test is over. */
  async destroy(): Promise<void> {
    await Promise.all([...this.dispatchers.values()].map((dispatcher) => dispatcher.destroy().catch(() => {})));
  }

  private routesOf(vu: number): Route[] {
    let routes = this.routesByUser[vu];
    if (!routes) {
      routes = this.endpoints.map((endpoint) => ({
        dispatcher: this.connection(endpoint.origin, vu),
        options: {
          origin: endpoint.origin,
          path: endpoint.path,
          method: endpoint.method as Dispatcher.HttpMethod,
          headers: { ...endpoint.headers, "x-dynatrace-test": `VU=${vu};${endpoint.testHeaderTail}` },
          ...(endpoint.body !== undefined ? { body: endpoint.body } : {}),
        },
      }));
      this.routesByUser[vu] = routes;
    }
    return routes;
  }

  private connection(origin: string, vu: number): Dispatcher {
    const { workload } = this;
    const key = workload.rate !== undefined ? origin : `${vu} ${origin}`;
    let dispatcher = this.dispatchers.get(key);
    if (!dispatcher) {
      const timeoutMs = workload.requestTimeoutMs ?? 30_000;
      const options = { keepAliveTimeout: 10_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
      dispatcher =
        workload.rate !== undefined
          ? new this.undici.Pool(origin, { ...options, connections: workload.maxInFlight ?? 100 })
          : new this.undici.Client(origin, options);
      this.dispatchers.set(key, dispatcher);
    }
    return dispatcher;
  }
}

/** How many requests may still start: until the deadline, the request count, a cancel, or a fail-fast stop. */
class RequestBudget {
  issued = 0;
  stopped = false;

  constructor(
    private readonly workload: BuiltinWorkload,
    private readonly deadline: number,
    private readonly signal: AbortSignal,
  ) {}

  more(): boolean {
    return (
      !this.signal.aborted &&
      !this.stopped &&
      performance.now() < this.deadline &&
      (this.workload.requests === undefined || this.issued < this.workload.requests)
    );
  }

  /** Counts one request when it may start. */
  take(): boolean {
    if (!this.more()) return false;
    this.issued++;
    return true;
  }
}

async function send(route: Route, dueAt: number, recorder: LoadRecorder): Promise<void> {
  recorder.record(await dispatchOnce(route.dispatcher, route.options), dueAt);
}

/** One target's connections and what it answered. */
interface Side {
  connections: Connections;
  recorder: LoadRecorder;
}

/**
 * Closed model: each virtual user sends its next request when the last is answered. With a
 * baseline, a user's turn is one request to each target, the first of the two alternating.
 */
async function runClosedModel(vus: number, candidate: Side, budget: RequestBudget, baseline?: Side): Promise<void> {
  const user = async (vu: number) => {
    let turn = vu;
    while (budget.take()) {
      if (!baseline) {
        await send(candidate.connections.next(vu), performance.now(), candidate.recorder);
        continue;
      }
      const endpoint = candidate.connections.pick();
      const [first, second] = turn++ % 2 === 0 ? [candidate, baseline] : [baseline, candidate];
      await send(first.connections.next(vu, endpoint), performance.now(), first.recorder);
      await send(second.connections.next(vu, endpoint), performance.now(), second.recorder);
    }
  };
  await Promise.all(Array.from({ length: vus }, (_, i) => user(i + 1)));
}

/**
 * Open model: `rate` requests started per second, each measured from when it was due; beyond
 * `maxInFlight` a due request is dropped (and counted), never queued.
 */
async function runOpenModel(
  workload: BuiltinWorkload & { rate: number },
  startedAt: number,
  deadline: number,
  candidate: Side,
  budget: RequestBudget,
  baseline?: Side,
): Promise<void> {
  const maxInFlight = workload.maxInFlight ?? 100;
  const interval = 1000 / workload.rate;
  const inFlight = new Set<Promise<void>>();
  let due = startedAt;
  while (budget.more()) {
    const current = performance.now();
    while (due <= current && budget.take()) {
      // With a baseline, each due moment sends the same request to both targets at once.
      const endpoint = candidate.connections.pick();
      for (const side of baseline ? [candidate, baseline] : [candidate]) {
        if (inFlight.size >= maxInFlight) side.recorder.dropped++;
        else {
          const request = send(side.connections.next(inFlight.size + 1, endpoint), due, side.recorder).finally(() =>
            inFlight.delete(request),
          );
          inFlight.add(request);
        }
      }
      due += interval;
    }
    const wait = Math.min(Math.max(due - performance.now(), 0), 10, Math.max(deadline - performance.now(), 0));
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await Promise.all(inFlight);
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
    // hdr-histogram-js is CommonJS: its default export is its module.exports, under Node and in a
    // bundle that loads it as a chunk of its own (the GitHub Action's), which gives only the default.
    const [{ default: hdr }, undici] = await Promise.all([import("hdr-histogram-js"), loadUndiciPools()]);
    const { build } = hdr;
    const { workload } = this;
    const startTime = (context.now ?? (() => new Date()))();
    const startedAt = performance.now();
    const histogram = () =>
      build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
    const slices = workload.baseline ? new PairedSlices(startedAt, sliceLength(workload.durationMs)) : undefined;
    const candidate: Side = {
      connections: new Connections(workload, undici),
      recorder: new LoadRecorder(histogram(), slices ? (at, latency) => slices.add("candidate", at, latency) : undefined),
    };
    const baseline: Side | undefined =
      workload.baseline && slices
        ? {
            connections: new Connections(workload, undici, workload.baseline.endpoints),
            recorder: new LoadRecorder(histogram(), (at, latency) => slices.add("baseline", at, latency)),
          }
        : undefined;
    const sides = baseline ? [candidate, baseline] : [candidate];
    const { recorder } = candidate;
    const destroyConnections = () => Promise.all(sides.map((side) => side.connections.destroy()));
    const deadline = workload.durationMs !== undefined ? startedAt + workload.durationMs : Number.POSITIVE_INFINITY;
    const budget = new RequestBudget(workload, deadline, context.signal);
    const progress = context.onProgress
      ? setInterval(() => context.onProgress?.(recorder.progress(performance.now() - startedAt)), PROGRESS_INTERVAL_MS)
      : undefined;
    let stop: { reason: string; atMs: number } | null = null;
    const { look } = context;
    const looks = look
      ? setInterval(() => {
          if (stop) return;
          const elapsedMs = performance.now() - startedAt;
          const fraction =
            workload.durationMs !== undefined
              ? elapsedMs / workload.durationMs
              : budget.issued / (workload.requests ?? Number.POSITIVE_INFINITY);
          const reason = look({ fraction, elapsedMs, live: { ...recorder.live(), ...(slices ? { slices: slices.result() } : {}) } });
          if (reason === null) return;
          stop = { reason, atMs: elapsedMs };
          budget.stopped = true;
        }, sliceLength(workload.durationMs))
      : undefined;
    const onAbort = () => {
      for (const side of sides) side.recorder.stopped = true;
      void destroyConnections();
    };
    context.signal.addEventListener("abort", onAbort, { once: true });
    try {
      if (workload.rate !== undefined)
        await runOpenModel({ ...workload, rate: workload.rate }, startedAt, deadline, candidate, budget, baseline);
      else await runClosedModel(workload.vus ?? 1, candidate, budget, baseline);
    } finally {
      if (progress) clearInterval(progress);
      if (looks) clearInterval(looks);
      context.signal.removeEventListener("abort", onAbort);
      await destroyConnections();
    }
    const durationSeconds = (performance.now() - startedAt) / 1000;
    const outcome = this.outcome(startTime, durationSeconds, recorder, context.signal.aborted, stop);
    if (!baseline || !workload.baseline || !slices) return outcome;
    const measured = baseline.recorder.finish(durationSeconds);
    return {
      ...outcome,
      baseline: { target: workload.baseline.target, metrics: measured.metrics, units: measured.units, slices: slices.result() },
    };
  }

  private outcome(
    startTime: Date,
    durationSeconds: number,
    recorder: LoadRecorder,
    cancelled: boolean,
    stop: { reason: string; atMs: number } | null,
  ): WorkloadOutcome {
    const { requests, dropped } = recorder;
    const measured = recorder.finish(durationSeconds);
    const planned = this.workload.durationMs !== undefined ? ` of ${this.workload.durationMs / 1000} s` : "";
    const stopped = !cancelled && stop !== null;
    const reason = cancelled
      ? "the built-in load generator was cancelled"
      : stop
        ? `fail-fast stopped the test after ${(stop.atMs / 1000).toFixed(1)} s${planned}: ${stop.reason}`
        : requests === 0
          ? "the built-in load generator sent no requests"
          : undefined;
    return {
      runner: this.type,
      name: this.name,
      start: startTime.toISOString(),
      end: new Date(startTime.getTime() + durationSeconds * 1000).toISOString(),
      status: cancelled ? "cancelled" : stopped ? "stopped" : requests === 0 ? "failed" : "completed",
      exitCode: null,
      ...(reason ? { reason } : {}),
      metrics: measured.metrics,
      units: measured.units,
      samples: measured.samples,
      notes: dropped > 0 ? [`${dropped} scheduled requests were dropped: ${this.workload.maxInFlight ?? 100} were in flight already`] : [],
    };
  }
}
