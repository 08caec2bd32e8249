import { SlogateError } from "../errors.js";
import { ExternalServiceError } from "../http/external-error.js";
import { HttpClient, sleep } from "../http/http-client.js";
import {
  DynatraceAuth,
  type DynatraceCredentials,
  type DynatraceEndpoints,
  dynatraceBody,
  secretsOf,
} from "../sli/dynatrace/connection.js";

/**
 * A synthetic check of a new deployment: an HTTP monitor for its URL (created once per service
 * and stage, updated with each version), an on-demand execution from its locations, and the
 * result as two SLIs for the gate. Dynatrace's Synthetic API v1 (monitors) and v2 (on-demand
 * executions); one `ExternalSyntheticIntegration` token covers both.
 */

export const SYNTHETIC_SLIS = { availability: "synthetic:availability", responseTime: "synthetic:response_time" } as const;

export interface SyntheticCheckOptions {
  url: string;
  labels: Record<string, string>;
  /** Location entity ids; none: the first public location that runs HTTP monitors. */
  locations: string[];
  /** keep: the monitor stays and keeps watching the stage; delete: removed after the check. */
  retention: "keep" | "delete";
  timeoutMs: number;
  frequencyMin: number;
  pollMs?: number;
  onProgress?: (message: string, done?: boolean) => void;
  signal?: AbortSignal;
}

export interface SyntheticCheck {
  monitorId: string;
  monitorName: string;
  /** What happened to the monitor: created, updated (another version), or unchanged. */
  monitor: "created" | "updated";
  batchId: string;
  executions: Array<{ executionId: string; locationId: string; success: boolean; totalTimeMs: number | null; failure: string | null }>;
  slis: Record<string, number>;
  deleted: boolean;
}

const MANAGED_TAG = "slogate";
const TERMINAL = new Set(["SUCCESS", "FAILED", "FAILED_TO_EXECUTE", "NOT_TRIGGERED"]);

/** The monitor of a service's stage: one name, tags for service, stage and version. */
function monitorBody(options: SyntheticCheckOptions, name: string, locations: string[]) {
  const tag = (key: string, value?: string) => ({ context: "CONTEXTLESS", key, ...(value !== undefined ? { value } : {}) });
  const { project, stage, service, version } = options.labels;
  return {
    name,
    type: "HTTP",
    frequencyMin: options.frequencyMin,
    enabled: true,
    locations,
    tags: [
      tag(MANAGED_TAG),
      ...(project ? [tag("project", project)] : []),
      ...(stage ? [tag("stage", stage)] : []),
      ...(service ? [tag("service", service)] : []),
      ...(version ? [tag("version", version)] : []),
    ],
    manuallyAssignedApps: [],
    script: {
      version: "1.0",
      requests: [
        {
          description: `GET ${options.url}`,
          url: options.url,
          method: "GET",
          validation: { rules: [{ type: "httpStatusesList", passIfFound: false, value: ">=400" }] },
          configuration: { acceptAnyCertificate: false, followRedirects: true },
        },
      ],
    },
  };
}

export class DynatraceSynthetic {
  private readonly v1: HttpClient;
  private readonly v2: HttpClient;
  private readonly auth: DynatraceAuth;

  constructor(endpoints: DynatraceEndpoints, credentials: DynatraceCredentials) {
    // The Synthetic API v1 lives next to the Environment API v2: …/api/v1/ beside …/api/v2/.
    this.v1 = new HttpClient({
      service: "Dynatrace synthetic",
      baseUrl: endpoints.classic.replace(/v2\/$/, "v1/"),
      secrets: secretsOf(credentials),
    });
    this.v2 = new HttpClient({ service: "Dynatrace synthetic", baseUrl: endpoints.classic, secrets: secretsOf(credentials) });
    this.auth = new DynatraceAuth(credentials, endpoints, [this.v1, this.v2]);
  }

  async close(): Promise<void> {
    await Promise.all([this.v1.close(), this.v2.close(), this.auth.close()]);
  }

  /** Creates or updates the monitor, runs it on demand, waits for the result, and reads the SLIs. */
  async check(options: SyntheticCheckOptions): Promise<SyntheticCheck> {
    const { service, stage } = options.labels;
    if (!service || !stage) {
      throw new SlogateError("INVALID_USAGE", "the synthetic monitor is kept per service and stage", {
        suggestion: "Pass --labels project=<p>,stage=<s>,service=<svc>",
      });
    }
    const name = `slogate ${service} ${stage}`;
    const headers = await this.auth.classic(options.signal);
    const locations = options.locations.length > 0 ? options.locations : [await this.defaultLocation(headers)];
    const body = monitorBody(options, name, locations);
    const listed = dynatraceBody(
      this.v1,
      await this.v1.getJson("synthetic/monitors", { tag: MANAGED_TAG, type: "HTTP" }, options.signal, headers),
      "listing the synthetic monitors",
    ) as { monitors?: Array<{ name?: string; entityId?: string }> };
    const existing = (listed?.monitors ?? []).find((monitor) => monitor.name === name)?.entityId;
    let monitorId: string;
    if (existing) {
      dynatraceBody(
        this.v1,
        await this.v1.putJson(`synthetic/monitors/${encodeURIComponent(existing)}`, body, { headers }),
        `updating the monitor ${name}`,
      );
      monitorId = existing;
    } else {
      const created = dynatraceBody(
        this.v1,
        await this.v1.postJson("synthetic/monitors", body, { headers }),
        `creating the monitor ${name}`,
      ) as {
        entityId?: string;
      };
      if (typeof created?.entityId !== "string") {
        throw new ExternalServiceError("Dynatrace synthetic", "bad-response", "a created monitor came back without its entityId");
      }
      monitorId = created.entityId;
    }
    return this.measured({ id: monitorId, name, created: !existing }, options, headers, async () => {
      const triggered = dynatraceBody(
        this.v1,
        await this.v2.postJson(
          "synthetic/executions/batch",
          // Failing on a slow answer is the gate's decision (its response-time criteria), not the monitor's.
          { monitors: [{ monitorId, locations }], processingMode: "STANDARD", failOnPerformanceIssue: false },
          { headers, idempotent: false },
        ),
        `running the monitor ${name}`,
      ) as {
        batchId?: string;
        triggeredCount?: number;
        triggered?: Array<{ monitorId: string; executions: Array<{ executionId: string; locationId: string }> }>;
        triggeringProblemsDetails?: Array<{ cause?: string; locationId?: string }>;
      };
      const executions = (triggered?.triggered ?? []).flatMap((entry) => entry.executions ?? []);
      if (!triggered?.batchId || executions.length === 0) {
        const causes = (triggered?.triggeringProblemsDetails ?? []).map(
          (problem) => `${problem.cause ?? "unknown"}${problem.locationId ? ` (${problem.locationId})` : ""}`,
        );
        throw new ExternalServiceError(
          "Dynatrace synthetic",
          "not-run",
          `the monitor ${name} could not be run: ${causes.join("; ") || "no execution was triggered"}`,
        );
      }
      const batchId = String(triggered.batchId);
      return await this.results(batchId, executions, options, headers);
    });
  }

  /** The batch's results as SLIs; with retention delete the monitor goes afterwards, also when the check failed. */
  private async measured(
    monitor: { id: string; name: string; created: boolean },
    options: SyntheticCheckOptions,
    headers: Record<string, string>,
    run: () => Promise<Omit<SyntheticCheck, "monitorId" | "monitorName" | "monitor" | "deleted">>,
  ): Promise<SyntheticCheck> {
    const remove = async () =>
      dynatraceBody(
        this.v1,
        await this.v1.delete(`synthetic/monitors/${encodeURIComponent(monitor.id)}`, { headers }),
        `deleting the monitor ${monitor.name}`,
      );
    let outcome: Omit<SyntheticCheck, "monitorId" | "monitorName" | "monitor" | "deleted">;
    try {
      outcome = await run();
    } catch (error) {
      // The check's own error is the one to report; the monitor still goes when asked.
      if (options.retention === "delete") await remove().catch(() => {});
      throw error;
    }
    if (options.retention === "delete") await remove();
    return {
      monitorId: monitor.id,
      monitorName: monitor.name,
      monitor: monitor.created ? "created" : "updated",
      ...outcome,
      deleted: options.retention === "delete",
    };
  }

  private async results(
    batchId: string,
    executions: Array<{ executionId: string; locationId: string }>,
    options: SyntheticCheckOptions,
    headers: Record<string, string>,
  ): Promise<Omit<SyntheticCheck, "monitorId" | "monitorName" | "monitor" | "deleted">> {
    const status = await this.awaitBatch(batchId, options, headers);
    const results = await Promise.all(
      executions.map(async ({ executionId, locationId }) => {
        const report = dynatraceBody(
          this.v1,
          await this.v2.getJson(`synthetic/executions/${encodeURIComponent(executionId)}/fullReport`, {}, options.signal, headers),
          `the result of execution ${executionId}`,
        ) as { executionStage?: string; simpleResults?: Record<string, unknown> | Array<Record<string, unknown>> };
        // Dynatrace's own docs show simpleResults as an array of one with quoted numbers: read either.
        const simple = (Array.isArray(report?.simpleResults) ? report.simpleResults[0] : report?.simpleResults) ?? {};
        const failed = status.failed.get(executionId);
        const total = Number(simple.totalTime);
        const executed = report?.executionStage === "EXECUTED" || report?.executionStage === "DATA_RETRIEVED";
        return {
          executionId,
          locationId,
          success: executed && failed === undefined && String(simple.status ?? "SUCCESS").toUpperCase() === "SUCCESS",
          totalTimeMs: executed && Number.isFinite(total) ? total : null,
          failure: failed ?? (executed ? null : `not executed (${report?.executionStage ?? "no stage"})`),
        };
      }),
    );
    const times = results.flatMap((result) => (result.totalTimeMs === null ? [] : [result.totalTimeMs]));
    const slis: Record<string, number> = {
      [SYNTHETIC_SLIS.availability]: (100 * results.filter((result) => result.success).length) / results.length,
    };
    if (times.length > 0) slis[SYNTHETIC_SLIS.responseTime] = times.reduce((a, b) => a + b, 0) / times.length;
    return { batchId, executions: results, slis };
  }

  /** Polls the batch until it ends, with a progress line, bounded by the timeout. */
  private async awaitBatch(batchId: string, options: SyntheticCheckOptions, headers: Record<string, string>) {
    const started = Date.now();
    for (;;) {
      const status = dynatraceBody(
        this.v1,
        await this.v2.getJson(`synthetic/executions/batch/${encodeURIComponent(batchId)}`, {}, options.signal, headers),
        `the status of batch ${batchId}`,
      ) as {
        batchStatus?: string;
        failedExecutions?: Array<{ executionId: string; failureMessage?: string; errorCode?: string }>;
        failedToExecute?: Array<{ executionId: string; failureMessage?: string; errorCode?: string; executionStage?: string }>;
      };
      const state = status?.batchStatus ?? "RUNNING";
      const waited = Math.round((Date.now() - started) / 1000);
      if (TERMINAL.has(state)) {
        options.onProgress?.(`synthetic check: ${state.toLowerCase()} after ${waited} s`, true);
        const failed = new Map<string, string>();
        for (const failure of [...(status.failedExecutions ?? []), ...(status.failedToExecute ?? [])]) {
          failed.set(String(failure.executionId), failure.failureMessage || failure.errorCode || "failed");
        }
        return { state, failed };
      }
      if (Date.now() - started >= options.timeoutMs) {
        options.onProgress?.(`synthetic check: no result after ${waited} s`, true);
        throw new ExternalServiceError(
          "Dynatrace synthetic",
          "timeout",
          `the on-demand execution (batch ${batchId}) gave no result within ${Math.round(options.timeoutMs / 1000)} s`,
        );
      }
      options.onProgress?.(
        `synthetic check: waiting for the execution from ${options.locations.length || 1} location(s), ${waited} s (up to ${Math.round(options.timeoutMs / 1000)} s)`,
      );
      await sleep(options.pollMs ?? 2_000, options.signal);
    }
  }

  /** The first public location that runs HTTP monitors and is enabled. */
  private async defaultLocation(headers: Record<string, string>): Promise<string> {
    const body = dynatraceBody(
      this.v1,
      await this.v1.getJson("synthetic/locations", { type: "PUBLIC" }, undefined, headers),
      "listing the synthetic locations",
    ) as {
      locations?: Array<{ entityId?: string; capabilities?: string[]; status?: string }>;
    };
    const usable = (body?.locations ?? []).find(
      (location) =>
        location.entityId && (location.capabilities ?? ["HTTP"]).includes("HTTP") && (location.status ?? "ENABLED") === "ENABLED",
    );
    if (!usable?.entityId) {
      throw new SlogateError("INVALID_INPUT", "Dynatrace offers no public location that runs HTTP monitors", {
        suggestion: "Name one with --location <GEOLOCATION-… or SYNTHETIC_LOCATION-…>, or synthetic.locations in slogate.yaml",
      });
    }
    return usable.entityId;
  }
}
