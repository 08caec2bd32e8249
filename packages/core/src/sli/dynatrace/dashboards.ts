import { stringify } from "yaml";
import { SlogateError } from "../../errors.js";
import { ExternalServiceError } from "../../http/external-error.js";
import { HttpClient } from "../../http/http-client.js";
import {
  DynatraceAuth,
  type DynatraceCredentials,
  type DynatraceEndpoints,
  dynatraceBody,
  dynatraceErrorText,
  secretsOf,
} from "./connection.js";
import {
  type Dashboard,
  type DashboardGate,
  type DescriptorAnswer,
  gateFiles,
  gateFromDashboard,
  type MetricDescriptor,
  matchesGateName,
  metricsToDescribe,
  type SloDefinition,
} from "./dashboard-gate.js";

/** A dashboard in the list the Dashboards API v1 gives. */
export interface DashboardStub {
  id: string;
  name: string;
  owner?: string;
}

/** The Dashboards API v1 (Config API): `ReadConfig` to read, `WriteConfig` to write. */
export class DynatraceDashboards {
  private readonly client: HttpClient;
  private readonly classic: HttpClient;
  private readonly auth: DynatraceAuth;

  constructor(endpoints: DynatraceEndpoints, credentials: DynatraceCredentials) {
    // The Config API lives next to the Environment API v2: …/api/config/v1/ beside …/api/v2/.
    const configBase = endpoints.classic.replace(/v2\/$/, "config/v1/");
    this.client = new HttpClient({ service: "Dynatrace dashboards", baseUrl: configBase, secrets: secretsOf(credentials) });
    // SLOs and metric descriptors that a dashboard's tiles refer to.
    this.classic = new HttpClient({ service: "Dynatrace", baseUrl: endpoints.classic, secrets: secretsOf(credentials) });
    this.auth = new DynatraceAuth(credentials, endpoints, [this.client, this.classic]);
  }

  async list(signal?: AbortSignal): Promise<DashboardStub[]> {
    const response = await this.client.getJson("dashboards", {}, signal, await this.auth.classic(signal));
    const body = dynatraceBody(this.client, response, "the dashboard list") as { dashboards?: DashboardStub[] };
    return body?.dashboards ?? [];
  }

  /** A dashboard by id; a missing one is the user's mistake (exit 2), with the id. */
  async get(id: string, signal?: AbortSignal): Promise<Dashboard> {
    const response = await this.client.getJson(`dashboards/${encodeURIComponent(id)}`, {}, signal, await this.auth.classic(signal));
    if (response.status === 404 || (response.status === 400 && /UUID/i.test(JSON.stringify(response.body)))) {
      throw new SlogateError(
        "NOT_FOUND",
        `Dynatrace has no dashboard ${JSON.stringify(id)} (${this.client.redact(dynatraceErrorText(response))})`,
        {
          suggestion:
            "Copy the id from the dashboard's URL (…#dashboard;id=<id>), or use --dashboard query with --labels project=…,stage=…,service=…",
        },
      );
    }
    const body = dynatraceBody(this.client, response, `dashboard ${id}`) as Partial<Dashboard>;
    if (!body?.dashboardMetadata || !Array.isArray(body.tiles)) {
      throw new ExternalServiceError(
        "Dynatrace dashboards",
        "bad-response",
        `dashboard ${id}: the answer has no dashboardMetadata or tiles`,
      );
    }
    return { id: body.id ?? id, dashboardMetadata: body.dashboardMetadata, tiles: body.tiles };
  }

  /** The one dashboard named `KQG;project=<p>;stage=<s>;service=<svc>`; none or several is an error. */
  async find(labels: Record<string, string>, signal?: AbortSignal): Promise<Dashboard> {
    const { project, stage, service } = labels;
    if (!project || !stage || !service) {
      throw new SlogateError("INVALID_USAGE", "--dashboard query needs the project, stage and service labels", {
        suggestion: "Pass --labels project=<p>,stage=<s>,service=<svc>",
      });
    }
    const wanted = `KQG;project=${project};stage=${stage};service=${service}`;
    const matching = (await this.list(signal)).filter((stub) => matchesGateName(stub.name, { project, stage, service }));
    if (matching.length !== 1) {
      throw new SlogateError(
        "NOT_FOUND",
        matching.length === 0
          ? `no dashboard is named ${wanted}`
          : `${matching.length} dashboards are named ${wanted}: ${matching.map((stub) => `${stub.name} (${stub.id})`).join(", ")}`,
        {
          suggestion:
            matching.length === 0
              ? "Name the gate's dashboard KQG;project=<p>;stage=<s>;service=<svc>, or pass its id with --dashboard <id>"
              : "Rename all but one, or pass the id of the one to use with --dashboard <id>",
        },
      );
    }
    return this.get((matching[0] as DashboardStub).id, signal);
  }

  /** Creates a dashboard; Dynatrace answers with its id. */
  async create(dashboard: Omit<Dashboard, "id">, signal?: AbortSignal): Promise<string> {
    const response = await this.client.postJson("dashboards", dashboard, {
      headers: await this.auth.classic(signal),
      ...(signal ? { signal } : {}),
    });
    const body = dynatraceBody(this.client, response, `creating dashboard "${dashboard.dashboardMetadata.name}"`) as { id?: string };
    if (typeof body?.id !== "string")
      throw new ExternalServiceError("Dynatrace dashboards", "bad-response", "a created dashboard came back without its id");
    return body.id;
  }

  /** Replaces a dashboard in place: same id, so links and bookmarks keep working. */
  async update(id: string, dashboard: Dashboard, signal?: AbortSignal): Promise<void> {
    const response = await this.client.putJson(
      `dashboards/${encodeURIComponent(id)}`,
      { ...dashboard, id },
      {
        headers: await this.auth.classic(signal),
        ...(signal ? { signal } : {}),
      },
    );
    dynatraceBody(this.client, response, `updating dashboard "${dashboard.dashboardMetadata.name}" (${id})`);
  }

  async slo(id: string, signal?: AbortSignal): Promise<SloDefinition | null> {
    const response = await this.classic.getJson(`slo/${encodeURIComponent(id)}`, {}, signal, await this.auth.classic(signal));
    if (response.status === 404) return null;
    const body = dynatraceBody(this.classic, response, `SLO ${id}`) as { name?: string; target?: number; warning?: number };
    return { id, name: body?.name ?? id, target: Number(body?.target ?? 0), warning: Number(body?.warning ?? 0) };
  }

  /** A metric's descriptor: its unit, the transformations its selector allows, its default aggregation and entity types. */
  async metricDescriptor(selector: string, signal?: AbortSignal): Promise<MetricDescriptor> {
    const response = await this.classic.getJson(`metrics/${encodeURIComponent(selector)}`, {}, signal, await this.auth.classic(signal));
    const body = dynatraceBody(this.classic, response, `the descriptor of ${selector}`) as {
      unit?: unknown;
      transformations?: unknown;
      defaultAggregation?: { type?: unknown; parameter?: unknown };
      entityType?: unknown;
    };
    // A percentile default carries its parameter: `percentile(90)` as a selector writes it.
    const { type, parameter } = body?.defaultAggregation ?? {};
    const aggregation =
      type === "percentile"
        ? typeof parameter === "number"
          ? `percentile(${parameter})`
          : undefined
        : typeof type === "string"
          ? type
          : undefined;
    const strings = (value: unknown) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : []);
    return {
      unit: typeof body?.unit === "string" ? body.unit : "Unspecified",
      transformations: strings(body?.transformations),
      ...(aggregation ? { defaultAggregation: aggregation } : {}),
      entityType: strings(body?.entityType),
    };
  }

  /**
   * The descriptors of several metrics, one request each. A descriptor Dynatrace refuses (400: an
   * expression it cannot describe; 404: a metric it does not have) is an answer with the reason;
   * any other failure throws, so an outage is never read as "this metric has no descriptor".
   */
  async describeMetrics(selectors: Iterable<string>): Promise<Map<string, DescriptorAnswer>> {
    // All at once; the client caps the requests in flight. The first descriptor that cannot be
    // read stops the others (an outage must not wait out every one's retries) and is thrown once
    // all have settled, so no request outlives the call.
    const unique = [...new Set(selectors)];
    const stop = new AbortController();
    let failure: { error: unknown } | undefined;
    const settled = await Promise.allSettled(
      unique.map((selector) =>
        this.metricDescriptor(selector, stop.signal).catch((error: unknown): DescriptorAnswer => {
          if (error instanceof ExternalServiceError && (error.status === 400 || error.status === 404)) return { error: error.message };
          if (!stop.signal.aborted) {
            failure = { error };
            stop.abort();
          }
          throw error;
        }),
      ),
    );
    if (failure) throw failure.error;
    return new Map(unique.map((selector, i) => [selector, (settled[i] as PromiseFulfilledResult<DescriptorAnswer>).value]));
  }

  async close(): Promise<void> {
    await Promise.all([this.client.close(), this.classic.close(), this.auth.close()]);
  }
}

/**
 * The gate a dashboard defines, from its id or (`query`) from the labels; the SLOs of its SLO
 * tiles and the descriptors of the metrics its tiles convert or chart are read first.
 */
export async function loadDashboardGate(
  api: DynatraceDashboards,
  dashboard: string,
  labels: Record<string, string>,
): Promise<{ dashboard: Dashboard; gate: DashboardGate; sloText: string; sliText: string }> {
  const found = dashboard === "query" ? await api.find(labels) : await api.get(dashboard);
  const ids = found.tiles.filter((tile) => tile.tileType === "SLO").flatMap((tile) => tile.assignedEntities ?? []);
  const slos = new Map<string, SloDefinition>();
  for (const id of new Set(ids)) {
    const slo = await api.slo(id);
    if (slo) slos.set(id, slo);
  }
  // A descriptor Dynatrace refuses (an expression it cannot describe) fails that tile, with the reason.
  const gate = gateFromDashboard(found, slos, await api.describeMetrics(metricsToDescribe(found)));
  const files = gateFiles(gate);
  const header = `# From the Dynatrace dashboard "${found.dashboardMetadata.name}" (${found.id}), by dynatrace-service's dashboard rules\n`;
  return { dashboard: found, gate, sloText: header + stringify(files.slo), sliText: header + stringify(files.sli) };
}
