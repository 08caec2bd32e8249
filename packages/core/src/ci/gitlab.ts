import { type CiContext, type CiContextReader, defined } from "./ci-context.js";

/** https://docs.gitlab.com/ci/variables/predefined_variables/ */
export const readGitlab: CiContextReader = (env): CiContext | null => {
  // GitLab sets GITLAB_CI=true; gitlab-ci-local runs the same jobs with every predefined variable
  // but GITLAB_CI=false, and the component must work there too.
  if (env.GITLAB_CI === undefined) return null;
  return defined({
    platform: "gitlab",
    runUrl: env.CI_JOB_URL ?? (env.CI_PROJECT_URL && env.CI_JOB_ID ? `${env.CI_PROJECT_URL}/-/jobs/${env.CI_JOB_ID}` : env.CI_PIPELINE_URL),
    commit: env.CI_COMMIT_SHA,
    branch: env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME ?? env.CI_COMMIT_REF_NAME,
    pipeline: env.CI_PROJECT_PATH,
    actor: env.GITLAB_USER_LOGIN,
    pullRequest: env.CI_MERGE_REQUEST_IID,
    repository: env.CI_PROJECT_PATH,
    cloneUrl: env.CI_SERVER_URL && env.CI_PROJECT_PATH ? `${env.CI_SERVER_URL}/${env.CI_PROJECT_PATH}.git` : undefined,
    serverUrl: env.CI_SERVER_URL,
    apiUrl: env.CI_API_V4_URL,
    projectId: env.CI_PROJECT_ID,
    event: env.CI_PIPELINE_SOURCE,
    targetBranch: env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME,
    job: env.CI_JOB_NAME,
    workspace: env.CI_PROJECT_DIR,
  });
};
