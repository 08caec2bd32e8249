// A small HTTP service to put load on: the performance self-service example gates on it.
// Usage: node server.mjs [port]   (0 or none: any free port; the URL is printed on stdout)
import { createServer } from "node:http";

const items = Array.from({ length: 20 }, (_, i) => ({ id: i + 1, name: `item ${i + 1}`, price: 5 + ((i * 37) % 50) }));

// /api/items stands for work with a database behind it: 5 to 9 ms per request, so response times
// look like a service's and stay steady from run to run.
let served = 0;
const routes = {
  "/": () => ({ status: 200, body: { service: "catalogue", version: "1.0.0" } }),
  "/health": () => ({ status: 200, body: { status: "up" } }),
  "/api/items": () => ({ status: 200, body: items, delayMs: 5 + (served++ % 5) }),
};

const server = createServer((request, response) => {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  const route = routes[path];
  const { status, body, delayMs = 0 } = route ? route() : { status: 404, body: { error: `no route ${path}` } };
  const text = JSON.stringify(body);
  const answer = () => {
    response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    response.end(text);
  };
  if (delayMs > 0) setTimeout(answer, delayMs);
  else answer();
});

server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  const { port } = server.address();
  process.stdout.write(`http://127.0.0.1:${port}\n`);
});

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
