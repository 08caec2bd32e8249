import { type CiContext, type CiContextReader, defined } from "./ci-context.js";

/** https://docs.github.com/en/actions/reference/variables-reference#default-environment-variables */
export const readGithub: CiContextReader = (env): CiContext | null => {
  if (env.GITHUB_ACTIONS !== "true") return null;
  const server = env.GITHUB_SERVER_URL ?? "https://github.com";
  const pr = /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? "")?.[1];
  return defined({
    platform: "github",
    runUrl: env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
    commit: env.GITHUB_SHA,
    branch: env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME,
    pipeline: env.GITHUB_WORKFLOW,
    actor: env.GITHUB_ACTOR,
    pullRequest: pr,
    repository: env.GITHUB_REPOSITORY,
    cloneUrl: env.GITHUB_REPOSITORY ? `${server}/${env.GITHUB_REPOSITORY}.git` : undefined,
    serverUrl: server,
    apiUrl: env.GITHUB_API_URL ?? "https://api.github.com",
    event: env.GITHUB_EVENT_NAME,
    targetBranch: env.GITHUB_BASE_REF || undefined,
    job: env.GITHUB_JOB && env.GITHUB_ACTION ? `${env.GITHUB_JOB}/${env.GITHUB_ACTION}` : env.GITHUB_JOB,
    workspace: env.GITHUB_WORKSPACE,
  });
};
