import type { Options } from "tsup";

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
