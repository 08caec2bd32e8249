import { readAzureDevops } from "./azure-devops.js";
import type { CiContext, CiContextReader, Env } from "./ci-context.js";
import { readGithub } from "./github.js";
import { readGitlab } from "./gitlab.js";
import { readJenkins } from "./jenkins.js";

/** The CI platforms slogate recognises, one file each. */
export const CI_READERS: ReadonlyArray<readonly [CiContext["platform"], CiContextReader]> = [
  ["github", readGithub],
  ["gitlab", readGitlab],
  ["azure-devops", readAzureDevops],
  ["jenkins", readJenkins],
];

/** The context of this run: the first platform that recognises the environment, else local. */
export function readCiContext(env: Env): CiContext {
  for (const [, read] of CI_READERS) {
    const context = read(env);
    if (context) return context;
  }
  return { platform: "local" };
}

export type { CiContext, Env };
