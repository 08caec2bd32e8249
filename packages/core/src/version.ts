/** Written by scripts/version.mjs from packages/core/package.json (checked by the test command). */
export const VERSION = "1.0.0";

/**
 * Where editors fetch the JSON schemas: the published package's files on the npm CDN, at this
 * major line (`# yaml-language-server: $schema=<this>/slo.schema.json`). Each schema's `$id` is its
 * file here.
 */
export const SCHEMA_BASE_URL = "https://cdn.jsdelivr.net/npm/@slogate/core@1/schemas";
