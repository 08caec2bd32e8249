import { createRequire } from "node:module";
import { dirname } from "node:path";
import { defineConfig } from "tsup";
import { tsupBase } from "../../tsup.base.js";

const require = createRequire(import.meta.url);
const { version } = require("./package.json") as { version: string };
// @actions/* pin undici 6 while the core uses undici 7; the APIs they use (fetch, ProxyAgent) are
// the same in both, so one copy serves all and the bundle stays small.
const undici = require.resolve("undici", { paths: [dirname(require.resolve("@slogate/core/package.json"))] });

// @actions/core imports undici at start-up (for an OIDC client the gate never uses). Giving the
// toolkit a stand-in that loads undici on first use keeps the runner's cold start short.
const LAZY_UNDICI = `
export function fetch(...args) { return require("slogate-undici").fetch(...args); }
export class ProxyAgent { constructor(...args) { return new (require("slogate-undici").ProxyAgent)(...args); } }
`;

// GitHub runs the committed dist/index.js as it is: everything is bundled into that one file.
export default defineConfig(
  tsupBase({
    entry: { index: "src/index.ts" },
    dts: false,
    sourcemap: false,
    minify: true,
    noExternal: [/.*/],
    esbuildPlugins: [
      {
        name: "one-lazy-undici",
        setup(build) {
          build.onResolve({ filter: /^slogate-undici$/ }, () => ({ path: undici }));
          build.onResolve({ filter: /^undici$/ }, (args) =>
            args.importer.includes(`${"node_modules"}/@actions/`) ? { path: "lazy-undici", namespace: "slogate" } : { path: undici },
          );
          build.onLoad({ filter: /^lazy-undici$/, namespace: "slogate" }, () => ({
            contents: LAZY_UNDICI,
            loader: "js",
            resolveDir: dirname(undici),
          }));
        },
      },
    ],
    // The release it belongs to, then a require() for the bundled CommonJS modules that call it.
    banner: {
      js: `/* @slogate/github-action ${version} */\nimport { createRequire as __slogateRequire } from 'module'; const require = __slogateRequire(import.meta.url);`,
    },
  }),
);
