import type { ErrorObject, ValidateFunction } from "ajv";
// Imported rather than read from disk, so single-file bundles (the GitHub Action, the Jenkins
// bridge) carry them; the files stay in schemas/ for editors.
import remediationSchema from "../../schemas/remediation.schema.json" with { type: "json" };
import sliSchema from "../../schemas/sli.schema.json" with { type: "json" };
import sloSchema from "../../schemas/slo.schema.json" with { type: "json" };
import slogateSchema from "../../schemas/slogate.schema.json" with { type: "json" };

import { remediation, sli, slo, slogate } from "./schema-validators.generated.js";

export type SchemaName = "slo" | "sli" | "slogate" | "remediation";

const SCHEMAS: Record<SchemaName, { $id: string }> = {
  slo: sloSchema,
  sli: sliSchema,
  slogate: slogateSchema,
  remediation: remediationSchema,
};

// Compiled at build time (scripts/schema-validators.mjs, ajv's standalone mode, every error
// reported): starting a gate loads no schema compiler.
const VALIDATORS: Record<SchemaName, ValidateFunction> = { slo, sli, slogate, remediation };

export function validateAgainst(name: SchemaName, value: unknown): ErrorObject[] {
  const validate = VALIDATORS[name];
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/** Keys the schema object at `schemaPath` allows, for suggesting the nearest one to an unknown key. */
export function knownKeysAt(name: SchemaName, schemaPath: string): string[] {
  let node: unknown = SCHEMAS[name];
  const pointer = schemaPath.slice(schemaPath.indexOf("#") + 1).replace(/^\//, "");
  const segments = pointer.split("/").slice(0, -1);
  for (const segment of segments) {
    node = (node as Record<string, unknown> | undefined)?.[decodeURIComponent(segment)];
  }
  const properties = (node as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties) : [];
}
