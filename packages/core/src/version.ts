/** Kept in step with packages/core/package.json by a test. */
export const VERSION = "0.1.0";
