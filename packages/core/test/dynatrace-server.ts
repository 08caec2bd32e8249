import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A local Dynatrace for tests: the routes slogate calls, with Dynatrace's auth rules, error
 * envelope and answer shapes (../shared/reference/dynatrace-api.md §8), seeded data, and faults
 * injected per route.
 */

export type Route =
  | "metrics"
  | "metrics-list"
  | "metric-descriptor"
  | "slo-list"
  | "slo"
  | "slo-create"
  | "slo-update"
  | "slo-delete"
  | "problems"
  | "problem"
  | "settings-objects"
  | "settings-create"
  | "settings-update"
  | "settings-delete"
  | "usql"
  | "synthetic-monitors"
  | "synthetic-monitor"
  | "synthetic-monitor-create"
  | "synthetic-monitor-update"
  | "synthetic-monitor-delete"
  | "synthetic-locations"
  | "synthetic-batch"
  | "synthetic-batch-status"
  | "synthetic-execution"
  | "dashboards"
  | "dashboard"
  | "dashboard-create"
  | "dashboard-update"
  | "dashboard-delete"
  | "problem-comments"
  | "problem-comment"
  | "securityProblems"
  | "events-ingest"
  | "events-list"
  | "dql-execute"
  | "dql-poll"
  | "oauth";

export interface Fault {
  status?: number;
  retryAfter?: string;
  delayMs?: number;
  /** Drop the connection without an answer. */
  reset?: boolean;
  /** Answer 200 with a body that is not JSON. */
  malformed?: boolean;
  /** Answer 200 with the route's shape but nothing in it. */
  empty?: boolean;
}

export interface SeededSeries {
  dimensionMap?: Record<string, string | null>;
  values: Array<number | null>;
}

export interface DynatraceSeed {
  /** Api-Token → scopes. */
  tokens?: Record<string, string[]>;
  /** OAuth clients: id → secret. */
  clients?: Record<string, string>;
  oauthLifetimeSeconds?: number;
  /** metricSelector → series; `(sel):fold` and resolution=Inf fold each series to its mean. */
  metrics?: Record<string, SeededSeries[]>;
  /** A metric's unit in its descriptor (GET /api/v2/metrics/{selector}); unseeded metrics are Unspecified. */
  metricUnits?: Record<string, string>;
  /** Answer for selectors not seeded; undefined means 404 "metric not found". */
  anyMetric?: SeededSeries[];
  /** How long data takes to be queryable: data points younger than this read as null. */
  ingestionLagMs?: number;
  slos?: Record<string, Record<string, unknown>>;
  problems?: number;
  /** Dashboards API v1: dashboards by id (a UUID), as Dynatrace stores them. */
  dashboards?: Record<
    string,
    { dashboardMetadata: { name: string; owner?: string; tags?: string[]; dashboardFilter?: unknown }; tiles: unknown[] }
  >;
  /** Synthetic: public locations (entity id → capabilities); monitors are created through the API. */
  syntheticLocations?: Array<{ entityId: string; name: string; capabilities?: string[]; status?: string }>;
  /** How long an on-demand execution takes before its result is there. */
  syntheticDelayMs?: number;
  /** User sessions queries (USQL) → their table; any other query answers an empty table. */
  usql?: Record<string, { columnNames: string[]; values: unknown[][] }>;
  /** Problems API v2 details by problemId (comments start empty; tests may close a problem). */
  problemDetails?: Record<string, SeededProblem>;
  securityProblems?: number;
  /** DQL query → records, and how many polls answer RUNNING first. */
  dql?: Record<string, { records: unknown[]; polls?: number; state?: string }>;
  /** Accepted events get this many reports (0 to test the warning). */
  reportCount?: number;
  /** How long an ingested event takes to show in GET /api/v2/events (eventual consistency). */
  eventsLagMs?: number;
  /** Every answer waits this long (a distant tenant, for benchmarks). */
  latencyMs?: number;
}

export interface SeededProblem {
  displayId: string;
  title: string;
  status: "OPEN" | "CLOSED";
  impactLevel?: string;
  severityLevel?: string;
  rootCauseEntity?: { entityId: { id: string; type: string }; name: string } | null;
  affectedEntities?: Array<{ entityId: { id: string; type: string }; name: string }>;
}

export interface StoredComment {
  id: string;
  createdAtTimestamp: number;
  authorName: string;
  content: string;
  context: string;
}

export interface RecordedRequest {
  route: Route | "unknown";
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage["headers"];
  body: string;
  /** Requests in flight (received, not yet answered) when this one arrived, itself included. */
  inFlight: number;
}

const SCOPE: Partial<Record<Route, string>> = {
  metrics: "metrics.read",
  "metrics-list": "metrics.read",
  "metric-descriptor": "metrics.read",
  "slo-list": "slo.read",
  slo: "slo.read",
  "slo-create": "slo.write",
  "slo-update": "slo.write",
  "slo-delete": "slo.write",
  problems: "problems.read",
  problem: "problems.read",
  "settings-objects": "settings.read",
  "settings-create": "settings.write",
  "settings-update": "settings.write",
  "settings-delete": "settings.write",
  usql: "DTAQLAccess",
  "synthetic-monitors": "ExternalSyntheticIntegration",
  "synthetic-monitor": "ExternalSyntheticIntegration",
  "synthetic-monitor-create": "ExternalSyntheticIntegration",
  "synthetic-monitor-update": "ExternalSyntheticIntegration",
  "synthetic-monitor-delete": "ExternalSyntheticIntegration",
  "synthetic-locations": "ExternalSyntheticIntegration",
  "synthetic-batch": "ExternalSyntheticIntegration",
  "synthetic-batch-status": "ExternalSyntheticIntegration",
  "synthetic-execution": "ExternalSyntheticIntegration",
  dashboards: "ReadConfig",
  dashboard: "ReadConfig",
  "dashboard-create": "WriteConfig",
  "dashboard-update": "WriteConfig",
  "dashboard-delete": "WriteConfig",
  "problem-comments": "problems.read",
  "problem-comment": "problems.write",
  securityProblems: "securityProblems.read",
  "events-ingest": "events.ingest",
  "events-list": "events.read",
};

const EVENT_TYPES = new Set([
  "AVAILABILITY_EVENT",
  "CUSTOM_ALERT",
  "CUSTOM_ANNOTATION",
  "CUSTOM_CONFIGURATION",
  "CUSTOM_DEPLOYMENT",
  "CUSTOM_INFO",
  "ERROR_EVENT",
  "MARKED_FOR_TERMINATION",
  "PERFORMANCE_EVENT",
  "RESOURCE_CONTENTION_EVENT",
]);

/** What each route answers when it has nothing to say. */
const EMPTY: Record<Route, unknown> = {
  "metrics-list": { totalCount: 0, nextPageKey: null, metrics: [] },
  "metric-descriptor": {},
  "slo-list": { totalCount: 0, pageSize: 1, nextPageKey: null, slo: [] },
  "slo-create": {},
  "slo-update": {},
  "slo-delete": {},
  metrics: { totalCount: 0, nextPageKey: null, resolution: "Inf", warnings: [], result: [{ metricId: "x", data: [], warnings: [] }] },
  slo: { id: "x", evaluatedPercentage: -1, error: "NONE", status: "SUCCESS" },
  problems: { totalCount: 0, problems: [] },
  problem: {},
  "settings-objects": { items: [], totalCount: 0, pageSize: 100, nextPageKey: null },
  "settings-create": [],
  "settings-update": {},
  "settings-delete": {},
  usql: { extrapolationLevel: 1, columnNames: [], values: [] },
  "synthetic-monitors": { monitors: [] },
  "synthetic-monitor": {},
  "synthetic-monitor-create": {},
  "synthetic-monitor-update": {},
  "synthetic-monitor-delete": {},
  "synthetic-locations": { locations: [] },
  "synthetic-batch": {},
  "synthetic-batch-status": {},
  "synthetic-execution": {},
  dashboards: { dashboards: [] },
  dashboard: {},
  "dashboard-create": {},
  "dashboard-update": {},
  "dashboard-delete": {},
  "problem-comments": { totalCount: 0, pageSize: 10, nextPageKey: null, comments: [] },
  "problem-comment": {},
  securityProblems: { totalCount: 0, securityProblems: [] },
  "events-ingest": { reportCount: 0, eventIngestResults: [] },
  "events-list": { totalCount: 0, events: [] },
  "dql-execute": { state: "SUCCEEDED", result: { records: [] } },
  "dql-poll": { state: "SUCCEEDED", result: { records: [] } },
  oauth: {},
};

function envelope(response: ServerResponse, code: number, message: string, extra: Record<string, string> = {}): void {
  response.writeHead(code, { "content-type": "application/json", ...extra });
  response.end(JSON.stringify({ error: { code, message } }));
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

function mean(values: Array<number | null>): number | null {
  const numbers = values.filter((v): v is number => v !== null);
  return numbers.length === 0 ? null : numbers.reduce((a, b) => a + b, 0) / numbers.length;
}

function routeOf(method: string, path: string): Route | "unknown" {
  if (method === "POST" && path.endsWith("/sso/oauth2/token")) return "oauth";
  if (method === "POST" && path === "/platform/storage/query/v1/query:execute") return "dql-execute";
  if (method === "GET" && path === "/platform/storage/query/v1/query:poll") return "dql-poll";
  const api = path.replace(/^\/e\/[^/]+/, "").replace(/^\/platform\/classic\/environment-api/, "/api");
  if (method === "GET" && api === "/api/v2/metrics/query") return "metrics";
  if (method === "GET" && api === "/api/v2/metrics") return "metrics-list";
  if (method === "GET" && /^\/api\/v2\/metrics\/[^/]+$/.test(api)) return "metric-descriptor";
  if (method === "GET" && api === "/api/v2/slo") return "slo-list";
  if (method === "POST" && api === "/api/v2/slo") return "slo-create";
  if (method === "GET" && api.startsWith("/api/v2/slo/")) return "slo";
  if (method === "PUT" && /^\/api\/v2\/slo\/[^/]+$/.test(api)) return "slo-update";
  if (method === "DELETE" && /^\/api\/v2\/slo\/[^/]+$/.test(api)) return "slo-delete";
  if (method === "GET" && api === "/api/v2/problems") return "problems";
  if (api === "/api/v2/settings/objects") return method === "POST" ? "settings-create" : "settings-objects";
  if (/^\/api\/v2\/settings\/objects\/[^/]+$/.test(api)) return method === "DELETE" ? "settings-delete" : "settings-update";
  if (method === "GET" && api === "/api/v1/userSessionQueryLanguage/table") return "usql";
  if (api === "/api/v1/synthetic/monitors") return method === "POST" ? "synthetic-monitor-create" : "synthetic-monitors";
  if (/^\/api\/v1\/synthetic\/monitors\/[^/]+$/.test(api)) {
    if (method === "PUT") return "synthetic-monitor-update";
    if (method === "DELETE") return "synthetic-monitor-delete";
    return "synthetic-monitor";
  }
  if (method === "GET" && api === "/api/v1/synthetic/locations") return "synthetic-locations";
  if (method === "POST" && api === "/api/v2/synthetic/executions/batch") return "synthetic-batch";
  if (method === "GET" && /^\/api\/v2\/synthetic\/executions\/batch\/[^/]+$/.test(api)) return "synthetic-batch-status";
  if (method === "GET" && /^\/api\/v2\/synthetic\/executions\/[^/]+(\/fullReport)?$/.test(api)) return "synthetic-execution";
  if (method === "GET" && api === "/api/config/v1/dashboards") return "dashboards";
  if (method === "POST" && api === "/api/config/v1/dashboards") return "dashboard-create";
  if (/^\/api\/config\/v1\/dashboards\/[^/]+$/.test(api)) {
    if (method === "GET") return "dashboard";
    if (method === "PUT") return "dashboard-update";
    if (method === "DELETE") return "dashboard-delete";
  }
  if (method === "GET" && /^\/api\/v2\/problems\/[^/]+$/.test(api)) return "problem";
  if (method === "GET" && /^\/api\/v2\/problems\/[^/]+\/comments$/.test(api)) return "problem-comments";
  if (method === "POST" && /^\/api\/v2\/problems\/[^/]+\/comments$/.test(api)) return "problem-comment";
  if (method === "GET" && api === "/api/v2/securityProblems") return "securityProblems";
  if (method === "POST" && api === "/api/v2/events/ingest") return "events-ingest";
  if (method === "GET" && api === "/api/v2/events") return "events-list";
  return "unknown";
}

export class LocalDynatrace {
  readonly requests: RecordedRequest[] = [];
  readonly events: Array<Record<string, unknown>> = [];
  /** Settings 2.0 objects by objectId. */
  readonly settings = new Map<string, { schemaId: string; value: Record<string, unknown> }>();
  /** Synthetic monitors by entity id, as created through the API. */
  readonly monitors = new Map<string, Record<string, unknown>>();
  private readonly batches = new Map<string, { executions: string[] }>();
  private readonly executions = new Map<
    string,
    { monitorId: string; locationId: string; batchId: string; stage: string; simpleResults?: Record<string, unknown>; failure?: string }
  >();
  /** When each stored event was ingested (events become readable eventsLagMs later). */
  private readonly ingestedAt = new Map<Record<string, unknown>, number>();
  /** Comments on problems, by problemId, oldest first. */
  readonly comments = new Map<string, StoredComment[]>();
  private readonly faults = new Map<Route, Fault[]>();
  private inFlight = 0;
  private readonly issued = new Map<string, number>();
  private readonly running = new Map<string, { query: string; pollsLeft: number }>();
  private readonly sockets = new Set<Socket>();
  private server = createServer((request, response) => this.handle(request, response));
  url = "";

  constructor(public seed: DynatraceSeed) {
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Faults answered, in order, by the next requests to `route`. */
  inject(route: Route, ...faults: Fault[]): void {
    this.faults.set(route, [...(this.faults.get(route) ?? []), ...faults]);
  }

  /** Drops faults not answered yet, so one test's storm does not reach the next. */
  clearFaults(): void {
    this.faults.clear();
  }

  requestsTo(route: Route): RecordedRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://local");
      const route = routeOf(request.method ?? "", url.pathname);
      this.inFlight++;
      response.once("close", () => this.inFlight--);
      const recorded: RecordedRequest = {
        route,
        method: request.method ?? "",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: request.headers,
        body,
        inFlight: this.inFlight,
      };
      this.requests.push(recorded);
      const fault = route === "unknown" ? undefined : this.faults.get(route)?.shift();
      const latency = this.seed.latencyMs ?? 0;
      const answer = () =>
        latency > 0 ? setTimeout(() => this.answer(route, recorded, response), latency) : this.answer(route, recorded, response);
      if (!fault) return answer();
      setTimeout(() => {
        if (fault.reset) {
          request.socket.destroy();
          return;
        }
        if (fault.malformed) {
          response.writeHead(200, { "content-type": "application/json" });
          response.end("{not json");
          return;
        }
        if (fault.status)
          return envelope(response, fault.status, `injected ${fault.status}`, fault.retryAfter ? { "retry-after": fault.retryAfter } : {});
        if (fault.empty) return send(response, route === "events-ingest" ? 201 : 200, EMPTY[route as Route]);
        answer();
      }, fault.delayMs ?? 0);
    });
  }

  /** Dynatrace's rules: Api-Token for /api, Bearer for /platform; 401 without a known token, 403 without the scope. */
  private authorised(route: Route, recorded: RecordedRequest, response: ServerResponse): boolean {
    const header = String(recorded.headers.authorization ?? "");
    const platform = recorded.path.startsWith("/platform/");
    if (platform) {
      const token = /^Bearer (.+)$/.exec(header)?.[1];
      const expires = token ? this.issued.get(token) : undefined;
      const platformTokens = this.seed.tokens ?? {};
      if (!token || (expires === undefined && !(token in platformTokens)) || (expires !== undefined && expires < Date.now())) {
        envelope(response, 401, "Authentication failed: missing or expired bearer token.");
        return false;
      }
      return true;
    }
    const token = /^Api-Token (.+)$/.exec(header)?.[1];
    const scopes = token ? this.seed.tokens?.[token] : undefined;
    if (!scopes) {
      envelope(response, 401, "The token authentication has failed.");
      return false;
    }
    const scope = SCOPE[route];
    if (scope && !scopes.includes(scope)) {
      envelope(response, 403, `Token is missing required scope. Use one of: ${scope}`);
      return false;
    }
    return true;
  }

  private answer(route: Route | "unknown", recorded: RecordedRequest, response: ServerResponse): void {
    if (route === "unknown") return envelope(response, 404, `no such route: ${recorded.method} ${recorded.path}`);
    if (route === "oauth") return this.oauth(recorded, response);
    if (!this.authorised(route, recorded, response)) return;
    const q = recorded.query;
    switch (route) {
      case "metrics":
        return this.metrics(q, response);
      case "metric-descriptor":
        return this.metricDescriptor(recorded, response);
      case "metrics-list":
        return send(response, 200, EMPTY[route]);
      case "slo-list":
      case "slo-create":
      case "slo-update":
      case "slo-delete":
        return this.sloObjects(route, recorded, response);
      case "slo": {
        const id = decodeURIComponent(recorded.path.split("/").pop() ?? "");
        const slo = this.seed.slos?.[id];
        if (!slo) return envelope(response, 404, `SLO with ID '${id}' not found.`);
        return send(response, 200, { id, status: "SUCCESS", error: "NONE", ...slo });
      }
      case "problems":
        return send(response, 200, { totalCount: this.seed.problems ?? 0, pageSize: 50, problems: [], warnings: [] });
      case "dashboards":
      case "dashboard":
      case "dashboard-create":
      case "dashboard-update":
      case "dashboard-delete":
        return this.dashboard(route, recorded, response);
      case "synthetic-monitors":
      case "synthetic-monitor":
      case "synthetic-monitor-create":
      case "synthetic-monitor-update":
      case "synthetic-monitor-delete":
      case "synthetic-locations":
      case "synthetic-batch":
      case "synthetic-batch-status":
      case "synthetic-execution":
        return this.synthetic(route, recorded, response);
      case "usql": {
        if (!q.query) return envelope(response, 400, "query must not be null");
        if (!q.startTimestamp && q.explain !== "true") return envelope(response, 400, "startTimestamp must not be null");
        return send(response, 200, { extrapolationLevel: 1, ...(this.seed.usql?.[q.query] ?? { columnNames: [], values: [] }) });
      }
      case "settings-objects":
      case "settings-create":
      case "settings-update":
      case "settings-delete":
        return this.settingsObjects(route, recorded, response);
      case "problem":
      case "problem-comments":
      case "problem-comment":
        return this.problem(route, recorded, response);
      case "securityProblems":
        return send(response, 200, { totalCount: this.seed.securityProblems ?? 0, pageSize: 100, securityProblems: [] });
      case "events-ingest":
        return this.ingest(recorded, response);
      case "events-list":
        return this.listEvents(q, response);
      case "dql-execute": {
        const { query } = JSON.parse(recorded.body || "{}") as { query?: string };
        const seeded = query ? this.seed.dql?.[query] : undefined;
        if (!seeded) return envelope(response, 400, `DQL: unknown query ${JSON.stringify(query)}`);
        if ((seeded.polls ?? 0) === 0) return this.dqlDone(seeded, response);
        const token = `request-${this.running.size + 1}`;
        this.running.set(token, { query: query ?? "", pollsLeft: (seeded.polls ?? 0) - 1 });
        return send(response, 202, { state: "RUNNING", requestToken: token, progress: 0, ttlSeconds: 60 });
      }
      case "dql-poll": {
        const token = q["request-token"] ?? "";
        const run = this.running.get(token);
        if (!run) return envelope(response, 410, "RESULT_GONE");
        const seeded = this.seed.dql?.[run.query];
        if (!seeded) return envelope(response, 500, "lost query");
        if (run.pollsLeft > 0) {
          run.pollsLeft--;
          return send(response, 200, { state: "RUNNING", requestToken: token, progress: 50 });
        }
        return this.dqlDone(seeded, response);
      }
    }
  }

  /**
   * Dashboards API v1: list (id, name, owner), get by id, create (201 with id and name), update
   * in place (204), delete (204); ids must be UUIDs, tiles need a name, a tileType and bounds.
   */
  private dashboard(
    route: "dashboards" | "dashboard" | "dashboard-create" | "dashboard-update" | "dashboard-delete",
    recorded: RecordedRequest,
    response: ServerResponse,
  ): void {
    this.seed.dashboards ??= {};
    const stored = this.seed.dashboards;
    if (route === "dashboards") {
      const dashboards = Object.entries(stored).map(([id, d]) => ({
        id,
        name: d.dashboardMetadata.name,
        owner: d.dashboardMetadata.owner ?? "slogate",
      }));
      return send(response, 200, { dashboards });
    }
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    const id = decodeURIComponent(recorded.path.split("/").pop() ?? "");
    const violation = (path: string, message: string, location = "PAYLOAD_BODY") =>
      send(response, 400, {
        error: {
          code: 400,
          message: "Constraints violated.",
          constraintViolations: [{ path, message, parameterLocation: location, location: null }],
        },
      });
    if (route !== "dashboard-create" && !uuid.test(id)) return violation("id", "Not a valid UUID.", "PATH");
    if (route === "dashboard" || route === "dashboard-delete") {
      const found = stored[id];
      if (!found) return envelope(response, 404, `Dashboard ${id} not found`);
      if (route === "dashboard-delete") {
        delete stored[id];
        response.writeHead(204);
        response.end();
        return;
      }
      return send(response, 200, { metadata: { configurationVersions: [6], clusterVersion: "1.254.0" }, id, ...found });
    }
    let body: { id?: string; dashboardMetadata?: { name?: string }; tiles?: Array<{ name?: string; tileType?: string; bounds?: unknown }> };
    try {
      body = JSON.parse(recorded.body || "{}") as typeof body;
    } catch {
      return envelope(response, 400, "Could not map JSON at '' near line 1 column 1");
    }
    if (!body.dashboardMetadata?.name) return violation("dashboardMetadata.name", "must not be null");
    if (!Array.isArray(body.tiles)) return violation("tiles", "must not be null");
    for (const [i, tile] of body.tiles.entries()) {
      if (!tile.name) return violation(`tiles[${i}].name`, "must not be null");
      if (!tile.tileType) return violation(`tiles[${i}].tileType`, "must not be null");
      if (!tile.bounds) return violation(`tiles[${i}].bounds`, "must not be null");
    }
    const { id: _ignored, metadata: _metadata, ...dashboard } = body as typeof body & { metadata?: unknown };
    if (route === "dashboard-update") {
      if (!stored[id]) return envelope(response, 404, `Dashboard ${id} not found`);
      if (body.id !== undefined && body.id !== id) return violation("id", "must match the id in the path");
      stored[id] = dashboard as (typeof stored)[string];
      response.writeHead(204);
      response.end();
      return;
    }
    const created = `${Math.random().toString(16).slice(2, 10).padEnd(8, "0")}-0000-4000-8000-${Date.now().toString(16).slice(-12).padStart(12, "0")}`;
    stored[created] = dashboard as (typeof stored)[string];
    return send(response, 201, { id: created, name: body.dashboardMetadata.name });
  }

  /**
   * Events API v2 read: `eventSelector` with eventType("…") and property.<key>("v1","v2") (criteria
   * AND-ed, values OR-ed), `from` (ms or now-<n><unit>), pages of `pageSize` (default 100, max 1000)
   * reached by a lone `nextPageKey`; properties as a list of {key, value}, as Dynatrace reads them.
   */
  private listEvents(q: Record<string, string>, response: ServerResponse): void {
    const paging = q.nextPageKey ? (JSON.parse(Buffer.from(q.nextPageKey, "base64url").toString()) as Record<string, string>) : q;
    const visible = Date.now() - (this.seed.eventsLagMs ?? 0);
    const criteria = [...(paging.eventSelector ?? "").matchAll(/(eventType|property\.[\w.]+)\(([^)]*)\)/g)].map((m) => ({
      field: m[1] as string,
      values: [...(m[2] ?? "").matchAll(/"([^"]*)"/g)].map((v) => v[1] as string),
    }));
    const units: Record<string, number> = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8, M: 2.592e9, y: 3.1536e10 };
    const relative = /^now-(\d+)([smhdwMy])$/.exec(paging.from ?? "now-2h");
    const from = relative ? Date.now() - Number(relative[1]) * (units[relative[2] as string] ?? 0) : Number(paging.from);
    const matching = this.events
      .filter((event) => (this.ingestedAt.get(event) ?? 0) <= visible)
      .filter((event) => Number(event.startTime ?? this.ingestedAt.get(event)) >= from)
      .filter((event) =>
        criteria.every(({ field, values }) => {
          const actual =
            field === "eventType" ? event.eventType : (event.properties as Record<string, unknown> | undefined)?.[field.slice(9)];
          return values.includes(String(actual));
        }),
      );
    const pageSize = Math.min(1000, Number(paging.pageSize ?? 100) || 100);
    const offset = Number(paging.offset ?? 0);
    const page = matching.slice(offset, offset + pageSize);
    const next =
      offset + pageSize < matching.length
        ? Buffer.from(JSON.stringify({ ...paging, offset: String(offset + pageSize) })).toString("base64url")
        : null;
    send(response, 200, {
      totalCount: matching.length,
      pageSize,
      nextPageKey: next,
      warnings: [],
      events: page.map((event, i) => ({
        eventId: `${offset + i}_${event.startTime ?? 0}`,
        startTime: event.startTime ?? this.ingestedAt.get(event),
        endTime: event.endTime ?? -1,
        eventType: event.eventType,
        title: event.title,
        properties: Object.entries((event.properties ?? {}) as Record<string, unknown>).map(([key, value]) => ({
          key,
          value: String(value),
        })),
        status: "CLOSED",
      })),
    });
  }

  /**
   * Synthetic API v1 monitors (list by tag and type, get, create 200 {entityId}, update 204,
   * delete 204, required fields checked) and locations; API v2 on-demand executions: a batch
   * (201) whose executions really GET the monitor's URL after syntheticDelayMs and pass unless the
   * status is 400 or more, its status (RUNNING until all are done), and each execution's report.
   */
  private synthetic(route: Route, recorded: RecordedRequest, response: ServerResponse): void {
    const api = recorded.path.replace(/^\/e\/[^/]+/, "");
    const id = decodeURIComponent(api.split("/")[5] ?? "");
    const violation = (path: string, message: string) =>
      send(response, 400, {
        error: {
          code: 400,
          message: "Constraints violated.",
          constraintViolations: [{ path, message, parameterLocation: "PAYLOAD_BODY", location: null }],
        },
      });
    const body = () => JSON.parse(recorded.body || "{}") as Record<string, unknown>;
    switch (route) {
      case "synthetic-locations":
        return send(response, 200, {
          locations: (this.seed.syntheticLocations ?? []).map((l) => ({
            type: "PUBLIC",
            stage: "GA",
            status: "ENABLED",
            capabilities: ["BROWSER", "HTTP"],
            ...l,
          })),
        });
      case "synthetic-monitors": {
        const tags = new URL(`http://x${recorded.path}?${new URLSearchParams(recorded.query)}`).searchParams.getAll("tag");
        const monitors = [...this.monitors.entries()]
          .filter(([, m]) => !recorded.query.type || m.type === recorded.query.type)
          .filter(([, m]) => tags.every((tag) => (m.tags as Array<{ key: string }>).some((t) => t.key === tag)))
          .map(([entityId, m]) => ({ name: m.name, entityId, type: m.type, enabled: m.enabled }));
        return send(response, 200, { monitors });
      }
      case "synthetic-monitor": {
        const monitor = this.monitors.get(id);
        return monitor ? send(response, 200, { entityId: id, ...monitor }) : envelope(response, 404, `Monitor ${id} not found`);
      }
      case "synthetic-monitor-delete":
        if (!this.monitors.delete(id)) return envelope(response, 404, `Monitor ${id} not found`);
        response.writeHead(204);
        response.end();
        return;
      case "synthetic-monitor-create":
      case "synthetic-monitor-update": {
        const monitor = body();
        for (const field of ["name", "type", "frequencyMin", "enabled", "locations", "script", "tags", "manuallyAssignedApps"]) {
          if (monitor[field] === undefined || monitor[field] === null) return violation(field, "must not be null");
        }
        if (!Array.isArray(monitor.locations) || monitor.locations.length === 0)
          return violation("locations", "size must be between 1 and 2147483647");
        if (route === "synthetic-monitor-update") {
          if (!this.monitors.has(id)) return envelope(response, 404, `Monitor ${id} not found`);
          this.monitors.set(id, monitor);
          response.writeHead(204);
          response.end();
          return;
        }
        const entityId = `HTTP_CHECK-${(this.monitors.size + 1).toString(16).toUpperCase().padStart(16, "0")}`;
        this.monitors.set(entityId, monitor);
        return send(response, 200, { entityId });
      }
      case "synthetic-batch": {
        const request = body() as { monitors?: Array<{ monitorId: string; locations?: string[] }> };
        const batchId = `${7002396514015719000n + BigInt(this.batches.size + 1)}`;
        const triggered: Array<{ monitorId: string; executions: Array<{ executionId: string; locationId: string }> }> = [];
        const problems: Array<{ cause: string; entityId: string; locationId?: string }> = [];
        for (const entry of request.monitors ?? []) {
          const monitor = this.monitors.get(entry.monitorId);
          if (!monitor) {
            problems.push({ cause: "Monitor not found", entityId: entry.monitorId });
            continue;
          }
          const known = new Set((this.seed.syntheticLocations ?? []).map((location) => location.entityId));
          const asked = entry.locations ?? (monitor.locations as string[]);
          for (const locationId of asked.filter((id) => !known.has(id)))
            problems.push({ cause: "Location not found", entityId: entry.monitorId, locationId });
          const locations = asked.filter((id) => known.has(id));
          if (locations.length === 0) continue;
          const executions = locations.map((locationId) => {
            const executionId = `${8002396514015719000n + BigInt(this.executions.size + 1)}`;
            this.executions.set(executionId, { monitorId: entry.monitorId, locationId, batchId, stage: "TRIGGERED" });
            this.execute(executionId, monitor);
            return { executionId, locationId };
          });
          triggered.push({ monitorId: entry.monitorId, executions });
        }
        this.batches.set(batchId, { executions: triggered.flatMap((t) => t.executions.map((e) => e.executionId)) });
        return send(response, 201, {
          batchId,
          triggeredCount: triggered.reduce((n, t) => n + t.executions.length, 0),
          triggeringProblemsCount: problems.length,
          triggered,
          triggeringProblemsDetails: problems,
        });
      }
      case "synthetic-batch-status": {
        const batchId = decodeURIComponent(api.split("/")[6] ?? "");
        const batch = this.batches.get(batchId);
        if (!batch) return envelope(response, 404, `Batch ${batchId} not found`);
        const runs = batch.executions.flatMap((executionId) => {
          const run = this.executions.get(executionId);
          return run ? [{ executionId, ...run }] : [];
        });
        const done = runs.filter((run) => run.stage === "DATA_RETRIEVED");
        const failed = done.filter((run) => run.failure);
        return send(response, 200, {
          batchId,
          userId: "slogate",
          batchStatus: done.length < runs.length ? "RUNNING" : failed.length > 0 ? "FAILED" : "SUCCESS",
          triggeredCount: runs.length,
          executedCount: done.length,
          failedCount: failed.length,
          failedToExecuteCount: 0,
          failedExecutions: failed.map((run) => ({
            executionId: run.executionId,
            monitorId: run.monitorId,
            locationId: run.locationId,
            errorCode: "CONSTRAINT_VIOLATED(3)",
            executionStage: "DATA_RETRIEVED",
            failureMessage: run.failure,
          })),
        });
      }
      case "synthetic-execution": {
        const executionId = decodeURIComponent(api.split("/")[5] ?? "");
        const run = this.executions.get(executionId);
        if (!run) return envelope(response, 404, `Execution ${executionId} not found`);
        return send(response, 200, {
          executionId,
          batchId: run.batchId,
          monitorId: run.monitorId,
          locationId: run.locationId,
          userId: "slogate",
          source: "API",
          executionStage: run.stage,
          ...(run.simpleResults ? { simpleResults: run.simpleResults } : {}),
        });
      }
      default:
        return envelope(response, 404, "no such synthetic route");
    }
  }

  /** Runs an HTTP monitor's first request for real, after the configured delay. */
  private execute(executionId: string, monitor: Record<string, unknown>): void {
    const request = ((monitor.script as { requests?: Array<{ url: string }> })?.requests ?? [])[0];
    setTimeout(async () => {
      const run = this.executions.get(executionId);
      if (!run) return;
      const started = Date.now();
      let status = 0;
      try {
        status = (await fetch(request?.url ?? "http://127.0.0.1:9/")).status;
      } catch {
        status = 0;
      }
      const totalTime = Date.now() - started;
      const failed = status === 0 || status >= 400;
      run.stage = "DATA_RETRIEVED";
      run.simpleResults = { status: failed ? "FAILED" : "SUCCESS", totalTime, responseStatusCode: status, startTimestamp: started };
      if (failed) run.failure = status === 0 ? "Connection refused" : `HTTP status ${status} matched >=400`;
    }, this.seed.syntheticDelayMs ?? 200);
  }

  /**
   * Settings API v2 objects in the environment scope: list by schema (paged), create (an array;
   * 200 with [{code, objectId}] or 400 with per-item errors), update (PUT {value}), delete (204).
   * Values of builtin:anomaly-detection.metric-events are checked against that schema's rules.
   */
  private settingsObjects(route: Route, recorded: RecordedRequest, response: ServerResponse): void {
    const api = recorded.path.replace(/^\/e\/[^/]+/, "");
    const id = decodeURIComponent(api.split("/")[5] ?? "");
    if (route === "settings-objects") {
      const paging = recorded.query.nextPageKey
        ? (JSON.parse(Buffer.from(recorded.query.nextPageKey, "base64url").toString()) as Record<string, string>)
        : recorded.query;
      const schemas = (paging.schemaIds ?? "").split(",");
      const all = [...this.settings.entries()].filter(([, object]) => schemas.includes(object.schemaId));
      const pageSize = Math.min(500, Number(paging.pageSize ?? 100) || 100);
      const offset = Number(paging.offset ?? 0);
      const next =
        offset + pageSize < all.length
          ? Buffer.from(JSON.stringify({ ...paging, offset: String(offset + pageSize) })).toString("base64url")
          : null;
      return send(response, 200, {
        items: all.slice(offset, offset + pageSize).map(([objectId, object]) => ({ objectId, value: object.value })),
        totalCount: all.length,
        pageSize,
        nextPageKey: next,
      });
    }
    if (route === "settings-delete") {
      if (!this.settings.delete(id)) return envelope(response, 404, `Settings object ${id} not found`);
      response.writeHead(204);
      response.end();
      return;
    }
    const body = JSON.parse(recorded.body || "null") as unknown;
    const itemError = (violations: string[]) => ({
      code: 400,
      error: {
        code: 400,
        message: `Validation failed: ${violations.length} constraint violation${violations.length === 1 ? "" : "s"}.`,
        constraintViolations: violations.map((message) => ({
          path: message.split(":")[0],
          message,
          parameterLocation: "PAYLOAD_BODY",
          location: null,
        })),
      },
    });
    if (route === "settings-update") {
      const existing = this.settings.get(id);
      if (!existing) return envelope(response, 404, `Settings object ${id} not found`);
      const value = (body as { value?: Record<string, unknown> })?.value ?? {};
      const violations = validateSetting(existing.schemaId, value);
      if (violations.length > 0) return send(response, 400, itemError(violations));
      existing.value = value;
      return send(response, 200, { code: 200, objectId: id });
    }
    const items = Array.isArray(body) ? (body as Array<{ schemaId?: string; scope?: string; value?: Record<string, unknown> }>) : [];
    const results = items.map((item) => {
      const violations = [
        ...(item.scope === "environment" ? [] : ["scope: must be environment"]),
        ...validateSetting(item.schemaId ?? "", item.value ?? {}),
      ];
      return { item, violations };
    });
    if (results.some((result) => result.violations.length > 0)) {
      return send(
        response,
        400,
        results.map((result) => (result.violations.length > 0 ? itemError(result.violations) : { code: 200 })),
      );
    }
    send(
      response,
      200,
      results.map(({ item }) => {
        const objectId = `vu9U3hXa3q0AAAABACRidWlsdGluOmFub21hbHktZGV0ZWN0aW9u${(this.settings.size + 1).toString(36)}`;
        this.settings.set(objectId, { schemaId: item.schemaId ?? "", value: item.value ?? {} });
        return { code: 200, objectId };
      }),
    );
  }

  /** Problems API v2: a problem's details, its comments (paged), and a new comment (201, empty body). */
  private problem(route: "problem" | "problem-comments" | "problem-comment", recorded: RecordedRequest, response: ServerResponse): void {
    const api = recorded.path.replace(/^\/e\/[^/]+/, "").replace(/^\/platform\/classic\/environment-api/, "/api");
    const id = decodeURIComponent(api.split("/")[4] ?? "");
    const problem = this.seed.problemDetails?.[id];
    if (!problem) return envelope(response, 404, `Problem with ID '${id}' not found.`);
    const comments = this.comments.get(id) ?? [];
    if (route === "problem") {
      return send(response, 200, {
        problemId: id,
        displayId: problem.displayId,
        title: problem.title,
        status: problem.status,
        impactLevel: problem.impactLevel ?? "SERVICES",
        severityLevel: problem.severityLevel ?? "PERFORMANCE",
        startTime: Date.now() - 600_000,
        endTime: problem.status === "OPEN" ? -1 : Date.now(),
        rootCauseEntity: problem.rootCauseEntity ?? null,
        affectedEntities: problem.affectedEntities ?? [],
        impactedEntities: problem.affectedEntities ?? [],
        managementZones: [],
        entityTags: [],
        problemFilters: [],
      });
    }
    if (route === "problem-comments") {
      const pageSize = Math.min(500, Number(recorded.query.pageSize ?? 10) || 10);
      const from = recorded.query.nextPageKey ? Number(recorded.query.nextPageKey) : 0;
      const page = comments.slice(from, from + pageSize);
      const next = from + pageSize < comments.length ? String(from + pageSize) : null;
      return send(response, 200, { totalCount: comments.length, pageSize, nextPageKey: next, comments: page });
    }
    let body: { message?: unknown; context?: unknown };
    try {
      body = JSON.parse(recorded.body || "{}") as typeof body;
    } catch {
      return envelope(response, 400, "Could not map JSON at '' near line 1 column 1");
    }
    if (typeof body.message !== "string" || body.message === "") {
      return send(response, 400, {
        error: {
          code: 400,
          message: "Constraints violated.",
          constraintViolations: [{ path: "message", message: "must not be empty", parameterLocation: "PAYLOAD_BODY" }],
        },
      });
    }
    comments.push({
      id: `comment-${this.comments.size}-${comments.length + 1}`,
      createdAtTimestamp: Date.now(),
      authorName: "slogate-token",
      content: body.message,
      context: typeof body.context === "string" ? body.context : "",
    });
    this.comments.set(id, comments);
    response.writeHead(201);
    response.end();
  }

  private dqlDone(seeded: { records: unknown[]; state?: string }, response: ServerResponse): void {
    if (seeded.state && seeded.state !== "SUCCEEDED") return send(response, 200, { state: seeded.state });
    send(response, 200, { state: "SUCCEEDED", progress: 100, result: { records: seeded.records, types: [], metadata: { grail: {} } } });
  }

  private oauth(recorded: RecordedRequest, response: ServerResponse): void {
    const form = new URLSearchParams(recorded.body);
    const secret = this.seed.clients?.[form.get("client_id") ?? ""];
    if (form.get("grant_type") !== "client_credentials" || !secret || secret !== form.get("client_secret") || !form.get("resource")) {
      return send(response, 400, { error: "invalid_client", error_description: "client authentication failed" });
    }
    const lifetime = this.seed.oauthLifetimeSeconds ?? 300;
    const token = `oauth-access-${this.issued.size + 1}-${Math.random().toString(36).slice(2)}`;
    this.issued.set(token, Date.now() + lifetime * 1000);
    send(response, 200, {
      token_type: "Bearer",
      access_token: token,
      expires_in: lifetime,
      scope: form.get("scope"),
      resource: form.get("resource"),
    });
  }

  private metrics(q: Record<string, string>, response: ServerResponse): void {
    const selector = q.metricSelector;
    if (!selector) {
      return send(response, 400, {
        error: {
          code: 400,
          message: "Constraints violated.",
          constraintViolations: [
            {
              path: "nextPageKey",
              message: "expected one of nextPageKey or metricSelector to be specified",
              parameterLocation: "QUERY",
              location: null,
            },
          ],
        },
      });
    }
    // Several selectors, comma-separated at the top level, get one collection each, in an order of
    // Dynatrace's choosing (here reversed, so a client that matches by position is caught). One
    // unknown metric fails the whole request, as Dynatrace does.
    const selectors = splitSelectors(selector);
    const inf = (q.resolution ?? "").toLowerCase() === "inf";
    const to = Number(q.to);
    const collections = [];
    for (const one of selectors) {
      const { key: unwrapped, factor, error } = this.unitConversion(one);
      if (error) return envelope(response, 400, error);
      const fold = /^\((.*)\):fold$/.exec(unwrapped);
      const key = fold ? (fold[1] ?? "") : unwrapped;
      const found = this.seed.metrics?.[key] ?? this.seed.anyMetric;
      if (!found) return envelope(response, 404, "A metric has not been found.");
      const seeded = found.map((series) => ({ ...series, values: series.values.map((v) => (v === null ? null : v * factor)) }));
      // Data younger than the ingestion lag is not there yet: its slots are null.
      const ingested = Date.now() - (this.seed.ingestionLagMs ?? 0);
      const data = seeded.map((series) => {
        const values = fold || inf ? [mean(series.values)] : series.values;
        const timestamps = values.map((_, i) => to - (values.length - 1 - i) * 60_000);
        return {
          dimensions: Object.values(series.dimensionMap ?? {}),
          dimensionMap: series.dimensionMap ?? {},
          timestamps,
          values: values.map((value, i) => ((timestamps[i] as number) > ingested ? null : value)),
        };
      });
      collections.push({ metricId: one, dataPointCountRatio: 1e-7, dimensionCountRatio: 1e-5, warnings: [], data });
    }
    send(response, 200, {
      totalCount: collections.reduce((n, collection) => n + collection.data.length, 0),
      nextPageKey: null,
      resolution: inf ? "Inf" : (q.resolution ?? "1m"),
      warnings: [],
      result: collections.reverse(),
    });
  }

  /**
   * A selector's unit conversion, as the metric expression language applies it: `(<x>):toUnit(A,B)`
   * and `(<x>):auto:toUnit(A,B)` between units of one kind, `(<x>)/<number>` for scaled counts.
   */
  private unitConversion(selector: string): { key: string; factor: number; error?: string } {
    const toUnit = /^\((.*)\)(?::auto)?:toUnit\((\w+),(\w+)\)$/.exec(selector);
    if (toUnit) {
      const [, key = "", from = "", to = ""] = toUnit;
      const source = UNIT_SCALE[from];
      const target = UNIT_SCALE[to];
      if (!source || !target || source.kind !== target.kind) return { key, factor: 1, error: `Cannot convert ${from} to ${to}.` };
      const actual = this.seed.metricUnits?.[key] ?? "Unspecified";
      if (actual !== from) return { key, factor: 1, error: `The unit of ${key} is ${actual}, not ${from}.` };
      return { key, factor: source.scale / target.scale };
    }
    const divided = /^\((.*)\)\/(\d+)$/.exec(selector);
    if (divided) return { key: divided[1] ?? "", factor: 1 / Number(divided[2]) };
    return { key: selector, factor: 1 };
  }

  /**
   * Service-level objectives API v2: list (not evaluated, by page), create (201, no body, the new
   * id in Location), update (200), delete (204). A write is validated as Dynatrace does: a name
   * (unique), the AGGREGATE evaluation, a metric expression, a timeframe, percentages for target
   * and warning with the warning not below the target.
   */
  private sloObjects(
    route: "slo-list" | "slo-create" | "slo-update" | "slo-delete",
    recorded: RecordedRequest,
    response: ServerResponse,
  ): void {
    this.seed.slos ??= {};
    const slos = this.seed.slos;
    if (route === "slo-list") {
      // enabledSlos: true (the default), false or all; pages of pageSize, the rest by nextPageKey alone.
      const q = recorded.query;
      const page = q.nextPageKey
        ? (JSON.parse(Buffer.from(q.nextPageKey, "base64url").toString()) as { from: number; size: number; enabled: string })
        : null;
      if (page && Object.keys(q).length > 1) return envelope(response, 400, "nextPageKey must be the only query parameter");
      const enabled = page?.enabled ?? q.enabledSlos ?? "true";
      const size = page?.size ?? Number(q.pageSize ?? 10);
      const from = page?.from ?? 0;
      const all = Object.entries(slos)
        .map(([id, slo]): Record<string, unknown> => ({ id, ...slo }))
        .filter((slo) => enabled === "all" || String(slo.enabled !== false) === enabled);
      const next =
        from + size < all.length ? Buffer.from(JSON.stringify({ from: from + size, size, enabled })).toString("base64url") : null;
      return send(response, 200, { totalCount: all.length, pageSize: size, nextPageKey: next, slo: all.slice(from, from + size) });
    }
    const id = route === "slo-create" ? randomUUID() : decodeURIComponent(recorded.path.split("/").pop() ?? "");
    if (route !== "slo-create" && !slos[id]) return envelope(response, 404, `SLO with ID '${id}' not found.`);
    if (route === "slo-delete") {
      delete slos[id];
      response.writeHead(204).end();
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(recorded.body) as Record<string, unknown>;
    } catch {
      return envelope(response, 400, "Could not map JSON at '' near line 1 column 1");
    }
    const violations: string[] = [];
    const percentage = (key: string) => typeof body[key] === "number" && (body[key] as number) >= 0 && (body[key] as number) <= 100;
    if (typeof body.name !== "string" || body.name === "") violations.push("name: must not be empty");
    else if (Object.entries(slos).some(([other, slo]) => other !== id && slo.name === body.name))
      violations.push(`name: an SLO with the name '${body.name}' already exists`);
    if (body.evaluationType !== "AGGREGATE") violations.push("evaluationType: must be AGGREGATE");
    if (typeof body.metricExpression !== "string" || body.metricExpression === "") violations.push("metricExpression: must not be empty");
    if (typeof body.timeframe !== "string" || body.timeframe === "") violations.push("timeframe: must not be empty");
    if (!percentage("target")) violations.push("target: must be between 0 and 100");
    if (!percentage("warning")) violations.push("warning: must be between 0 and 100");
    else if (percentage("target") && (body.warning as number) < (body.target as number))
      violations.push("warning: must not be below the target");
    if (violations.length > 0) {
      return send(response, 400, {
        error: {
          code: 400,
          message: "Constraints violated.",
          constraintViolations: violations.map((message) => ({ path: "body", message, parameterLocation: "PAYLOAD_BODY" })),
        },
      });
    }
    slos[id] = body;
    if (route === "slo-update") {
      response.writeHead(200).end();
      return;
    }
    response.writeHead(201, { location: `${this.url}/api/v2/slo/${id}` }).end();
  }

  /** GET /api/v2/metrics/{selector}: the descriptor of a known metric (its unit and transformations). */
  private metricDescriptor(recorded: RecordedRequest, response: ServerResponse): void {
    const selector = decodeURIComponent(recorded.path.split("/").pop() ?? "");
    if (!this.seed.metrics?.[selector] && !this.seed.anyMetric) return envelope(response, 404, `Metric ${selector} not found`);
    send(response, 200, {
      metricId: selector,
      displayName: selector,
      unit: this.seed.metricUnits?.[selector] ?? "Unspecified",
      transformations: ["filter", "fold", "limit", "merge", "names", "parents", "sort", "splitBy", "toUnit", "default"],
      defaultAggregation: { type: "avg" },
      resolutionInfSupported: true,
      entityType: ["SERVICE"],
    });
  }

  private ingest(recorded: RecordedRequest, response: ServerResponse): void {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(recorded.body) as Record<string, unknown>;
    } catch {
      return envelope(response, 400, "Could not map JSON at '' near line 1 column 1");
    }
    const properties = (event.properties ?? {}) as Record<string, unknown>;
    const violations: string[] = [];
    if (!EVENT_TYPES.has(String(event.eventType))) violations.push("eventType: must be one of the supported event types");
    if (typeof event.title !== "string" || event.title === "") violations.push("title: must not be empty");
    if (Object.keys(properties).length > 100) violations.push("properties: at most 100 properties");
    for (const [key, value] of Object.entries(properties)) {
      if (key.length > 100) violations.push(`properties: key ${key.slice(0, 20)}… is longer than 100 characters`);
      if (typeof value !== "string" && typeof value !== "boolean" && typeof value !== "number")
        violations.push(`properties.${key}: must be a string`);
      if (String(value).length > 4096) violations.push(`properties.${key}: value is longer than 4096 characters`);
      if (key.startsWith("dt.") && !/^dt\.(event|davis|entity)\./.test(key))
        violations.push(`properties.${key}: keys starting with dt. are reserved`);
    }
    if (violations.length > 0) {
      return send(response, 400, {
        error: {
          code: 400,
          message: "Constraints violated.",
          constraintViolations: violations.map((message) => ({ path: "body", message, parameterLocation: "PAYLOAD_BODY" })),
        },
      });
    }
    this.events.push(event);
    this.ingestedAt.set(event, Date.now());
    const count = this.seed.reportCount ?? 1;
    send(response, 201, {
      reportCount: count,
      eventIngestResults: Array.from({ length: count }, (_, i) => ({
        correlationId: `c0ffee${String(this.events.length).padStart(6, "0")}${i}`.slice(0, 16),
        status: "OK",
      })),
    });
  }
}

/** A metricSelector's selectors: split at commas outside parentheses and quotes. */
/** Units the local Dynatrace converts between: its kind and its size in that kind's base unit. */
const UNIT_SCALE: Record<string, { kind: "time" | "bytes"; scale: number }> = {
  NanoSecond: { kind: "time", scale: 1e-9 },
  MicroSecond: { kind: "time", scale: 1e-6 },
  MilliSecond: { kind: "time", scale: 1e-3 },
  Second: { kind: "time", scale: 1 },
  Minute: { kind: "time", scale: 60 },
  Hour: { kind: "time", scale: 3600 },
  Byte: { kind: "bytes", scale: 1 },
  KiloByte: { kind: "bytes", scale: 1e3 },
  MegaByte: { kind: "bytes", scale: 1e6 },
  GigaByte: { kind: "bytes", scale: 1e9 },
  KibiByte: { kind: "bytes", scale: 1024 },
  MebiByte: { kind: "bytes", scale: 1024 ** 2 },
  GibiByte: { kind: "bytes", scale: 1024 ** 3 },
};

export function splitSelectors(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = "";
  for (let i = 0; i < selector.length; i++) {
    const char = selector[i] as string;
    if (char === "~" && quoted) {
      current += char + (selector[i + 1] ?? "");
      i++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === "(") depth++;
    else if (!quoted && char === ")") depth--;
    if (char === "," && depth === 0 && !quoted) {
      parts.push(current);
      current = "";
    } else current += char;
  }
  parts.push(current);
  return parts;
}

/** The rules of a Settings 2.0 schema slogate writes, as Dynatrace states them; other schemas are accepted. */
function validateSetting(schemaId: string, value: Record<string, unknown>): string[] {
  if (schemaId !== "builtin:anomaly-detection.metric-events") return [];
  const violations: string[] = [];
  const summary = value.summary;
  if (typeof value.enabled !== "boolean") violations.push("enabled: must not be null");
  if (typeof summary !== "string" || summary.length < 2 || summary.length > 500) violations.push("summary: size must be between 2 and 500");
  const query = (value.queryDefinition ?? {}) as Record<string, unknown>;
  if (query.type !== "METRIC_SELECTOR" && query.type !== "METRIC_KEY")
    violations.push("queryDefinition.type: must be METRIC_KEY or METRIC_SELECTOR");
  if (query.type === "METRIC_SELECTOR" && (typeof query.metricSelector !== "string" || query.metricSelector === ""))
    violations.push("queryDefinition.metricSelector: must not be empty");
  const model = (value.modelProperties ?? {}) as Record<string, unknown>;
  if (model.type === "STATIC_THRESHOLD" && typeof model.threshold !== "number")
    violations.push("modelProperties.threshold: must not be null");
  if (!["ABOVE", "BELOW", "OUTSIDE"].includes(String(model.alertCondition)))
    violations.push("modelProperties.alertCondition: must be ABOVE, BELOW or OUTSIDE");
  const within = (key: string, low: number, high: number) => {
    const n = model[key];
    if (typeof n !== "number" || !Number.isInteger(n) || n < low || n > high)
      violations.push(`modelProperties.${key}: must be between ${low} and ${high}`);
  };
  within("samples", 3, 60);
  within("violatingSamples", 1, 60);
  within("dealertingSamples", 3, 60);
  if (Number(model.violatingSamples) > Number(model.samples)) violations.push("modelProperties.violatingSamples: must not exceed samples");
  const template = (value.eventTemplate ?? {}) as Record<string, unknown>;
  if (typeof template.title !== "string" || template.title.length < 2 || template.title.length > 500)
    violations.push("eventTemplate.title: size must be between 2 and 500");
  if (template.eventType === "INFO" && template.davisMerge !== undefined)
    violations.push("eventTemplate.davisMerge: must be absent for INFO events");
  return violations;
}
