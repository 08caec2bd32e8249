import { type CiContext, type CiContextReader, defined } from "./ci-context.js";

/** https://www.jenkins.io/doc/book/pipeline/jenkins-file/#using-environment-variables */
export const readJenkins: CiContextReader = (env): CiContext | null => {
  if (!env.JENKINS_URL || !env.BUILD_URL) return null;
  return defined({
    platform: "jenkins",
    runUrl: env.BUILD_URL,
    commit: env.GIT_COMMIT,
    branch: env.CHANGE_BRANCH ?? env.BRANCH_NAME ?? env.GIT_BRANCH,
    pipeline: env.JOB_NAME,
    actor: env.BUILD_USER_ID ?? env.CHANGE_AUTHOR,
    pullRequest: env.CHANGE_ID,
    serverUrl: env.JENKINS_URL,
    event: env.CHANGE_ID ? "pull_request" : undefined,
    targetBranch: env.CHANGE_TARGET,
    job: env.STAGE_NAME,
    workspace: env.WORKSPACE,
  });
};
