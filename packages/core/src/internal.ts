/**
 * Internals the repository's own benchmarks and multi-process tests use. Built as dist/internal.js but
 * not in the package's exports: nothing outside this repository may rely on it.
 */

export { FileHistoryStore } from "./history/file-store.js";
export { BuiltinRunner } from "./workload/builtin-runner.js";
