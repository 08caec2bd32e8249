import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PreviousEvaluation } from "../engine/types.js";
import { SlogateError } from "../errors.js";
import { PROPERTY_LIMITS } from "../events/dynatrace.js";
import { ExternalServiceError } from "../http/external-error.js";
import { sleep } from "../http/http-client.js";
import type { SlogateResult } from "../result/result.js";
import { DynatraceClassicApi, type DynatraceCredentials, type DynatraceEndpoints, dynatraceBody } from "../sli/dynatrace/connection.js";
import { FileHistoryStore } from "./file-store.js";
import type { HistoryStore, SelectionOptions } from "./history-store.js";
import type { StoredEvaluation } from "./records.js";

/** `--history dynatrace`: the history kept in Dynatrace instead of a file. */
export const DYNATRACE_HISTORY = "dynatrace";

/** The property that keys one gate's history: `<project>/<stage>/<service>`. */
export const HISTORY_PROPERTY = "slogate.history";
const RECORD_PROPERTY = "slogate.record";
/** Properties left for the record after the key, the count, the id and the title's data. */
const RECORD_CHUNKS = PROPERTY_LIMITS.count - 10;
const CHUNK_LENGTH = PROPERTY_LIMITS.valueLength;
/** Davis events are kept 14 months; the history reads that far back. */
const RETENTION = "now-14M";
const INFO_EVENT_MAX_AGE_MS = 29 * 24 * 60 * 60 * 1000;

export interface DynatraceHistoryOptions {
  endpoints: DynatraceEndpoints;
  credentials: DynatraceCredentials;
  /** project, stage and service: the gate whose history this is. */
  labels: Record<string, string>;
  /** How long a stored result may take to become readable before the run warns (default 60 s); 0 does not wait. */
  readYourWriteMs?: number;
  pollMs?: number;
  onWarning?: (message: string) => void;
  env?: Record<string, string | undefined>;
}

type EventProperties = Array<{ key: string; value: string }>;

/**
 * History kept in Dynatrace as events: each result a CUSTOM_INFO event whose properties carry the
 * result's JSON in 4,096-character pieces, keyed by the gate's project, stage and service; an
 * invalidation is an event too. Read back with the Events API v2 (`eventSelector` on the key), so
 * a pipeline needs no file, branch or cache. Ingested events become readable after a short
 * delay: a stored result is read back before the run ends (with a bound), so the next run finds it.
 */
export class DynatraceHistoryStore extends DynatraceClassicApi implements HistoryStore {
  private readonly key: string;

  constructor(private readonly options: DynatraceHistoryOptions) {
    super("Dynatrace history", options.endpoints, options.credentials, options.env);
    const { project, stage, service } = options.labels;
    if (!project || !stage || !service) {
      throw new SlogateError("INVALID_USAGE", "history in Dynatrace is kept per project, stage and service", {
        suggestion: "Pass --labels project=<p>,stage=<s>,service=<svc> (or set labels in slogate.yaml)",
      });
    }
    this.key = `${project}/${stage}/${service}`;
  }

  get location(): string {
    return `Dynatrace events (${HISTORY_PROPERTY} ${this.key}) in ${this.options.endpoints.ui}`;
  }

  list(): Promise<StoredEvaluation[]> {
    return this.withLines((store) => store.list());
  }

  selectPrevious(options: SelectionOptions): Promise<PreviousEvaluation[]> {
    return this.withLines((store) => store.selectPrevious(options));
  }

  async append(result: SlogateResult): Promise<void> {
    const record = fitting(result);
    await this.ingest(`slogate result: ${result.result} (score ${Math.round(result.score * 100) / 100})`, Date.parse(result.time), {
      "slogate.result.id": result.id,
      ...chunked(JSON.stringify(record)),
    });
    await this.awaitReadable(`"id":${JSON.stringify(result.id)}`, `the result ${result.id}`);
  }

  async invalidate(id: string, reason: string, time: string): Promise<void> {
    const known = (await this.list()).some((entry) => entry.id === id);
    if (!known) {
      throw new SlogateError("NOT_FOUND", `no result with id ${id} in ${this.location}`, {
        suggestion: "Run `slogate history list --history dynatrace` to see the stored result ids",
      });
    }
    const line = { schemaVersion: 1, kind: "invalidation", invalidates: id, time, reason };
    await this.ingest(`slogate invalidation: ${id}`, Date.parse(time), { "slogate.invalidates": id, ...chunked(JSON.stringify(line)) });
    await this.awaitReadable(`"invalidates":${JSON.stringify(id)}`, `the invalidation of ${id}`);
  }

  /** The history's lines, oldest first, as a JSON Lines file the file store reads (one reader for all). */
  private async withLines<T>(work: (store: FileHistoryStore) => Promise<T>): Promise<T> {
    const lines = await this.records();
    const dir = await mkdtemp(join(tmpdir(), "slogate-dt-history-"));
    try {
      const path = join(dir, "history.jsonl");
      await writeFile(path, lines.map((line) => `${line}\n`).join(""));
      return await work(new FileHistoryStore(path, this.options.onWarning ? { onWarning: this.options.onWarning } : {}));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Every stored line of this gate, oldest first, reassembled from its events' properties. */
  private async records(): Promise<string[]> {
    const events: Array<{ startTime: number; properties: EventProperties }> = [];
    let query: Record<string, string> = {
      eventSelector: `eventType("CUSTOM_INFO"),property.${HISTORY_PROPERTY}("${this.key}")`,
      from: RETENTION,
      pageSize: "1000",
    };
    for (;;) {
      const response = await this.client.getJson("events", query, undefined, await this.auth.classic());
      const body = dynatraceBody(this.client, response, "reading the history events") as {
        events?: Array<{ startTime?: number; properties?: EventProperties }>;
        nextPageKey?: string | null;
      };
      for (const event of body?.events ?? []) events.push({ startTime: event.startTime ?? 0, properties: event.properties ?? [] });
      if (!body?.nextPageKey) break;
      query = { nextPageKey: body.nextPageKey };
    }
    // Ordered by the record's own time: an imported or back-dated result keeps its place.
    return events
      .flatMap(({ startTime, properties }) => {
        const map = new Map(properties.map(({ key, value }) => [key, value]));
        const count = Number(map.get(`${RECORD_PROPERTY}.count`) ?? 0);
        const parts = Array.from({ length: count }, (_, i) => map.get(`${RECORD_PROPERTY}.${i}`));
        if (count === 0 || parts.some((part) => part === undefined)) {
          this.options.onWarning?.(`slogate: warning: skipped a history event of ${this.key} without its whole record`);
          return [];
        }
        const text = parts.join("");
        const time = Date.parse(/"time":"([^"]+)"/.exec(text)?.[1] ?? "");
        return [{ time: Number.isNaN(time) ? startTime : time, text }];
      })
      .sort((a, b) => a.time - b.time)
      .map(({ text }) => text);
  }

  private async ingest(title: string, time: number, properties: Record<string, string>): Promise<void> {
    // Info events may be dated at most 30 days back; an older record keeps its own time inside.
    const now = Date.now();
    const at = Number.isNaN(time) || time < now - INFO_EVENT_MAX_AGE_MS || time > now ? now : time;
    const body = {
      eventType: "CUSTOM_INFO",
      title,
      startTime: at,
      endTime: at,
      properties: { "dt.event.source": "slogate", [HISTORY_PROPERTY]: this.key, ...properties },
    };
    // No blind retry: ingest has no idempotency key, a retried POST could store the result twice.
    try {
      const response = await this.client.postJson("events/ingest", body, { headers: await this.auth.classic(), idempotent: false });
      dynatraceBody(this.client, response, "storing the result as an event");
    } catch (error) {
      // A history that cannot be written costs the run its record, not its verdict.
      if (error instanceof ExternalServiceError) throw new SlogateError("HISTORY_IO", error.message, { cause: error });
      throw error;
    }
  }

  /** Waits, with a bound, until what was just stored is readable: Dynatrace indexes events with a delay. */
  private async awaitReadable(marker: string, what: string): Promise<void> {
    const bound = this.options.readYourWriteMs ?? 60_000;
    if (bound === 0) return;
    const poll = this.options.pollMs ?? 1_000;
    const started = Date.now();
    for (;;) {
      let records: string[];
      try {
        records = await this.records();
      } catch (error) {
        // Stored already: a read-back that fails costs a warning, never the verdict.
        if (!(error instanceof ExternalServiceError)) throw error;
        this.options.onWarning?.(`slogate: warning: ${what} was stored in Dynatrace but could not be read back: ${error.message}`);
        return;
      }
      if (records.some((record) => record.includes(marker))) return;
      if (Date.now() - started >= bound) {
        this.options.onWarning?.(
          `slogate: warning: ${what} was stored in Dynatrace but is not readable yet after ${Math.round(bound / 1000)} s; a run started now may not see it`,
        );
        return;
      }
      await sleep(poll);
    }
  }
}

/** A JSON text in numbered properties of Dynatrace's largest value length. */
function chunked(json: string): Record<string, string> {
  const count = Math.ceil(json.length / CHUNK_LENGTH);
  const properties: Record<string, string> = { [`${RECORD_PROPERTY}.count`]: String(count) };
  for (let i = 0; i < count; i++) properties[`${RECORD_PROPERTY}.${i}`] = json.slice(i * CHUNK_LENGTH, (i + 1) * CHUNK_LENGTH);
  return properties;
}

/**
 * The result as it fits in one event: whole when it can be; without its per-request samples
 * (kept for the statistical comparison) when only those make it too large; refused otherwise.
 */
function fitting(result: SlogateResult): SlogateResult {
  const fits = (value: SlogateResult) => Math.ceil(JSON.stringify(value).length / CHUNK_LENGTH) <= RECORD_CHUNKS;
  if (fits(result)) return result;
  const lean = { ...result, objectives: result.objectives.map(({ samples: _samples, ...objective }) => objective) } as SlogateResult;
  if (fits(lean)) return lean;
  throw new SlogateError(
    "HISTORY_IO",
    `the result ${result.id} is larger than one Dynatrace event can carry (${RECORD_CHUNKS} × ${CHUNK_LENGTH} characters)`,
    {
      suggestion: "Keep this gate's history in a file or a branch (--history <file> or --history-branch)",
    },
  );
}
