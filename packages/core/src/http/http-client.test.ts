import { afterEach, describe, expect, it } from "vitest";
import { json, type LocalServer, localServer } from "../../test/local-server.js";
import { freePort } from "../../test/prometheus-server.js";
import { ExternalServiceError } from "./external-error.js";
import { HttpClient, type HttpClientOptions, retryAfterMs } from "./http-client.js";

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A client whose waits are recorded instead of slept, so backoff is asserted, not timed. */
function client(url: string, options: Partial<HttpClientOptions> = {}) {
  const waits: number[] = [];
  const http = new HttpClient({
    service: "Backend",
    baseUrl: url,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { http, waits };
}

describe("HttpClient over the wire", () => {
  it("retries 503 honouring Retry-After, then returns the answer", async () => {
    server = await localServer((_request, response, index) =>
      index < 2 ? json(response, 503, { error: "busy" }, { "retry-after": "2" }) : json(response, 200, { ok: true }),
    );
    const { http, waits } = client(server.url);
    expect(await http.getJson("api/x", { q: "1 + 1" })).toEqual({ status: 200, body: { ok: true } });
    expect(waits).toEqual([2000, 2000]);
    expect(server.requests.map((r) => r.url)).toEqual(["/api/x?q=1+%2B+1", "/api/x?q=1+%2B+1", "/api/x?q=1+%2B+1"]);
    await http.close();
  });

  it("backs off exponentially with jitter when no Retry-After is given, and stops after the retries", async () => {
    server = await localServer((_request, response) => json(response, 502, { error: "bad gateway" }));
    const { http, waits } = client(server.url, { retry: { retries: 3, baseDelayMs: 100 } });
    const answer = await http.getJson("x");
    expect(answer.status).toBe(502);
    expect(waits).toEqual([50, 100, 200]);
    expect(server.requests).toHaveLength(4);
    await http.close();
  });

  it("gives up on a 429 storm once the time budget would be exceeded", async () => {
    server = await localServer((_request, response) => json(response, 429, {}, { "retry-after": "30" }));
    const { http, waits } = client(server.url, { retry: { budgetMs: 45_000 } });
    expect((await http.getJson("x")).status).toBe(429);
    expect(waits).toEqual([30_000]);
    await http.close();
  });

  it("does not retry a POST after a timeout: the server may have acted on it", async () => {
    server = await localServer(() => {
      // never answers
    });
    const { http } = client(server.url, { timeoutMs: 200 });
    await expect(http.postJson("events", { a: 1 })).rejects.toMatchObject({ failure: "timeout" });
    expect(server.requests).toHaveLength(1);
    await expect(http.getJson("x")).rejects.toThrow(`Backend: GET ${server.url}/x timed out after 200 ms`);
    await http.close();
  });

  it("retries a GET after a timeout", async () => {
    server = await localServer((_request, response, index) => {
      if (index > 0) json(response, 200, { ok: 1 });
    });
    const { http } = client(server.url, { timeoutMs: 200 });
    expect((await http.getJson("x")).body).toEqual({ ok: 1 });
    expect(server.requests).toHaveLength(2);
    await http.close();
  });

  it("names the service and what to do when nothing listens", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const { http, waits } = client(url, { retry: { retries: 2 } });
    const error = await http.getJson("api").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExternalServiceError);
    expect((error as Error).message).toBe(
      `Backend: GET ${url}/api failed: ECONNREFUSED; check the URL, DNS, proxy (HTTPS_PROXY/NO_PROXY) and that the service is up`,
    );
    expect(waits).toHaveLength(2);
    await http.close();
  });

  it("never lets a secret into a message, even when the server echoes it", async () => {
    server = await localServer((request, response) =>
      json(response, 401, { error: `token ${request.headers.authorization} is not valid` }),
    );
    const { http } = client(server.url, { headers: { authorization: "Bearer s3cr3t-token-value" }, secrets: ["s3cr3t-token-value"] });
    const answer = await http.getJson("x");
    const error = http.errorFor(answer, "the query");
    expect(error.message).toBe("Backend: the query was refused: token Bearer *** is not valid (HTTP 401); check the token or credentials");
    expect(server.requests[0]?.headers.authorization).toBe("Bearer s3cr3t-token-value");
    await http.close();
  });

  it("refuses an answer that is not JSON", async () => {
    server = await localServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.end("<html>login</html>");
    });
    const { http } = client(server.url);
    await expect(http.getJson("x")).rejects.toMatchObject({ failure: "bad-response" });
    await http.close();
  });

  it("keeps at most `concurrency` requests in flight", async () => {
    let inFlight = 0;
    let most = 0;
    server = await localServer((_request, response) => {
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        json(response, 200, {});
      }, 30);
    });
    const { http } = client(server.url, { concurrency: 3 });
    await Promise.all(Array.from({ length: 10 }, () => http.getJson("x")));
    expect(most).toBe(3);
    expect(server.requests).toHaveLength(10);
    await http.close();
  });
});

describe("Retry-After", () => {
  it.each([
    ["5", 5000],
    ["0", 0],
    ["Thu, 01 Jan 2026 00:00:10 GMT", 10_000],
    ["soon", undefined],
    [undefined, undefined],
  ])("%s → %s ms", (value, ms) => {
    expect(retryAfterMs(value, Date.parse("2026-01-01T00:00:00Z"))).toBe(ms);
  });
});
