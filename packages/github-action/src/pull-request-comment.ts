const MARKER = "<!-- slogate:report -->";
/** GitHub refuses comment bodies over 65,536 characters. */
export const COMMENT_LIMIT = 65_000;

export type CommentOutcome =
  | { kind: "created" | "updated"; id: number }
  | { kind: "not-allowed"; reason: string }
  | { kind: "no-pull-request" };

/** Keeps one comment on the pull request, found again by its hidden marker and edited in place. */
export async function upsertPullRequestComment(token: string, markdown: string): Promise<CommentOutcome> {
  // Loaded when a comment is due: most runs (push, no token) never need the REST client.
  const github = await import("@actions/github");
  const { context } = github;
  const number = context.payload.pull_request?.number;
  if (!number) return { kind: "no-pull-request" };
  const octokit = github.getOctokit(token, { baseUrl: process.env.GITHUB_API_URL ?? "https://api.github.com" });
  const body = `${MARKER}\n${markdown}`;
  const target = { ...context.repo, issue_number: number };
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...target, per_page: 100 });
    const mine = comments.find((comment) => comment.body?.startsWith(MARKER));
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
