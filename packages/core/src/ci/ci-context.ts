/** Where a run happens, as the CI platform tells it through its environment. */
export interface CiContext {
  platform: "github" | "gitlab" | "azure-devops" | "jenkins" | "local";
  runUrl?: string;
  commit?: string;
  branch?: string;
  pipeline?: string;
  actor?: string;
  /** The pull or merge request's number (GitHub, GitLab, Azure Repos, Jenkins' CHANGE_ID). */
  pullRequest?: string;
  /** The repository: owner/name on GitHub, the project path on GitLab, the repository id on Azure. */
  repository?: string;
  /** Where the repository is hosted, as the platform names it (Azure: TfsGit, GitHub, Bitbucket…). */
  repositoryHost?: string;
  /** The repository's https clone URL (without credentials): the default home of a history branch. */
  cloneUrl?: string;
  /** The platform's web address (GitHub server, GitLab instance, Azure collection URI). */
  serverUrl?: string;
  /** The platform's REST API base (GitHub API URL, GitLab's /api/v4). */
  apiUrl?: string;
  /** The platform's project (GitLab project id, Azure team project). */
  projectId?: string;
  /** What started the run: push, pull_request, schedule, merge_request_event, PullRequest… as the platform names it. */
  event?: string;
  /** A pull request's target branch: what its code merges into. */
  targetBranch?: string;
  /** The job (GitHub: and step) running the gate: keys its comment or note when no gate name is given. */
  job?: string;
  /** Where the checkout is (the step's working directory). */
  workspace?: string;
}

export type Env = Record<string, string | undefined>;

/** Reads one platform's variables; null when the run is not on that platform. */
export type CiContextReader = (env: Env) => CiContext | null;

/** Drops keys whose value is missing, so contexts compare and serialise cleanly. */
export function defined(context: CiContext): CiContext {
  return Object.fromEntries(Object.entries(context).filter(([, v]) => v !== undefined && v !== "")) as unknown as CiContext;
}
