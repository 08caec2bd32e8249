import { defineConfig } from "tsup";
import { tsupBase } from "../../tsup.base.js";

export default defineConfig(
  tsupBase({ entry: { index: "src/index.ts", engine: "src/engine.ts", internal: "src/internal.ts", cli: "src/cli/bin.ts" } }),
);
