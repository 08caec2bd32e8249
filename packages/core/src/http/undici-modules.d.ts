// undici's own modules, loaded one by one (see undici-client.ts); their types are undici's public ones.
declare module "undici/lib/dispatcher/dispatcher.js" {
  import type { Dispatcher } from "undici";

  const DispatcherClass: typeof Dispatcher;
  export default DispatcherClass;
}

declare module "undici/lib/api/index.js" {
  import type { Dispatcher } from "undici";

  /** The request API undici's index puts on every dispatcher. */
  const api: Pick<Dispatcher, "request" | "stream" | "pipeline" | "upgrade" | "connect"> | undefined;
  export default api;
}

declare module "undici/lib/dispatcher/agent.js" {
  import type { Agent } from "undici";

  const AgentClass: typeof Agent;
  export default AgentClass;
}

declare module "undici/lib/dispatcher/env-http-proxy-agent.js" {
  import type { EnvHttpProxyAgent } from "undici";

  const EnvHttpProxyAgentClass: typeof EnvHttpProxyAgent;
  export default EnvHttpProxyAgentClass;
}

declare module "undici/lib/dispatcher/pool.js" {
  import type { Pool } from "undici";

  const PoolClass: typeof Pool;
  export default PoolClass;
}

declare module "undici/lib/dispatcher/client.js" {
  import type { Client } from "undici";

  const ClientClass: typeof Client;
  export default ClientClass;
}
