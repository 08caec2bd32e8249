import { defineConfig } from "tsup";
import { tsupBase } from "../../tsup.base.js";

// Published to npm (the component's job runs it with npx): dependencies stay dependencies.
export default defineConfig(tsupBase({ entry: { cli: "src/cli.ts", index: "src/index.ts" } }));
