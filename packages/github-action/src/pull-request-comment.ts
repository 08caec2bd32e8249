/** The hidden first line that finds a gate's comment again; keyed, so two gates keep two comments. */
export function commentMarker(key: string): string {
  return `<!-- slogate:report ${key.replace(/-->/g, "")} -->`;
}

/** Who the token posts as: GraphQL's viewer works for the job's GITHUB_TOKEN too (REST /user does not). */
async function viewerLogin(octokit: { graphql: (query: string) => Promise<unknown> }): Promise<string> {
  try {
    const answer = (await octokit.graphql("query { viewer { login } }")) as { viewer?: { login?: string } };
    return answer.viewer?.login ?? "github-actions[bot]";
  } catch {
    return "github-actions[bot]";
  }
}
/** GitHub refuses comment bodies over 65,536 characters. */
export const COMMENT_LIMIT = 65_000;

export type CommentOutcome =
  | { kind: "created" | "updated"; id: number }
  | { kind: "not-allowed"; reason: string }
  | { kind: "no-pull-request" };

/**
 * Keeps one comment per gate on the pull request, found again by its keyed hidden marker and
 * edited in place — only a comment this token wrote itself, never someone else's that carries the
 * marker.
 */
export async function upsertPullRequestComment(token: string, markdown: string, key: string): Promise<CommentOutcome> {
  // Loaded when a comment is due: most runs (push, no token) never need the REST client.
  const github = await import("@actions/github");
  const { context } = github;
  const number = context.payload.pull_request?.number;
  if (!number) return { kind: "no-pull-request" };
  const octokit = github.getOctokit(token, { baseUrl: process.env.GITHUB_API_URL ?? "https://api.github.com" });
  const marker = commentMarker(key);
  const body = `${marker}\n${markdown}`;
  const target = { ...context.repo, issue_number: number };
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...target, per_page: 100 });
    const me = await viewerLogin(octokit);
    const mine = comments.find((comment) => comment.body?.startsWith(`${marker}\n`) && comment.user?.login === me);
    if (mine) {
      await octokit.rest.issues.updateComment({ ...context.repo, comment_id: mine.id, body });
      return { kind: "updated", id: mine.id };
    }
    const created = await octokit.rest.issues.createComment({ ...target, body });
    return { kind: "created", id: created.data.id };
  } catch (error) {
    const status = (error as { status?: number }).status;
    // A fork's pull request gets a read-only token: the summary still carries the report.
    if (status === 403 || status === 404) return { kind: "not-allowed", reason: (error as Error).message };
    throw error;
  }
}
