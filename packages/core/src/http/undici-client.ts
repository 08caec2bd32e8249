/// <reference path="./undici-modules.d.ts" />
import type { Agent, Dispatcher, EnvHttpProxyAgent } from "undici";

/** The parts of undici the HTTP client uses. */
export interface UndiciClient {
  Agent: typeof Agent;
  EnvHttpProxyAgent: typeof EnvHttpProxyAgent;
  /** undici's `dispatcher.request`: one request, the whole response body left to read. */
  request(dispatcher: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
}

let direct: Promise<UndiciClient> | undefined;
let whole: Promise<UndiciClient> | undefined;

/** All of undici, through its index. */
function wholeUndici(): Promise<UndiciClient> {
  // Its default export is undici's module.exports: Node also gives its names one by one, a bundle
  // that loads undici as a chunk of its own (the GitHub Action's) gives only the default.
  whole ??= import("undici").then(({ default: undici }) => ({
    Agent: undici.Agent,
    EnvHttpProxyAgent: undici.EnvHttpProxyAgent,
    request: (dispatcher, options) => dispatcher.request(options),
  }));
  return whole;
}

/**
 * undici for the HTTP client. Its index loads all of undici — fetch, WebSocket, mock agents,
 * caches — which costs a gate ~140 ms before its first request (bench/dynatrace.bench.mjs); a
 * direct connection needs only the connection pool and the request call, which undici (no exports
 * map) lets load on their own. A proxy needs the index: it is what gives dispatchers the
 * `connect` call that tunnels HTTPS through the proxy. Should an undici release move those
 * modules, the index serves every case.
 */
export function loadUndiciClient(options: { proxied: boolean }): Promise<UndiciClient> {
  if (options.proxied) return wholeUndici();
  direct ??= Promise.all([
    import("undici/lib/dispatcher/agent.js"),
    import("undici/lib/dispatcher/env-http-proxy-agent.js"),
    import("undici/lib/api/api-request.js"),
  ]).then(
    ([agent, proxyAgent, api]): UndiciClient | Promise<UndiciClient> =>
      typeof agent.default === "function" && typeof proxyAgent.default === "function" && typeof api.default === "function"
        ? {
            Agent: agent.default,
            EnvHttpProxyAgent: proxyAgent.default,
            request: (dispatcher, requestOptions) => api.default.call(dispatcher, requestOptions),
          }
        : wholeUndici(),
    () => wholeUndici(),
  );
  return direct;
}
