import type { Options } from "tsup";

/**
 * The first line of an ES module bundle that carries CommonJS modules: a require() for them (for
 * Node's built-ins they require), which ES modules do not have.
 */
export const ESM_REQUIRE = "import { createRequire as __slogateRequire } from 'module'; const require = __slogateRequire(import.meta.url);";

/** The one build configuration every package starts from: ESM, Node 20 syntax, declarations. */
export function tsupBase(overrides: Options = {}): Options {
  return {
    format: ["esm"],
    target: "node20",
    platform: "node",
    sourcemap: true,
    clean: true,
    dts: true,
    splitting: false,
    ...overrides,
  };
}
