import { createRequire } from "node:module";
import { dirname } from "node:path";
import { defineConfig } from "tsup";
import { ESM_REQUIRE, tsupBase } from "../../tsup.base.js";

const require = createRequire(import.meta.url);
const { version } = require("./package.json") as { version: string };
// @actions/* pin undici 6 while the core uses undici 7; the APIs they use (fetch, ProxyAgent) are
// the same in both, so one copy serves all and the bundle stays small.
const undici = require.resolve("undici", { paths: [dirname(require.resolve("@slogate/core/package.json"))] });

// The toolkit imports undici at start-up, for a fetch and a proxy agent it needs only when the
// action calls GitHub through a proxy. Its stand-in loads undici (its own chunk) on the first
// fetch: the proxy agent it constructs holds only its options until then, since the toolkit hands
// it to nothing but that fetch (@actions/github getProxyFetch). The runner's cold start does not
// compile undici's half megabyte.
const LAZY_UNDICI = `
let undici;
export class ProxyAgent {
  constructor(options) { this.options = options; }
}
export async function fetch(input, init) {
  undici ??= import("slogate-undici");
  // undici's chunk gives its module.exports as the default export.
  const { fetch, ProxyAgent: UndiciProxyAgent } = (await undici).default;
  const standIn = init?.dispatcher;
  if (!(standIn instanceof ProxyAgent)) return fetch(input, init);
  standIn.agent ??= new UndiciProxyAgent(standIn.options);
  return fetch(input, { ...init, dispatcher: standIn.agent });
}
`;

const TOOLKIT = /\/node_modules\/@actions\/(core|exec|io|http-client)\/lib\//;

// GitHub runs the committed dist/ as it is: everything is bundled into it. dist/index.js holds what
// every run needs; what only some runs need (undici, load tests, the other commands) is in chunks
// it imports when used.
export default defineConfig(
  tsupBase({
    entry: { index: "src/index.ts" },
    dts: false,
    sourcemap: false,
    minify: true,
    splitting: true,
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
      {
        // The toolkit's modules only declare functions and classes at import, but their packages do
        // not say so (no "sideEffects": false). Saying it here lets the bundle leave out the ones the
        // action never calls: @actions/core's OIDC client (with @actions/http-client, tunnel, http,
        // https, net, tls) and its runner-details helper (with @actions/exec and child_process).
        name: "toolkit-without-side-effects",
        setup(build) {
          const again = Symbol("resolving a toolkit import");
          build.onResolve({ filter: /.*/ }, async (args) => {
            if (args.pluginData === again) return undefined;
            if (!args.path.startsWith("@actions/") && !args.importer.includes(`${"node_modules"}/@actions/`)) return undefined;
            const resolved = await build.resolve(args.path, {
              kind: args.kind,
              importer: args.importer,
              resolveDir: args.resolveDir,
              pluginData: again,
            });
            return TOOLKIT.test(resolved.path) ? { ...resolved, sideEffects: false } : resolved;
          });
        },
      },
    ],
    // The release it belongs to, then a require() for the bundled CommonJS modules that call it.
    banner: {
      js: `/* @slogate/github-action ${version} */\n${ESM_REQUIRE}`,
    },
  }),
);
