import { ExternalServiceError } from "../http/external-error.js";
import { DynatraceClassicApi, type DynatraceCredentials, type DynatraceEndpoints, dynatraceBody } from "../sli/dynatrace/connection.js";

/** A Dynatrace problem, as the Problems API v2 states it (the fields remediation uses). */
export interface Problem {
  problemId: string;
  displayId: string;
  title: string;
  status: "OPEN" | "CLOSED";
  impactLevel: string;
  severityLevel: string;
  /** null when Dynatrace named no root cause. */
  rootCause: { id: string; type: string; name: string } | null;
  affectedEntities: Array<{ id: string; type: string; name: string }>;
}

export interface ProblemComment {
  id: string;
  createdAtTimestamp: number;
  content: string;
  context: string;
}

/** The comment context Dynatrace shows next to slogate's comments (Keptn used keptn-remediation). */
export const COMMENT_CONTEXT = "slogate-remediation";

type EntityStub = { entityId?: { id?: string; type?: string }; name?: string } | null | undefined;

function entity(stub: EntityStub): Problem["rootCause"] {
  const id = stub?.entityId?.id;
  return id ? { id, type: stub?.entityId?.type ?? "", name: stub?.name ?? id } : null;
}

/** What remediation reads from and writes to Dynatrace: problems and their comments. */
export interface ProblemsApi {
  problem(id: string, signal?: AbortSignal): Promise<Problem>;
  comments(id: string, signal?: AbortSignal): Promise<ProblemComment[]>;
  comment(id: string, message: string, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** The Problems API v2: `problems.read` to read a problem and its comments, `problems.write` to comment. */
export class DynatraceProblems extends DynatraceClassicApi implements ProblemsApi {
  constructor(endpoints: DynatraceEndpoints, credentials: DynatraceCredentials) {
    super("Dynatrace problems", endpoints, credentials);
  }

  async problem(id: string, signal?: AbortSignal): Promise<Problem> {
    const response = await this.client.getJson(`problems/${encodeURIComponent(id)}`, {}, signal, await this.auth.classic(signal));
    const body = dynatraceBody(this.client, response, `problem ${id}`) as {
      problemId?: string;
      displayId?: string;
      title?: string;
      status?: string;
      impactLevel?: string;
      severityLevel?: string;
      rootCauseEntity?: EntityStub;
      affectedEntities?: EntityStub[];
    };
    if (typeof body?.problemId !== "string" || typeof body.title !== "string") {
      throw new ExternalServiceError("Dynatrace problems", "bad-response", `problem ${id}: the answer has no problemId or title`);
    }
    return {
      problemId: body.problemId,
      displayId: body.displayId ?? body.problemId,
      title: body.title,
      status: body.status === "CLOSED" ? "CLOSED" : "OPEN",
      impactLevel: body.impactLevel ?? "",
      severityLevel: body.severityLevel ?? "",
      rootCause: entity(body.rootCauseEntity),
      affectedEntities: (body.affectedEntities ?? []).flatMap((stub) => {
        const found = entity(stub);
        return found ? [found] : [];
      }),
    };
  }

  async comments(id: string, signal?: AbortSignal): Promise<ProblemComment[]> {
    const all: ProblemComment[] = [];
    let query: Record<string, string> = { pageSize: "500" };
    for (;;) {
      const response = await this.client.getJson(
        `problems/${encodeURIComponent(id)}/comments`,
        query,
        signal,
        await this.auth.classic(signal),
      );
      const body = dynatraceBody(this.client, response, `the comments of problem ${id}`) as {
        comments?: ProblemComment[];
        nextPageKey?: string | null;
      };
      all.push(...(body?.comments ?? []));
      if (!body?.nextPageKey) return all;
      // With a page key, Dynatrace wants no other parameter.
      query = { nextPageKey: body.nextPageKey };
    }
  }

  async comment(id: string, message: string, signal?: AbortSignal): Promise<void> {
    const response = await this.client.postJson(
      `problems/${encodeURIComponent(id)}/comments`,
      { message, context: COMMENT_CONTEXT },
      { headers: await this.auth.classic(signal), ...(signal ? { signal } : {}) },
    );
    dynatraceBody(this.client, response, `a comment on problem ${id}`);
  }
}
