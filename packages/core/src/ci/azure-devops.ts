import { type CiContext, type CiContextReader, defined } from "./ci-context.js";

/** https://learn.microsoft.com/azure/devops/pipelines/build/variables */
export const readAzureDevops: CiContextReader = (env): CiContext | null => {
  if (env.TF_BUILD !== "True") return null;
  const collection = env.SYSTEM_COLLECTIONURI ?? env.SYSTEM_TEAMFOUNDATIONCOLLECTIONURI;
  const project = env.SYSTEM_TEAMPROJECT;
  return defined({
    platform: "azure-devops",
    runUrl:
      collection && project && env.BUILD_BUILDID
        ? `${collection.replace(/\/$/, "")}/${encodeURIComponent(project)}/_build/results?buildId=${env.BUILD_BUILDID}`
        : undefined,
    commit: env.BUILD_SOURCEVERSION,
    branch: env.SYSTEM_PULLREQUEST_SOURCEBRANCH ?? env.BUILD_SOURCEBRANCHNAME,
    pipeline: env.BUILD_DEFINITIONNAME,
    actor: env.BUILD_REQUESTEDFOR,
    pullRequest: env.SYSTEM_PULLREQUEST_PULLREQUESTID,
    repository: env.BUILD_REPOSITORY_ID,
    cloneUrl: env.BUILD_REPOSITORY_URI,
    repositoryHost: env.BUILD_REPOSITORY_PROVIDER,
    serverUrl: collection,
    projectId: project,
    event: env.BUILD_REASON,
    targetBranch: env.SYSTEM_PULLREQUEST_TARGETBRANCH?.replace(/^refs\/heads\//, ""),
    job: env.AGENT_JOBNAME,
    workspace: env.SYSTEM_DEFAULTWORKINGDIRECTORY ?? env.BUILD_SOURCESDIRECTORY,
  });
};
