import { defineConfig } from "tsup";
import { tsupBase } from "../../tsup.base.js";

export default defineConfig(
  // Split: the CLI loads a command's modules (and yaml, ajv, undici) only when that command runs.
  tsupBase({
    entry: { index: "src/index.ts", engine: "src/engine.ts", internal: "src/internal.ts", cli: "src/cli/bin.ts" },
    splitting: true,
  }),
);
