import type { Agent, Dispatcher, EnvHttpProxyAgent } from "undici";

/** The parts of undici the HTTP client uses. */
export interface UndiciClient {
  Agent: typeof Agent;
  EnvHttpProxyAgent: typeof EnvHttpProxyAgent;
  /** undici's `dispatcher.request`: one request, the whole response body left to read. */
  request(dispatcher: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
}

let loading: Promise<UndiciClient> | undefined;

/**
 * undici's index loads all of undici — fetch, WebSocket, mock agents, caches, interceptors —
 * which costs a gate ~140 ms before its first request (bench/dynatrace.bench.mjs); the client
 * needs a connection pool, its proxy-aware twin and the request call. undici has no exports map,
 * so those modules load on their own; the lockfile pins the version they come from, and a gate
 * on a values file never loads them at all.
 */
export function loadUndiciClient(): Promise<UndiciClient> {
  loading ??= Promise.all([
    import("undici/lib/dispatcher/agent.js"),
    import("undici/lib/dispatcher/env-http-proxy-agent.js"),
    import("undici/lib/api/api-request.js"),
  ]).then(([agent, proxyAgent, api]) => ({
    Agent: agent.default,
    EnvHttpProxyAgent: proxyAgent.default,
    request: (dispatcher, options) => api.default.call(dispatcher, options),
  }));
  return loading;
}
