import { describe, expect, it } from "vitest";
import { readCiContext } from "./index.js";

describe("CI context from the environment", () => {
  it.each([
    [
      "GitHub Actions",
      {
        GITHUB_ACTIONS: "true",
        GITHUB_REPOSITORY: "acme/shop",
        GITHUB_RUN_ID: "77",
        GITHUB_SHA: "abc",
        GITHUB_REF: "refs/pull/12/merge",
        GITHUB_HEAD_REF: "feat",
        GITHUB_WORKFLOW: "ci",
        GITHUB_ACTOR: "ann",
      },
      {
        platform: "github",
        runUrl: "https://github.com/acme/shop/actions/runs/77",
        commit: "abc",
        branch: "feat",
        pipeline: "ci",
        actor: "ann",
        pullRequest: "12",
      },
    ],
    [
      "GitLab CI",
      {
        GITLAB_CI: "true",
        CI_JOB_URL: "https://gitlab.example/acme/shop/-/jobs/9",
        CI_COMMIT_SHA: "def",
        CI_COMMIT_REF_NAME: "main",
        CI_PROJECT_PATH: "acme/shop",
        GITLAB_USER_LOGIN: "bob",
      },
      {
        platform: "gitlab",
        runUrl: "https://gitlab.example/acme/shop/-/jobs/9",
        commit: "def",
        branch: "main",
        pipeline: "acme/shop",
        actor: "bob",
      },
    ],
    [
      "Azure Pipelines",
      {
        TF_BUILD: "True",
        SYSTEM_COLLECTIONURI: "https://dev.azure.com/acme/",
        SYSTEM_TEAMPROJECT: "Shop App",
        BUILD_BUILDID: "5",
        BUILD_SOURCEVERSION: "0a1",
        BUILD_SOURCEBRANCHNAME: "main",
        BUILD_DEFINITIONNAME: "shop-ci",
        BUILD_REQUESTEDFOR: "Cy",
      },
      {
        platform: "azure-devops",
        runUrl: "https://dev.azure.com/acme/Shop%20App/_build/results?buildId=5",
        commit: "0a1",
        branch: "main",
        pipeline: "shop-ci",
        actor: "Cy",
      },
    ],
    [
      "Jenkins",
      {
        JENKINS_URL: "https://ci.example/",
        BUILD_URL: "https://ci.example/job/shop/3/",
        GIT_COMMIT: "f00",
        BRANCH_NAME: "main",
        JOB_NAME: "shop",
      },
      { platform: "jenkins", runUrl: "https://ci.example/job/shop/3/", commit: "f00", branch: "main", pipeline: "shop" },
    ],
    ["a laptop", { HOME: "/root" }, { platform: "local" }],
  ])("%s", (_name, env, context) => {
    expect(readCiContext(env)).toEqual(context);
  });
});
