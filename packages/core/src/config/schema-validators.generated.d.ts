import type { ValidateFunction } from "ajv";

// The standalone validators scripts/schema-validators.mjs compiles from schemas/*.schema.json.
export const slo: ValidateFunction;
export const sli: ValidateFunction;
export const slogate: ValidateFunction;
export const remediation: ValidateFunction;
