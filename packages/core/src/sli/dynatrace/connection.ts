import { SlogateError } from "../../errors.js";
import { ExternalServiceError, failureForStatus } from "../../http/external-error.js";
import { HttpClient, type HttpClientOptions, type HttpResponse } from "../../http/http-client.js";

/** Where the two API families of one Dynatrace environment live. */
export interface DynatraceEndpoints {
  /** Environment API v2 base: `…/api/v2/`, or through the platform gateway. */
  classic: string;
  /** Platform base (Grail/DQL): `https://<env>.apps.dynatrace.com/platform/`. */
  platform: string;
  /** Where people open the environment in a browser. */
  ui: string;
  /** True when the classic API is reached through the platform gateway (Bearer auth). */
  gateway: boolean;
}

/**
 * Accepts the URL forms people paste: SaaS `https://<env>.live.dynatrace.com`, Managed
 * `https://<host>/e/<env>`, platform `https://<env>.apps.dynatrace.com`, and either of those with
 * `/api/v2` or `/platform/classic/environment-api/v2` already appended. A scheme-less host gets
 * https, as Keptn did.
 */
export function dynatraceEndpoints(raw: string): DynatraceEndpoints {
  let text = raw.trim().replace(/\/+$/, "");
  if (!/^[a-z]+:\/\//i.test(text)) text = `https://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SlogateError("INVALID_USAGE", `Dynatrace URL ${JSON.stringify(raw)} is not a URL`, {
      suggestion: "Use https://<env>.live.dynatrace.com, https://<host>/e/<env> or https://<env>.apps.dynatrace.com",
    });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new SlogateError("INVALID_USAGE", `Dynatrace URL ${JSON.stringify(raw)} is not http(s)`, {
      suggestion: "Start it with https://",
    });
  }
  const path = url.pathname.replace(/\/(api\/v2|platform\/classic\/environment-api\/v2)\/?$/, "").replace(/\/+$/, "");
  const origin = url.origin;
  if (url.hostname.includes(".apps.")) {
    return {
      classic: `${origin}/platform/classic/environment-api/v2/`,
      platform: `${origin}/platform/`,
      ui: origin,
      gateway: true,
    };
  }
  const appsOrigin = url.hostname.includes(".live.") ? origin.replace(".live.", ".apps.") : `${origin}${path}`;
  return { classic: `${origin}${path}/api/v2/`, platform: `${appsOrigin}/platform/`, ui: `${origin}${path}`, gateway: false };
}

export interface DynatraceCredentials {
  apiToken?: string;
  /** Platform token or OAuth client: Bearer auth for Grail and the platform gateway. */
  platformToken?: string;
  oauth?: { clientId: string; clientSecret: string; accountUrn: string; tokenUrl: string; scope: string };
}

export const DEFAULT_SSO_URL = "https://sso.dynatrace.com/sso/oauth2/token";
export const PLATFORM_SCOPES =
  "storage:buckets:read storage:events:read storage:metrics:read storage:logs:read storage:bizevents:read storage:spans:read";

interface CachedToken {
  token: string;
  expiresAt: number;
}

/**
 * Bearer tokens for the platform APIs: a platform token as it is, or OAuth client credentials
 * exchanged at the SSO endpoint and reused until shortly before they expire.
 */
export class BearerTokenSource {
  private cached: CachedToken | undefined;
  private pending: Promise<string> | undefined;
  private readonly sso: HttpClient | undefined;

  constructor(
    private readonly credentials: DynatraceCredentials,
    http: Partial<HttpClientOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    if (credentials.oauth) {
      this.sso = new HttpClient({
        ...http,
        service: "Dynatrace SSO",
        baseUrl: credentials.oauth.tokenUrl,
        secrets: [credentials.oauth.clientSecret],
      });
    }
  }

  get available(): boolean {
    return Boolean(this.credentials.platformToken || this.credentials.oauth);
  }

  async token(signal?: AbortSignal): Promise<string> {
    if (this.credentials.platformToken) return this.credentials.platformToken;
    if (this.cached && this.cached.expiresAt > this.now()) return this.cached.token;
    this.pending ??= this.exchange(signal).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async exchange(signal?: AbortSignal): Promise<string> {
    const oauth = this.credentials.oauth;
    if (!oauth || !this.sso) {
      throw new SlogateError(
        "INVALID_USAGE",
        "DQL queries and platform URLs (https://<env>.apps.dynatrace.com) need a platform token or an OAuth client",
        {
          suggestion: "Set DT_PLATFORM_TOKEN, or DT_CLIENT_ID, DT_CLIENT_SECRET and DT_ACCOUNT_URN",
        },
      );
    }
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: oauth.clientId,
      client_secret: oauth.clientSecret,
      scope: oauth.scope,
      resource: oauth.accountUrn,
    });
    const response = await this.sso.postForm("", form, { idempotent: true, ...(signal ? { signal } : {}) });
    const body = response.body as { access_token?: unknown; expires_in?: unknown };
    if (response.status >= 300) throw this.sso.errorFor(response, "the OAuth token request");
    if (typeof body.access_token !== "string")
      throw this.sso.errorFor({ status: 502, body: "no access_token in the answer" }, "the OAuth token request");
    const lifetime = typeof body.expires_in === "number" ? body.expires_in : 300;
    // Renew 30 s early so a token never expires between check and use.
    this.cached = { token: body.access_token, expiresAt: this.now() + Math.max(0, lifetime - 30) * 1000 };
    return body.access_token;
  }

  async close(): Promise<void> {
    await this.sso?.close();
  }
}

/** Where a Dynatrace connection's settings come from: slogate.yaml, else the environment. */
export interface DynatraceConnectionSettings {
  url?: string;
  "token-env"?: string;
  "platform-token-env"?: string;
}

/**
 * DT_URL and DT_API_TOKEN (or DT_PLATFORM_TOKEN, or DT_CLIENT_ID + DT_CLIENT_SECRET +
 * DT_ACCOUNT_URN for OAuth) configure Dynatrace when slogate.yaml does not. Secrets are only ever
 * read from the environment.
 */
export function dynatraceConnection(
  config: DynatraceConnectionSettings,
  env: Record<string, string | undefined>,
): { endpoints: DynatraceEndpoints; credentials: DynatraceCredentials } {
  const url = config.url ?? env.DT_URL;
  if (!url) {
    throw new SlogateError("INVALID_USAGE", "Dynatrace needs the environment URL", {
      suggestion: "Set DT_URL, or providers.dynatrace.url in slogate.yaml",
    });
  }
  const apiToken = env[config["token-env"] ?? "DT_API_TOKEN"];
  const platformToken = env[config["platform-token-env"] ?? "DT_PLATFORM_TOKEN"];
  const oauth =
    env.DT_CLIENT_ID && env.DT_CLIENT_SECRET && env.DT_ACCOUNT_URN
      ? {
          clientId: env.DT_CLIENT_ID,
          clientSecret: env.DT_CLIENT_SECRET,
          accountUrn: env.DT_ACCOUNT_URN,
          tokenUrl: env.DT_SSO_URL ?? DEFAULT_SSO_URL,
          scope: PLATFORM_SCOPES,
        }
      : undefined;
  if (!apiToken && !platformToken && !oauth) {
    throw new SlogateError("INVALID_USAGE", "Dynatrace has no credentials", {
      suggestion: "Set DT_API_TOKEN (or DT_PLATFORM_TOKEN, or DT_CLIENT_ID, DT_CLIENT_SECRET and DT_ACCOUNT_URN)",
    });
  }
  return {
    endpoints: dynatraceEndpoints(url),
    credentials: { ...(apiToken ? { apiToken } : {}), ...(platformToken ? { platformToken } : {}), ...(oauth ? { oauth } : {}) },
  };
}

/** Dynatrace's error envelope in one line: status, message, and each constraint violation. */
export function dynatraceErrorText(response: HttpResponse): string {
  const body = response.body as
    | { error?: { message?: string; constraintViolations?: Array<{ path?: string; message?: string }> } }
    | string;
  if (typeof body === "string") return `HTTP ${response.status}${body ? `: ${body.slice(0, 200)}` : ""}`;
  const error = body?.error;
  const violations = (error?.constraintViolations ?? []).map((v) => ` [${v.path ?? ""}: ${v.message ?? ""}]`).join("");
  return `HTTP ${response.status}${error?.message ? `: ${error.message}` : ""}${violations}`;
}

/** A 2xx answer's body; any other answer the service's refusal, with Dynatrace's reason and no secret in it. */
export function dynatraceBody(client: HttpClient, response: HttpResponse, what: string): unknown {
  if (response.status >= 200 && response.status < 300) return response.body;
  throw new ExternalServiceError(
    client.service,
    failureForStatus(response.status),
    `${what}: ${client.redact(dynatraceErrorText(response))}`,
    response.status,
  );
}

/** The secrets a set of credentials holds, for redaction. */
export function secretsOf(credentials: DynatraceCredentials): string[] {
  return [credentials.apiToken, credentials.platformToken, credentials.oauth?.clientSecret].filter((s): s is string => Boolean(s));
}

/**
 * Authorization for one environment: `Api-Token` for the classic API, Bearer for Grail and the
 * platform gateway. Tokens learnt at run time are blanked in every client's messages too.
 */
export class DynatraceAuth {
  private readonly bearer: BearerTokenSource;

  constructor(
    private readonly credentials: DynatraceCredentials,
    private readonly endpoints: DynatraceEndpoints,
    private readonly clients: readonly HttpClient[],
    http: Partial<HttpClientOptions> = {},
  ) {
    this.bearer = new BearerTokenSource(credentials, http);
  }

  async platform(signal?: AbortSignal): Promise<Record<string, string>> {
    const token = await this.bearer.token(signal);
    for (const client of this.clients) client.addSecret(token);
    return { authorization: `Bearer ${token}` };
  }

  async classic(signal?: AbortSignal): Promise<Record<string, string>> {
    const { apiToken } = this.credentials;
    if (apiToken && !this.endpoints.gateway) return { authorization: `Api-Token ${apiToken}` };
    return this.platform(signal);
  }

  close(): Promise<void> {
    return this.bearer.close();
  }
}

/**
 * A client of one Dynatrace classic API (the Environment API v2 and its neighbours) through one
 * HTTP client named after it, with the token's or the OAuth client's authorization.
 */
export abstract class DynatraceClassicApi {
  protected readonly client: HttpClient;
  protected readonly auth: DynatraceAuth;

  constructor(service: string, endpoints: DynatraceEndpoints, credentials: DynatraceCredentials, env?: Record<string, string | undefined>) {
    this.client = new HttpClient({ service, baseUrl: endpoints.classic, secrets: secretsOf(credentials), ...(env ? { env } : {}) });
    this.auth = new DynatraceAuth(credentials, endpoints, [this.client]);
  }

  async close(): Promise<void> {
    await Promise.all([this.client.close(), this.auth.close()]);
  }
}
