/**
 * The hidden first line that finds a gate's note again, so each pipeline updates it instead of
 * adding another; keyed by the gate (its job's name), so two gates keep two notes.
 */
export function noteMarker(key: string): string {
  return `<!-- slogate:report ${key.replace(/-->/g, "")} -->`;
}

export type NoteOutcome =
  | { kind: "created" | "updated"; mergeRequest: number; noteId: number }
  | { kind: "skipped"; reason: string }
  | { kind: "not-allowed"; reason: string };

export interface NoteTarget {
  /** Base URL of the GitLab instance (the API is under /api/v4). */
  url: string;
  token: string;
  projectId: string;
  /** The gate's key (its job's name): one note per gate. */
  key: string;
  /** Set in merge-request pipelines; found through the commit otherwise. */
  mergeRequestIid?: string;
  commitSha?: string;
}

function status(error: unknown): number | undefined {
  const cause = (error as { cause?: { response?: { status?: number } } }).cause;
  return cause?.response?.status;
}

/**
 * Creates the gate's note on the merge request, or updates it in place — only a note this token's
 * user wrote, never someone else's that carries the marker. Needs a project or group access token
 * with `api` scope: the job token can read notes but not write them.
 */
export async function upsertMergeRequestNote(target: NoteTarget, markdown: string): Promise<NoteOutcome> {
  // The GitLab client costs a job ~100 ms to load: only a job that writes a note loads it.
  const { Gitlab } = await import("@gitbeaker/rest");
  const api = new Gitlab({ host: target.url, token: target.token });
  const marker = noteMarker(target.key);
  const body = `${marker}\n${markdown}`;
  try {
    let iid = target.mergeRequestIid ? Number(target.mergeRequestIid) : undefined;
    if (iid === undefined) {
      if (!target.commitSha) return { kind: "skipped", reason: "no merge request and no commit to look one up by" };
      const requests = await api.Commits.allMergeRequests(target.projectId, target.commitSha);
      const open = requests.find((request) => request.state === "opened");
      if (!open) return { kind: "skipped", reason: `commit ${target.commitSha.slice(0, 8)} is in no open merge request` };
      iid = open.iid;
    }
    const notes = await api.MergeRequestNotes.all(target.projectId, iid, { perPage: 100, maxPages: 10 });
    const me = await api.Users.showCurrentUser();
    const mine = notes.find(
      (note) => !note.system && typeof note.body === "string" && note.body.startsWith(`${marker}\n`) && note.author?.id === me.id,
    );
    if (mine) {
      await api.MergeRequestNotes.edit(target.projectId, iid, mine.id, { body });
      return { kind: "updated", mergeRequest: iid, noteId: mine.id };
    }
    const created = await api.MergeRequestNotes.create(target.projectId, iid, body);
    return { kind: "created", mergeRequest: iid, noteId: created.id };
  } catch (error) {
    const code = status(error);
    if (code === 401 || code === 403) {
      return {
        kind: "not-allowed",
        reason: `GitLab answered ${code}: the token cannot write merge-request notes (it needs api scope, Reporter role or more)`,
      };
    }
    throw error;
  }
}
