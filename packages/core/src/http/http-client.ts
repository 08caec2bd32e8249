import { readFileSync } from "node:fs";
import type { Dispatcher } from "undici";
import { ExternalServiceError, failureForStatus, redact } from "./external-error.js";
import { loadUndici } from "./undici-client.js";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry starts after this much time has passed since the first attempt. */
  budgetMs: number;
}

export interface HttpClientOptions {
  /** Named in every message: "Prometheus", "Dynatrace". */
  service: string;
  baseUrl: string;
  headers?: Record<string, string>;
  /** Values that must never appear in a message (tokens, passwords). */
  secrets?: string[];
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  concurrency?: number;
  /** Extra CA certificates (PEM file), trusted in addition to the system's. */
  caFile?: string;
  dispatcher?: Dispatcher;
  env?: Record<string, string | undefined>;
  /** Injected for tests of the backoff; defaults to timers and Math.random. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface HttpResponse {
  status: number;
  body: unknown;
  /** The Location header: where a created object is, for APIs that answer a create with no body. */
  location?: string;
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 250, maxDelayMs: 10_000, budgetMs: 60_000 };

/** Waits, and stops waiting (rejecting) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from now. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** What a service said in its error body: a plain text, `{error: "…"}`, `{error: {message}}` or `{message}`. */
function serviceMessage(body: unknown): string {
  if (typeof body === "string") return body.slice(0, 200);
  const {
    error,
    message,
    error_description: description,
  } = (body ?? {}) as { error?: unknown; message?: unknown; error_description?: unknown };
  if (typeof error === "string") return typeof description === "string" ? `${error}: ${description}` : error;
  const nested = (error as { message?: unknown } | undefined)?.message;
  if (typeof nested === "string") return nested;
  return typeof message === "string" ? message : "";
}

/** How a client's requests go out: a pool, or the proxy. */
async function dispatcherFor(options: HttpClientOptions): Promise<Dispatcher> {
  const env = options.env ?? process.env;
  const proxied = env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy;
  const { Agent, EnvHttpProxyAgent } = await loadUndici();
  if (options.dispatcher) return options.dispatcher;
  // TLS verification stays on; an extra CA is added to the system's, never replaces it.
  // tls (and the crypto it loads) is read only for an extra CA; undici loads it for https itself.
  const connect = options.caFile ? { ca: [...(await import("node:tls")).rootCertificates, readFileSync(options.caFile, "utf8")] } : {};
  if (proxied) {
    return new EnvHttpProxyAgent({
      ...(env.HTTP_PROXY || env.http_proxy ? { httpProxy: env.HTTP_PROXY || env.http_proxy } : {}),
      ...(env.HTTPS_PROXY || env.https_proxy ? { httpsProxy: env.HTTPS_PROXY || env.https_proxy } : {}),
      ...(env.NO_PROXY || env.no_proxy ? { noProxy: env.NO_PROXY || env.no_proxy } : {}),
      // The CA reaches the service through the tunnel (requestTls) and an HTTPS proxy (proxyTls)
      // as well as hosts reached directly (connect).
      connect,
      requestTls: connect,
      proxyTls: connect,
      // Plain HTTP goes to the proxy as a whole-URL request, as curl sends it: proxies commonly
      // allow CONNECT tunnels to port 443 only. HTTPS is tunnelled.
      proxyTunnel: false,
    });
  }
  return new Agent({ connect });
}

/**
 * The one HTTP client providers use: JSON over undici, a time limit per attempt, bounded retries
 * with backoff and jitter (honouring Retry-After), a cap on requests in flight, and errors that
 * name the service and never contain a secret.
 */
export class HttpClient {
  private dispatcher: Promise<Dispatcher> | undefined;
  private readonly retry: RetryPolicy;
  private readonly secrets: string[];
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly options: HttpClientOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.secrets = [...(options.secrets ?? [])];
    // SLOGATE_HTTP_TIMEOUT_MS sets the limit for every backend at once (slow networks, proxies).
    const fromEnv = Number((options.env ?? process.env).SLOGATE_HTTP_TIMEOUT_MS);
    this.timeoutMs = options.timeoutMs ?? (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 30_000);
    this.sleep = options.sleep ?? sleep;
    this.random = options.random ?? Math.random;
  }

  private getDispatcher(): Promise<Dispatcher> {
    this.dispatcher ??= dispatcherFor(this.options);
    return this.dispatcher;
  }

  /** The service this client talks to, as messages name it. */
  get service(): string {
    return this.options.service;
  }

  /** A value learnt at run time (an OAuth access token) that must be blanked like the others. */
  addSecret(secret: string): void {
    if (!this.secrets.includes(secret)) this.secrets.push(secret);
  }

  /** A text from outside (a server's error message) with every secret of this client blanked. */
  redact(text: string): string {
    return redact(text, this.secrets);
  }

  private fail(failure: ConstructorParameters<typeof ExternalServiceError>[1], detail: string, status?: number): ExternalServiceError {
    return new ExternalServiceError(this.options.service, failure, redact(detail, this.secrets), status);
  }

  private async slot<T>(work: () => Promise<T>): Promise<T> {
    const limit = this.options.concurrency ?? 8;
    if (this.active >= limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  url(path: string, query: Record<string, string> = {}): URL {
    const base = this.options.baseUrl.endsWith("/") || path === "" ? this.options.baseUrl : `${this.options.baseUrl}/`;
    const url = new URL(path.replace(/^\//, ""), base);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url;
  }

  /** GET returning parsed JSON; non-2xx answers come back too, for the caller to read the error body. */
  async getJson(
    path: string,
    query: Record<string, string> = {},
    signal?: AbortSignal,
    headers: Record<string, string> = {},
  ): Promise<HttpResponse> {
    return this.send("GET", this.url(path, query), undefined, true, signal, "application/json", headers);
  }

  /**
   * POST JSON. Not idempotent unless said so: after a timeout or a dropped connection the server
   * may have acted, so such a request is retried only when it surely was not received.
   */
  async postJson(
    path: string,
    body: unknown,
    options: { idempotent?: boolean; signal?: AbortSignal; headers?: Record<string, string>; query?: Record<string, string> } = {},
  ): Promise<HttpResponse> {
    return this.send(
      "POST",
      this.url(path, options.query),
      JSON.stringify(body),
      options.idempotent ?? false,
      options.signal,
      "application/json",
      options.headers,
    );
  }

  /** PUT JSON: a full replacement, idempotent by HTTP's definition, so retried like a GET. */
  async putJson(
    path: string,
    body: unknown,
    options: { signal?: AbortSignal; headers?: Record<string, string> } = {},
  ): Promise<HttpResponse> {
    return this.send("PUT", this.url(path), JSON.stringify(body), true, options.signal, "application/json", options.headers);
  }

  /** DELETE: idempotent; a repeat finds the object gone. */
  async delete(path: string, options: { signal?: AbortSignal; headers?: Record<string, string> } = {}): Promise<HttpResponse> {
    return this.send("DELETE", this.url(path), undefined, true, options.signal, "application/json", options.headers);
  }

  /** POST a form (OAuth token requests). */
  async postForm(path: string, form: URLSearchParams, options: { idempotent?: boolean; signal?: AbortSignal } = {}): Promise<HttpResponse> {
    return this.send(
      "POST",
      this.url(path),
      form.toString(),
      options.idempotent ?? false,
      options.signal,
      "application/x-www-form-urlencoded",
    );
  }

  private async send(
    method: "GET" | "POST" | "PUT" | "DELETE",
    url: URL,
    body: string | undefined,
    idempotent: boolean,
    signal?: AbortSignal,
    contentType = "application/json",
    headers: Record<string, string> = {},
  ): Promise<HttpResponse> {
    const started = Date.now();
    let slept = 0;
    const where = `${method} ${url.origin}${url.pathname}`;
    for (let attempt = 0; ; attempt++) {
      let outcome: { response?: HttpResponse & { retryAfter?: number }; error?: ExternalServiceError; received: boolean };
      try {
        outcome = { response: await this.slot(() => this.attempt(method, url, body, signal, contentType, headers)), received: true };
      } catch (error) {
        if (signal?.aborted) throw error;
        outcome = this.classify(error, where);
      }
      const { response } = outcome;
      const retryable = response
        ? RETRY_STATUSES.has(response.status) && (idempotent || response.status === 429 || response.status === 503)
        : idempotent || !outcome.received;
      if (!retryable || attempt >= this.retry.retries) {
        if (response) return response;
        throw outcome.error;
      }
      const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt) * this.random();
      const delay = response?.retryAfter ?? backoff;
      // Elapsed time counts the waits already made, however the clock behaves.
      if (Math.max(Date.now() - started, slept) + delay > this.retry.budgetMs) {
        if (response) return response;
        throw outcome.error;
      }
      await this.sleep(delay, signal);
      slept += delay;
    }
  }

  private classify(error: unknown, where: string): { error: ExternalServiceError; received: boolean } {
    const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code ?? "";
    const name = (error as Error).name;
    if (name === "TimeoutError" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
      return { error: this.fail("timeout", `${where} timed out after ${this.timeoutMs} ms`), received: true };
    }
    if (NETWORK_CODES.has(code)) {
      // A refused or unresolved connection never reached the server; a reset may have.
      const received = !(code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "UND_ERR_CONNECT_TIMEOUT");
      return { error: this.fail("network", `${where} failed: ${code}`), received };
    }
    if (error instanceof ExternalServiceError) return { error, received: true };
    return { error: this.fail("network", `${where} failed: ${(error as Error).message}`), received: true };
  }

  private async attempt(
    method: "GET" | "POST" | "PUT" | "DELETE",
    url: URL,
    body: string | undefined,
    signal: AbortSignal | undefined,
    contentType: string,
    headers: Record<string, string>,
  ) {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const dispatcher = await this.getDispatcher();
    const response = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method,
      headers: { accept: "application/json", ...(body ? { "content-type": contentType } : {}), ...this.options.headers, ...headers },
      ...(body !== undefined ? { body } : {}),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const text = await response.body.text();
    let parsed: unknown = text;
    if (text !== "") {
      try {
        parsed = JSON.parse(text);
      } catch {
        if (response.statusCode < 300) {
          throw this.fail(
            "bad-response",
            `${method} ${url.origin}${url.pathname} answered with something that is not JSON: ${text.slice(0, 120)}`,
            response.statusCode,
          );
        }
      }
    }
    const retryAfter = retryAfterMs(response.headers["retry-after"]);
    const location = response.headers.location;
    return {
      status: response.statusCode,
      body: parsed,
      ...(retryAfter !== undefined ? { retryAfter } : {}),
      ...(typeof location === "string" ? { location } : {}),
    };
  }

  /** Turns a non-2xx answer into the typed error, with the service's own message when it sent one. */
  errorFor(response: HttpResponse, what: string): ExternalServiceError {
    const said = serviceMessage(response.body);
    return this.fail(failureForStatus(response.status), `${what} was refused${said ? `: ${said}` : ""}`, response.status);
  }

  async close(): Promise<void> {
    if (!this.options.dispatcher && this.dispatcher) await (await this.dispatcher).close();
  }
}
