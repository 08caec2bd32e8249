import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

export type SchemaName = "slo" | "sli" | "slogate";

/** The shipped schemas live in packages/core/schemas (also usable by yaml-language-server). */
export function schemaDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // From src/config (tests) or dist (bundle), the package root is the nearest folder with schemas/.
  for (const candidate of [join(here, "..", "..", "schemas"), join(here, "..", "schemas")]) {
    try {
      readFileSync(join(candidate, "slo.schema.json"));
      return candidate;
    } catch {
      // try the next location
    }
  }
  throw new Error(`slogate's JSON schemas were not found next to ${here}`);
}

let validators: Record<SchemaName, ValidateFunction> | undefined;

function compileAll(): Record<SchemaName, ValidateFunction> {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const directory = schemaDirectory();
  const load = (name: SchemaName) => JSON.parse(readFileSync(join(directory, `${name}.schema.json`), "utf8"));
  const slo = load("slo");
  const sli = load("sli");
  const slogate = load("slogate");
  ajv.addSchema(slo).addSchema(sli).addSchema(slogate);
  return {
    slo: ajv.getSchema(slo.$id) as ValidateFunction,
    sli: ajv.getSchema(sli.$id) as ValidateFunction,
    slogate: ajv.getSchema(slogate.$id) as ValidateFunction,
  };
}

export function validateAgainst(name: SchemaName, value: unknown): ErrorObject[] {
  validators ??= compileAll();
  const validate = validators[name];
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/** Keys each schema object allows, for suggesting the nearest one to an unknown key. */
export function knownKeysAt(name: SchemaName, schemaPath: string): string[] {
  const directory = schemaDirectory();
  let node: unknown = JSON.parse(readFileSync(join(directory, `${name}.schema.json`), "utf8"));
  // schemaPath looks like "#/properties/objectives/items/additionalProperties"
  const pointer = schemaPath.slice(schemaPath.indexOf("#") + 1).replace(/^\//, "");
  const segments = pointer.split("/").slice(0, -1);
  for (const segment of segments) {
    node = (node as Record<string, unknown> | undefined)?.[decodeURIComponent(segment)];
  }
  const properties = (node as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties) : [];
}
