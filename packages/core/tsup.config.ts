import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { defineConfig } from "tsup";
import { tsupBase } from "../../tsup.base.js";

// yaml's Node entry is 73 CommonJS files that cost a gate ~60 ms to resolve and load; its ES
// module build, bundled into the chunk that reads configuration, costs ~20 ms. It is the same
// parser; it reports warnings with console.warn instead of process.emitWarning.
const yamlModule = join(dirname(createRequire(import.meta.url).resolve("yaml/package.json")), "browser", "index.js");

export default defineConfig(
  // Split: the CLI loads a command's modules (and ajv, undici) only when that command runs.
  tsupBase({
    entry: { index: "src/index.ts", engine: "src/engine.ts", internal: "src/internal.ts", cli: "src/cli/bin.ts" },
    splitting: true,
    noExternal: ["yaml"],
    esbuildPlugins: [
      {
        name: "yaml-as-one-module",
        setup(build) {
          build.onResolve({ filter: /^yaml$/ }, () => ({ path: yamlModule }));
        },
      },
    ],
  }),
);
