/** Where a run happens, as the CI platform tells it through its environment. */
export interface CiContext {
  platform: "github" | "gitlab" | "azure-devops" | "jenkins" | "local";
  runUrl?: string;
  commit?: string;
  branch?: string;
  pipeline?: string;
  actor?: string;
  pullRequest?: string;
}

export type Env = Record<string, string | undefined>;

/** Reads one platform's variables; null when the run is not on that platform. */
export type CiContextReader = (env: Env) => CiContext | null;

/** Drops keys whose value is missing, so contexts compare and serialise cleanly. */
export function defined(context: CiContext): CiContext {
  return Object.fromEntries(Object.entries(context).filter(([, v]) => v !== undefined && v !== "")) as unknown as CiContext;
}
