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
 * Posts the gate's result as a status on the pull request (Azure Repos), with the job's access
 * token. Returns a warning to show when the token may not post statuses; never fails the task.
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
    const path = `${encodeURIComponent(target.project)}/_apis/git/repositories/${encodeURIComponent(target.repositoryId)}/pullRequests/${encodeURIComponent(target.pullRequestId)}/statuses`;
    const response = await client.postJson(
      path,
      {
        state: STATE[result.result] ?? "error",
        description: `slogate: ${result.result} (score ${result.score})`,
        context: { name: "slogate", genre: "quality-gate" },
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
