import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Comment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

/** A local GitHub REST API for the calls the action makes: list, create and update issue comments. */
export class FakeGitHub {
  readonly comments: Comment[] = [];
  readonly calls: Array<{ method: string; path: string; authorization: string | undefined }> = [];
  /** Answer 403 as GitHub does for a fork's read-only token. */
  readOnly = false;
  url = "";
  private readonly server = createServer((request, response) => this.handle(request, response));

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      const path = new URL(request.url ?? "/", "http://x").pathname;
      this.calls.push({ method: request.method ?? "", path, authorization: request.headers.authorization });
      const send = (status: number, payload: unknown) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(payload));
      };
      if (path === "/graphql" && request.method === "POST") return send(200, { data: { viewer: { login: "github-actions[bot]" } } });
      const list = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(path);
      const edit = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(path);
      if (list && request.method === "GET") return send(200, this.comments);
      if (this.readOnly) return send(403, { message: "Resource not accessible by integration", status: "403" });
      if (list && request.method === "POST") {
        const comment = {
          id: 1000 + this.comments.length,
          body: JSON.parse(body).body as string,
          user: { login: "github-actions[bot]", type: "Bot" },
        };
        this.comments.push(comment);
        return send(201, comment);
      }
      if (edit && request.method === "PATCH") {
        const comment = this.comments.find((c) => c.id === Number(edit[1]));
        if (!comment) return send(404, { message: "Not Found" });
        comment.body = JSON.parse(body).body as string;
        return send(200, comment);
      }
      send(404, { message: `Not Found: ${request.method} ${path}` });
    });
  }
}
