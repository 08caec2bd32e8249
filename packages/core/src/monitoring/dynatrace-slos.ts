import { ExternalServiceError, failureForStatus } from "../http/external-error.js";
import {
  DynatraceClassicApi,
  type DynatraceCredentials,
  type DynatraceEndpoints,
  dynatraceBody,
  dynatraceErrorText,
} from "../sli/dynatrace/connection.js";
import type { SloObjectValue } from "./slo-objects.js";

/** Service-level objectives API v2: `slo.read` to list, `slo.write` to change. */
export class DynatraceSlos extends DynatraceClassicApi {
  constructor(endpoints: DynatraceEndpoints, credentials: DynatraceCredentials) {
    super("Dynatrace SLOs", endpoints, credentials);
  }

  /** Every SLO of the environment, disabled ones too (without evaluating them), page by page. */
  async list(): Promise<Array<{ objectId: string; value: Partial<SloObjectValue> }>> {
    const found: Array<{ objectId: string; value: Partial<SloObjectValue> }> = [];
    // Dynatrace lists enabled SLOs only unless asked: a gate's SLO someone disabled is still its own.
    let query: Record<string, string> = { pageSize: "500", evaluate: "false", enabledSlos: "all" };
    for (;;) {
      const response = await this.client.getJson("slo", query, undefined, await this.auth.classic());
      const body = dynatraceBody(this.client, response, "listing SLOs") as {
        slo?: Array<Partial<SloObjectValue> & { id?: string }>;
        nextPageKey?: string | null;
      };
      for (const { id, ...value } of body?.slo ?? []) if (id) found.push({ objectId: id, value });
      if (!body?.nextPageKey) return found;
      query = { nextPageKey: body.nextPageKey };
    }
  }

  /** Creates an SLO; Dynatrace answers 201 with no body and the new SLO's address in Location. */
  async create(value: SloObjectValue, what: string): Promise<string> {
    const response = await this.client.postJson("slo", value, { headers: await this.auth.classic() });
    if (response.status >= 300) throw this.refused(response.status, dynatraceErrorText(response), what);
    const id = response.location?.split("/").pop();
    if (!id)
      throw new ExternalServiceError("Dynatrace SLOs", "bad-response", `${what}: created, but Dynatrace did not say where (no Location)`);
    return decodeURIComponent(id);
  }

  async update(id: string, value: SloObjectValue, what: string): Promise<void> {
    const response = await this.client.putJson(`slo/${encodeURIComponent(id)}`, value, { headers: await this.auth.classic() });
    if (response.status >= 300) throw this.refused(response.status, dynatraceErrorText(response), what);
  }

  async remove(id: string, what: string): Promise<void> {
    const response = await this.client.delete(`slo/${encodeURIComponent(id)}`, { headers: await this.auth.classic() });
    if (response.status >= 300) throw this.refused(response.status, dynatraceErrorText(response), what);
  }

  private refused(status: number, reason: string, what: string): ExternalServiceError {
    return new ExternalServiceError("Dynatrace SLOs", failureForStatus(status), `${what}: ${this.client.redact(reason)}`, status);
  }
}
