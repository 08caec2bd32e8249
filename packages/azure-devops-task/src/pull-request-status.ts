import { HttpClient, type SlogateResult } from "@slogate/core";

const STATE: Record<string, string> = { pass: "succeeded", warning: "succeeded", fail: "failed" };

export interface PullRequestTarget {
  collectionUri: string;
  project: string;
  repositoryId: string;
  pullRequestId: string;
  accessToken: string;
  env: Record<string, string | undefined>;
}

/**
 * Posts the gate's result as a status on the pull request's latest iteration (Azure Repos), with
 * the job's access token, so a new push makes an old verdict expire (with a status policy). Shown
 * as `slogate/quality-gate` — the genre is the tool — linking back to the build. Returns a warning
 * to show when the token may not post statuses; never fails the task.
 */
export async function postPullRequestStatus(target: PullRequestTarget, result: SlogateResult, targetUrl?: string): Promise<string | null> {
  const client = new HttpClient({
    service: "Azure DevOps",
    baseUrl: target.collectionUri,
    headers: { authorization: `Bearer ${target.accessToken}` },
    secrets: [target.accessToken],
    env: target.env,
    retry: { retries: 2 },
  });
  try {
    const pullRequest = `${encodeURIComponent(target.project)}/_apis/git/repositories/${encodeURIComponent(target.repositoryId)}/pullRequests/${encodeURIComponent(target.pullRequestId)}`;
    const iterations = await client.getJson(`${pullRequest}/iterations`, { "api-version": "7.1" });
    const latest = (iterations.body as { value?: Array<{ id?: number }> } | undefined)?.value?.reduce(
      (newest, iteration) => Math.max(newest, iteration.id ?? 0),
      0,
    );
    // Without an iteration (a refused read), the status goes on the pull request itself.
    const path = iterations.status < 300 && latest ? `${pullRequest}/iterations/${latest}/statuses` : `${pullRequest}/statuses`;
    const response = await client.postJson(
      path,
      {
        state: STATE[result.result] ?? "error",
        description: `slogate: ${result.result} (score ${result.score})`,
        context: { genre: "slogate", name: "quality-gate" },
        ...(targetUrl ? { targetUrl } : {}),
      },
      { query: { "api-version": "7.1" } },
    );
    if (response.status === 401 || response.status === 403) {
      return `could not post the pull-request status (${response.status}): give the build service "Contribute to pull requests" on the repository`;
    }
    if (response.status >= 300) return `could not post the pull-request status: Azure DevOps answered ${response.status}`;
    return null;
  } catch (error) {
    return `could not post the pull-request status: ${(error as Error).message}`;
  } finally {
    await client.close();
  }
}
