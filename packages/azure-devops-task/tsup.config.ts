import { defineConfig } from "tsup";
import { ESM_REQUIRE, tsupBase } from "../../tsup.base.js";

// The agent runs Slogate/SlogateV1/index.js with its own Node. Everything is bundled except
// azure-pipelines-task-lib, which reads lib.json and its strings from its own folder and keeps
// module state (the secret vault) that must exist once: it ships unbundled in the task folder.
// The bundle is ES modules split into chunks: index.js holds what every run needs, the rest
// (undici, load tests, monitoring) loads when a run uses it. The folder's package.json
// (scripts/package-task.mjs) makes its .js files modules.
export default defineConfig(
  tsupBase({
    entry: { index: "src/index.ts" },
    outDir: "Slogate/SlogateV1",
    format: ["esm"],
    splitting: true,
    dts: false,
    sourcemap: false,
    minify: true,
    // A fresh folder each build, but for the two files committed in it; scripts/package-task.mjs
    // adds the task library and package.json again.
    clean: ["!task.json", "!icon.png"],
    noExternal: [/^(?!azure-pipelines-task-lib).*/],
    external: ["azure-pipelines-task-lib"],
    banner: { js: ESM_REQUIRE },
  }),
);
