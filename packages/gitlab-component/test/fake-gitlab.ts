import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

interface Note {
  id: number;
  body: string;
  system: boolean;
  author: { id: number; username: string };
}

export interface RecordedCall {
  method: string;
  path: string;
  token: string | undefined;
  body: string;
}

/**
 * GitLab's REST API as far as merge-request notes go: notes of a merge request (list, create,
 * edit) and the merge requests of a commit. Tokens are checked like GitLab does: unknown → 401,
 * read-only (the job token) → 403 on writes.
 */
export class FakeGitLab {
  readonly calls: RecordedCall[] = [];
  readonly notes = new Map<string, Note[]>();
  /** Commit SHA → merge requests that contain it. */
  readonly commitMergeRequests = new Map<string, Array<{ iid: number; state: string }>>();
  private server: Server | null = null;
  private nextId = 100;

  constructor(private readonly tokens: Record<string, "write" | "read">) {}

  get url(): string {
    if (!this.server) throw new Error("the fake GitLab is not started");
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => this.handle(request, response, body));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse, body: string): void {
    const url = new URL(request.url ?? "/", "http://localhost");
    const token = request.headers["private-token"] as string | undefined;
    this.calls.push({ method: request.method ?? "", path: url.pathname, token, body });
    const send = (status: number, payload: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(payload));
    };
    const access = token ? this.tokens[token] : undefined;
    if (!access) return send(401, { message: "401 Unauthorized" });
    // Every token acts as a user of its own (a project access token's bot user).
    const userId = Object.keys(this.tokens).indexOf(token ?? "") + 1;
    const user = { id: userId, username: `token-user-${userId}` };
    if (url.pathname === "/api/v4/user" && request.method === "GET") return send(200, user);
    const notesPath = /^\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes(?:\/(\d+))?$/.exec(url.pathname);
    const commitPath = /^\/api\/v4\/projects\/([^/]+)\/repository\/commits\/([^/]+)\/merge_requests$/.exec(url.pathname);
    if (commitPath && request.method === "GET") return send(200, this.commitMergeRequests.get(commitPath[2] ?? "") ?? []);
    if (!notesPath) return send(404, { message: "404 Not Found" });
    const key = `${decodeURIComponent(notesPath[1] ?? "")}!${notesPath[2]}`;
    const notes = this.notes.get(key) ?? [];
    this.notes.set(key, notes);
    if (request.method === "GET") return send(200, notes);
    if (access !== "write") return send(403, { message: "403 Forbidden" });
    const text = (JSON.parse(body || "{}") as { body?: string }).body ?? "";
    if (request.method === "POST") {
      const note = { id: this.nextId++, body: text, system: false, author: user };
      notes.push(note);
      return send(201, note);
    }
    if (request.method === "PUT") {
      const note = notes.find((n) => n.id === Number(notesPath[3]));
      if (!note) return send(404, { message: "404 Note Not Found" });
      if (note.author.id !== user.id) return send(403, { message: "403 Forbidden" });
      note.body = text;
      return send(200, note);
    }
    return send(405, { message: "405 Method Not Allowed" });
  }
}
