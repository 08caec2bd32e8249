import type { CiContext } from "../ci/ci-context.js";
import { ExternalServiceError } from "../http/external-error.js";
import { HttpClient, type HttpClientOptions } from "../http/http-client.js";
import type { DynatraceCredentials, DynatraceEndpoints } from "../sli/dynatrace/connection.js";
import { DynatraceAuth, dynatraceErrorText, secretsOf } from "../sli/dynatrace/connection.js";
import type { DeliveryEvent, EventDelivery, EventReceipt, EventSink } from "./event-sink.js";

/** Dynatrace's limits for event properties (Events API v2 ingest). */
export const PROPERTY_LIMITS = { count: 100, keyLength: 100, valueLength: 4096 } as const;

export interface DynatraceEventOptions {
  endpoints: DynatraceEndpoints;
  credentials: DynatraceCredentials;
  /** Which entities the events attach to; absent attaches them to the environment. */
  entitySelector?: string;
  /** Minutes an event stays open (Dynatrace's default is 15). */
  timeoutMinutes?: number;
  http?: Partial<Omit<HttpClientOptions, "service" | "baseUrl" | "headers" | "secrets">>;
}

interface IngestBody {
  eventType: string;
  title: string;
  startTime?: number;
  endTime?: number;
  timeout?: number;
  entitySelector?: string;
  properties: Record<string, string>;
}

function ms(iso: string): number {
  return Date.parse(iso);
}

/** Properties within Dynatrace's limits: keys and values cut, the rest summarised in one property. */
export function limitProperties(properties: Record<string, string>): Record<string, string> {
  const entries = Object.entries(properties).map(([key, value]): [string, string] => [
    key.slice(0, PROPERTY_LIMITS.keyLength),
    value.length > PROPERTY_LIMITS.valueLength ? `${value.slice(0, PROPERTY_LIMITS.valueLength - 1)}…` : value,
  ]);
  if (entries.length <= PROPERTY_LIMITS.count) return Object.fromEntries(entries);
  const kept = entries.slice(0, PROPERTY_LIMITS.count - 1);
  const left = entries.slice(PROPERTY_LIMITS.count - 1);
  const summary = `${left.length} more not sent (Dynatrace takes ${PROPERTY_LIMITS.count} properties): ${left.map(([k]) => k).join(", ")}`;
  return Object.fromEntries([...kept, ["slogate.omitted", summary.slice(0, PROPERTY_LIMITS.valueLength)]]);
}

function contextProperties(context: CiContext): Record<string, string> {
  const properties: Record<string, string> = { "ci.platform": context.platform };
  if (context.runUrl) properties["ci.run_url"] = context.runUrl;
  if (context.commit) properties["ci.commit"] = context.commit;
  if (context.branch) properties["ci.branch"] = context.branch;
  if (context.pipeline) properties["ci.pipeline"] = context.pipeline;
  if (context.actor) properties["ci.actor"] = context.actor;
  if (context.pullRequest) properties["ci.pull_request"] = context.pullRequest;
  return properties;
}

/** The ingest body for one delivery event (Events API v2). */
export function ingestBody(
  event: DeliveryEvent,
  context: CiContext,
  options: { entitySelector?: string; timeoutMinutes?: number } = {},
): IngestBody {
  const common = {
    ...(options.entitySelector ? { entitySelector: options.entitySelector } : {}),
    ...(options.timeoutMinutes ? { timeout: options.timeoutMinutes } : {}),
  };
  const ci = contextProperties(context);
  const source = { "dt.event.source": "slogate" };
  switch (event.kind) {
    case "deployment":
      return {
        ...common,
        eventType: "CUSTOM_DEPLOYMENT",
        title: `Deploy ${event.name}${event.version ? ` ${event.version}` : ""}`,
        properties: {
          ...source,
          "dt.event.deployment.name": event.name,
          ...(event.version ? { "dt.event.deployment.version": event.version } : {}),
          ...(event.project ? { "dt.event.deployment.project": event.project } : {}),
          ...(event.stage ? { "dt.event.deployment.release_stage": event.stage } : {}),
          ...(context.runUrl ? { "dt.event.deployment.ci_back_link": context.runUrl } : {}),
          ...(event.remediationUrl ? { "dt.event.deployment.remediation_action_link": event.remediationUrl } : {}),
          ...ci,
        },
      };
    case "test-start":
      return {
        ...common,
        eventType: "CUSTOM_ANNOTATION",
        title: `Start test: ${event.name}`,
        startTime: ms(event.start),
        properties: { ...source, "test.name": event.name, ...ci },
      };
    case "test-finish":
      return {
        ...common,
        eventType: "CUSTOM_ANNOTATION",
        title: `Test finished: ${event.name}`,
        startTime: ms(event.start),
        endTime: ms(event.end),
        properties: { ...source, "test.name": event.name, "test.start": event.start, "test.end": event.end, ...ci },
      };
    case "gate-result": {
      const { result } = event;
      const objectives: Record<string, string> = {};
      for (const objective of result.objectives) {
        const value = objective.value === null ? "no value" : String(objective.value);
        objectives[`slogate.objective.${objective.sli}`] =
          `${objective.status} ${value} (score ${objective.score}/${objective.weight})${objective.error ? `: ${objective.error}` : ""}`;
      }
      return {
        ...common,
        eventType: "CUSTOM_INFO",
        title:
          result.status === "errored"
            ? "Quality gate: could not evaluate"
            : `Quality gate: ${result.result} (score ${Math.round(result.score * 100) / 100})`,
        startTime: ms(result.window.start),
        endTime: ms(result.window.end),
        properties: {
          ...source,
          "dt.event.description": result.message || `slogate evaluated ${result.objectives.length} objectives: ${result.result}`,
          "slogate.result": result.result,
          "slogate.score": String(result.score),
          "slogate.evaluation_id": result.id,
          ...Object.fromEntries(Object.entries(result.labels).map(([k, v]) => [`slogate.label.${k}`, v])),
          ...ci,
          ...objectives,
        },
      };
    }
    case "configuration":
      return {
        ...common,
        eventType: "CUSTOM_CONFIGURATION",
        title: event.name,
        properties: { ...source, ...(event.description ? { "dt.event.description": event.description } : {}), ...ci },
      };
    case "info":
      return {
        ...common,
        eventType: "CUSTOM_INFO",
        title: event.title,
        properties: { ...source, ...(event.description ? { "dt.event.description": event.description } : {}), ...ci },
      };
  }
}

/** Delivery events to Dynatrace (Events API v2 ingest). */
export class DynatraceEventSink implements EventSink {
  readonly id = "dynatrace";
  private readonly client: HttpClient;
  private readonly auth: DynatraceAuth;

  constructor(private readonly options: DynatraceEventOptions) {
    this.client = new HttpClient({
      service: "Dynatrace events",
      baseUrl: options.endpoints.classic,
      secrets: secretsOf(options.credentials),
      ...options.http,
    });
    this.auth = new DynatraceAuth(options.credentials, options.endpoints, [this.client], options.http ?? {});
  }

  async send(delivery: EventDelivery): Promise<EventReceipt> {
    const body = ingestBody(delivery.event, delivery.context, {
      ...(this.options.entitySelector ? { entitySelector: this.options.entitySelector } : {}),
      ...(this.options.timeoutMinutes ? { timeoutMinutes: this.options.timeoutMinutes } : {}),
    });
    body.properties = limitProperties({ ...(delivery.properties ?? {}), ...body.properties });
    try {
      // No blind retry: ingest has no idempotency key, so a retried POST could duplicate the event.
      const response = await this.client.postJson("events/ingest", body, {
        headers: await this.auth.classic(delivery.signal),
        idempotent: false,
        ...(delivery.signal ? { signal: delivery.signal } : {}),
      });
      if (response.status >= 300) {
        const text = this.client.redact(dynatraceErrorText(response));
        return { delivered: false, correlationIds: [], warnings: [`Dynatrace refused the ${delivery.event.kind} event (${text})`] };
      }
      const answer = response.body as { reportCount?: unknown; eventIngestResults?: Array<{ correlationId?: string; status?: string }> };
      const results = Array.isArray(answer?.eventIngestResults) ? answer.eventIngestResults : [];
      const warnings: string[] = [];
      if (answer?.reportCount === 0 || results.length === 0) {
        warnings.push(
          `Dynatrace accepted the ${delivery.event.kind} event but ingested none: no entity matched ${body.entitySelector ? `the entity selector ${body.entitySelector}` : "(no entity selector)"}`,
        );
      }
      for (const result of results) {
        if (result.status !== "OK")
          warnings.push(`Dynatrace did not take the ${delivery.event.kind} event for one entity: ${result.status ?? "no status"}`);
      }
      return {
        delivered: warnings.length === 0,
        correlationIds: results.flatMap((r) => (r.correlationId ? [r.correlationId] : [])),
        warnings,
      };
    } catch (error) {
      if (error instanceof ExternalServiceError) return { delivered: false, correlationIds: [], warnings: [error.message] };
      throw error;
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.client.close(), this.auth.close()]);
  }
}
