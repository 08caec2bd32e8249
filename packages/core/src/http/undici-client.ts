/// <reference path="./undici-modules.d.ts" />
import type { Agent, Client, EnvHttpProxyAgent, Pool } from "undici";

/**
 * The parts of undici the HTTP client uses. Every dispatcher has undici's request API
 * (`dispatcher.request`, and the `connect` that tunnels HTTPS through a proxy).
 */
export interface UndiciClient {
  Agent: typeof Agent;
  EnvHttpProxyAgent: typeof EnvHttpProxyAgent;
}

/** The connection pools the load generator drives. */
export interface UndiciPools {
  Pool: typeof Pool;
  Client: typeof Client;
}

let client: Promise<UndiciClient> | undefined;
let pools: Promise<UndiciPools> | undefined;

/**
 * undici's index, named through a variable so that bundlers leave it out: a bundle holds the
 * modules below, so it never needs the index, which would add fetch, WebSocket, the mock agents
 * and caches (a fifth of the Jenkins bundle) to what it compiles at every start.
 */
const UNDICI_INDEX = "undici";

/** All of undici, through its index. */
function wholeUndici(): Promise<typeof import("undici")> {
  // A CommonJS module's default export is its module.exports, under Node and in bundles alike.
  return (import(UNDICI_INDEX) as Promise<{ default: typeof import("undici") }>).then(({ default: undici }) => undici);
}

/** Each module's default export (its module.exports) if every one is a class, else nothing. */
function classesOf<T extends unknown[]>(modules: { [K in keyof T]: { default: T[K] } }): T | null {
  const classes = modules.map((module) => module.default);
  return classes.every((value) => typeof value === "function") ? (classes as T) : null;
}

/**
 * undici for the HTTP client. Its index loads all of undici — fetch, WebSocket, mock agents,
 * caches — which costs a gate ~140 ms before its first request (bench/dynatrace.bench.mjs); the
 * agents and the request API load on their own (undici has no exports map), and the API goes onto
 * the dispatchers' prototype as the index puts it there. Should an undici release move those
 * modules, the index serves.
 */
export function loadUndici(): Promise<UndiciClient> {
  client ??= Promise.all([
    import("undici/lib/dispatcher/dispatcher.js"),
    import("undici/lib/api/index.js"),
    import("undici/lib/dispatcher/agent.js"),
    import("undici/lib/dispatcher/env-http-proxy-agent.js"),
  ]).then(([dispatcher, api, agent, proxyAgent]): UndiciClient | Promise<UndiciClient> => {
    const classes = classesOf([dispatcher, agent, proxyAgent]);
    if (!classes || typeof api.default?.request !== "function") return wholeUndici();
    const [Dispatcher, Agent, EnvHttpProxyAgent] = classes;
    Object.assign(Dispatcher.prototype, api.default);
    return { Agent, EnvHttpProxyAgent };
  }, wholeUndici);
  return client;
}

/** undici's pools for the load generator, loaded on their own as the client's agents are. */
export function loadUndiciPools(): Promise<UndiciPools> {
  pools ??= Promise.all([import("undici/lib/dispatcher/pool.js"), import("undici/lib/dispatcher/client.js")]).then(
    ([pool, client]): UndiciPools | Promise<UndiciPools> => {
      const classes = classesOf([pool, client]);
      return classes ? { Pool: classes[0], Client: classes[1] } : wholeUndici();
    },
    wholeUndici,
  );
  return pools;
}
