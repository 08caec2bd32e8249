import module from "node:module";

// Node 22.8 and newer keep compiled code between runs (in the temp folder): a second gate in the job,
// or the next job on a self-hosted runner, compiles none of the bundle again. It applies to what
// loads after the call, so the action itself loads next.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { run } = await import("./main.js");
await run();
