import { type CiContext, type CiContextReader, defined } from "./ci-context.js";

export const readGitlab: CiContextReader = (env): CiContext | null => {
  if (env.GITLAB_CI !== "true") return null;
  return defined({
    platform: "gitlab",
    runUrl: env.CI_JOB_URL ?? env.CI_PIPELINE_URL,
    commit: env.CI_COMMIT_SHA,
    branch: env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME ?? env.CI_COMMIT_REF_NAME,
    pipeline: env.CI_PROJECT_PATH,
    actor: env.GITLAB_USER_LOGIN,
    pullRequest: env.CI_MERGE_REQUEST_IID,
  });
};
