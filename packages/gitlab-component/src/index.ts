/** slogate for GitLab CI: the component's job program. */
export { runJob } from "./job.js";
export { noteMarker, upsertMergeRequestNote } from "./merge-request-note.js";
export { gateArguments, readSettings } from "./settings.js";
