import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { type AddressInfo, connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "./http-client.js";

// A TLS service with its own certificate authority, and a forwarding proxy in front of it, as a
// corporate network puts them: HTTPS goes through the proxy as a CONNECT tunnel, plain HTTP as an
// absolute-form request.
const dir = mkdtempSync(join(tmpdir(), "slogate-tls-"));
const keyFile = join(dir, "key.pem");
const certFile = join(dir, "cert.pem");
execFileSync(
  "openssl",
  ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"].concat([
    "-addext",
    "subjectAltName=IP:127.0.0.1",
    "-keyout",
    keyFile,
    "-out",
    certFile,
  ]),
  { stdio: "ignore" },
);

const listen = (server: Server) =>
  new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

let tlsService: Server;
let plainService: Server;
let proxy: Server;
let tlsUrl = "";
let plainUrl = "";
let proxyUrl = "";
/** What the proxy was asked: `CONNECT host:port` tunnels and absolute-form requests. */
const proxied: string[] = [];
const sockets = new Set<Socket>();

beforeAll(async () => {
  const { readFileSync } = await import("node:fs");
  tlsService = createHttpsServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ over: "tls", path: request.url }));
  });
  plainService = createHttpServer((request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ over: "http", path: request.url }));
  });
  proxy = createHttpServer((request, response) => {
    // A plain-HTTP request through a proxy names the whole URL.
    proxied.push(`${request.method} ${request.url}`);
    const target = new URL(request.url ?? "");
    const upstream = connect(Number(target.port), target.hostname, () => {
      upstream.write(`${request.method} ${target.pathname}${target.search} HTTP/1.1\r\nhost: ${target.host}\r\nconnection: close\r\n\r\n`);
      upstream.pipe(response.socket as Socket);
    });
  });
  proxy.on("connect", (request, client: Socket, head: Buffer) => {
    proxied.push(`CONNECT ${request.url}`);
    const [host = "", port = ""] = (request.url ?? "").split(":");
    const upstream = connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => socket.destroy());
    }
  });
  tlsUrl = `https://127.0.0.1:${await listen(tlsService)}`;
  plainUrl = `http://127.0.0.1:${await listen(plainService)}`;
  proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  for (const server of [tlsService, plainService, proxy]) server.closeAllConnections();
  await Promise.all([close(tlsService), close(plainService), close(proxy)]);
});

describe("HttpClient through a proxy and over TLS", () => {
  it("tunnels HTTPS through HTTPS_PROXY, trusting the extra CA next to the system's", async () => {
    proxied.length = 0;
    const http = new HttpClient({ service: "Backend", baseUrl: tlsUrl, caFile: certFile, env: { HTTPS_PROXY: proxyUrl } });
    expect(await http.getJson("api/v2/metrics", { pageSize: "1" })).toEqual({
      status: 200,
      body: { over: "tls", path: "/api/v2/metrics?pageSize=1" },
    });
    expect(proxied).toEqual([`CONNECT ${new URL(tlsUrl).host}`]);
    await http.close();
  });

  it("sends plain HTTP through HTTP_PROXY as a whole-URL request, and goes direct for a NO_PROXY host", async () => {
    proxied.length = 0;
    const viaProxy = new HttpClient({ service: "Backend", baseUrl: plainUrl, env: { HTTP_PROXY: proxyUrl } });
    expect(await viaProxy.getJson("api/v1/query", { query: "up" })).toEqual({
      status: 200,
      body: { over: "http", path: "/api/v1/query?query=up" },
    });
    expect(proxied).toEqual([`GET ${plainUrl}/api/v1/query?query=up`]);
    await viaProxy.close();

    const direct = new HttpClient({
      service: "Backend",
      baseUrl: tlsUrl,
      caFile: certFile,
      env: { HTTPS_PROXY: proxyUrl, NO_PROXY: "127.0.0.1" },
    });
    expect((await direct.getJson("x")).status).toBe(200);
    expect(proxied).toEqual([`GET ${plainUrl}/api/v1/query?query=up`]);
    await direct.close();
  });

  it("refuses a certificate it cannot verify: TLS verification is never off", async () => {
    const http = new HttpClient({ service: "Backend", baseUrl: tlsUrl, env: {}, retry: { retries: 0 } });
    await expect(http.getJson("x")).rejects.toThrow(
      /Backend: GET https:\/\/127\.0\.0\.1:\d+\/x failed: .*(SELF_SIGNED|self-signed|certificate)/i,
    );
    await http.close();
  });
});
