import { defineConfig } from "tsup";
import { tsupBase } from "../../tsup.base.js";

// The agent runs Slogate/SlogateV1/index.js with its own Node. Everything is bundled except
// azure-pipelines-task-lib, which reads lib.json and its strings from its own folder and keeps
// module state (the secret vault) that must exist once: it ships unbundled in the task folder.
export default defineConfig(
  tsupBase({
    entry: { index: "src/index.ts" },
    outDir: "Slogate/SlogateV1",
    format: ["cjs"],
    dts: false,
    sourcemap: false,
    minify: true,
    clean: false,
    outExtension: () => ({ js: ".js" }),
    noExternal: [/^(?!azure-pipelines-task-lib).*/],
    external: ["azure-pipelines-task-lib"],
  }),
);
