import { createRequire } from "node:module";
import { defineConfig } from "tsup";
import { tsupBase } from "../../tsup.base.js";

const { version } = createRequire(import.meta.url)("./package.json") as { version: string };

// Jenkins copies resources/io/slogate/slogate.cjs onto the agent byte for byte and runs it with
// whatever Node the agent has (20 or newer): one CommonJS file with everything inside.
export default defineConfig(
  tsupBase({
    entry: { slogate: "src/cli.ts" },
    outDir: "resources/io/slogate",
    format: ["cjs"],
    outExtension: () => ({ js: ".cjs" }),
    dts: false,
    sourcemap: false,
    minify: true,
    clean: false,
    noExternal: [/.*/],
    banner: { js: `/* @slogate/jenkins-shared-lib-bridge ${version} */` },
  }),
);
