import { ExternalServiceError, failureForStatus } from "../http/external-error.js";
import type { HttpResponse } from "../http/http-client.js";
import {
  DynatraceClassicApi,
  type DynatraceCredentials,
  type DynatraceEndpoints,
  dynatraceBody,
  dynatraceErrorText,
} from "../sli/dynatrace/connection.js";

/** One Settings 2.0 object: its id and value. */
export interface SettingsObject<V> {
  objectId: string;
  value: V;
}

type ItemError = { code?: number; error?: { message?: string; constraintViolations?: Array<{ path?: string; message?: string }> } };

/** Settings API v2 objects of the environment scope: `settings.read` to list, `settings.write` to change. */
export class DynatraceSettings extends DynatraceClassicApi {
  constructor(endpoints: DynatraceEndpoints, credentials: DynatraceCredentials) {
    super("Dynatrace settings", endpoints, credentials);
  }

  async list<V>(schemaId: string): Promise<Array<SettingsObject<V>>> {
    const objects: Array<SettingsObject<V>> = [];
    let query: Record<string, string> = { schemaIds: schemaId, scopes: "environment", fields: "objectId,value", pageSize: "500" };
    for (;;) {
      const response = await this.client.getJson("settings/objects", query, undefined, await this.auth.classic());
      const body = dynatraceBody(this.client, response, `listing ${schemaId}`) as {
        items?: Array<SettingsObject<V>>;
        nextPageKey?: string | null;
      };
      objects.push(...(body?.items ?? []));
      if (!body?.nextPageKey) return objects;
      // With a page key, Dynatrace wants no other parameter.
      query = { nextPageKey: body.nextPageKey };
    }
  }

  async create<V>(schemaId: string, value: V, what: string): Promise<string> {
    const response = await this.client.postJson("settings/objects", [{ schemaId, scope: "environment", value }], {
      headers: await this.auth.classic(),
    });
    const items = (Array.isArray(response.body) ? response.body : []) as Array<ItemError & { objectId?: string }>;
    const item = items[0];
    if (response.status >= 300 || !item?.objectId) throw this.refused(response, item, what);
    return item.objectId;
  }

  async update<V>(objectId: string, value: V, what: string): Promise<void> {
    const response = await this.client.putJson(
      `settings/objects/${encodeURIComponent(objectId)}`,
      { value },
      { headers: await this.auth.classic() },
    );
    if (response.status >= 300) throw this.refused(response, response.body as ItemError, what);
  }

  async remove(objectId: string, what: string): Promise<void> {
    const response = await this.client.delete(`settings/objects/${encodeURIComponent(objectId)}`, { headers: await this.auth.classic() });
    if (response.status >= 300) throw this.refused(response, response.body as ItemError, what);
  }

  /** Dynatrace's reason for refusing one object, with each constraint it broke. */
  private refused(response: HttpResponse, item: ItemError | undefined, what: string): ExternalServiceError {
    const violations = (item?.error?.constraintViolations ?? []).map((v) => `${v.path ?? ""}: ${v.message ?? ""}`);
    const reason =
      item?.error?.message !== undefined
        ? `${item.error.message}${violations.length > 0 ? ` [${violations.join("; ")}]` : ""}`
        : dynatraceErrorText(response);
    const status = item?.code ?? response.status;
    return new ExternalServiceError("Dynatrace settings", failureForStatus(status), `${what}: ${this.client.redact(reason)}`, status);
  }
}
