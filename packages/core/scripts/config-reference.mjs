// Writes docs/config-reference.md from the shipped JSON schemas, or with --check fails when the
// file differs from what the schemas say (so the reference cannot drift from the loader).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const core = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(core, "..", "..", "docs", "config-reference.md");
const load = (name) => JSON.parse(readFileSync(join(core, "schemas", `${name}.schema.json`), "utf8"));

function typeOf(schema) {
  if (schema["x-display-type"]) return schema["x-display-type"];
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((v) => `\`${v}\``).join(" \\| ");
  if (schema.oneOf) return schema.oneOf.map((s) => (s.$ref ? `inline ${s.$ref.replace(".schema.json", ".yaml")}` : typeOf(s))).join(" or ");
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" or ");
  if (schema.$ref) return schema.$ref.startsWith("#/definitions/") ? "list of `{criteria: [...]}`" : schema.$ref;
  const types = [schema.type].flat().filter((t) => t && t !== "null");
  if (types.includes("array") && schema.items?.type && !schema.items.properties)
    return `list of ${[schema.items.type].flat().join(" or ")}`;
  if (types.includes("array")) return "list";
  if (types.includes("object") && schema.additionalProperties && typeof schema.additionalProperties === "object" && !schema.properties) {
    return `map of ${[schema.additionalProperties.type]
      .flat()
      .filter((t) => t !== "null")
      .join(" or ")}`;
  }
  return types.join(" or ") || "any";
}

function rows(schema, root, path = "") {
  const lines = [];
  const resolved = schema.$ref?.startsWith("#/definitions/") ? root.definitions[schema.$ref.slice(14)] : schema;
  const properties = resolved.properties ?? resolved.items?.properties ?? {};
  const required = new Set(resolved.required ?? resolved.items?.required ?? []);
  for (const [key, child] of Object.entries(properties)) {
    const name = `${path}${key}`;
    const details = [
      child.description ?? (child.$ref?.startsWith("#/definitions/") ? root.definitions[child.$ref.slice(14)].description : ""),
    ];
    if (child.default !== undefined) details.push(`Default: \`${JSON.stringify(child.default)}\`.`);
    if (child.examples) details.push(`E.g. ${child.examples.map((e) => `\`${e}\``).join(", ")}.`);
    lines.push(
      `| \`${name}\` | ${typeOf(child)} | ${required.has(key) ? "yes" : ""} | ${details.filter(Boolean).join(" ").replaceAll("|", "\\|")} |`,
    );
    const isList = [child.type].flat().includes("array") || child.$ref?.startsWith("#/definitions/");
    lines.push(...rows(child, root, `${name}${isList ? "[]." : "."}`));
  }
  return lines;
}

function section(title, file, intro) {
  const schema = load(file);
  return [
    `## ${title}`,
    "",
    intro,
    "",
    `Schema: \`${schema.$id}\` (\`packages/core/schemas/${file}.schema.json\` in the package). For editors, as the first line of the file: \`# yaml-language-server: $schema=${schema.$id}\`.`,
    "",
    "| key | type | required | meaning |",
    "|---|---|---|---|",
    ...rows(schema, schema),
    "",
  ].join("\n");
}

const text = [
  "# Configuration reference",
  "",
  "Generated from the JSON schemas that slogate validates with (`node packages/core/scripts/config-reference.mjs`); do not edit by hand.",
  "",
  section("slogate.yaml", "slogate", "slogate's own file. Every unknown key is an error. Paths are relative to the file."),
  section(
    "slo.yaml (Keptn)",
    "slo",
    "Keptn's format, read unchanged with Keptn 1.x semantics (see docs/migration-from-keptn.md). A key that looks like a misspelling of a known one is an error with a suggestion; any other unknown key is a warning.",
  ),
  section("sli.yaml (Keptn)", "sli", "Keptn's format: a query for each SLI name, used by the SLI providers."),
  section(
    "remediation.yaml (Keptn)",
    "remediation",
    "Keptn's remediation.yaml, read by `slogate remediate` (see docs/remediation.md). Unknown keys are warnings, as Keptn ignored them; `command`, `shell` and `timeout` on an action are slogate's.",
  ),
].join("\n");

if (process.argv.includes("--check")) {
  const current = readFileSync(target, "utf8");
  if (current !== text) {
    console.error("docs/config-reference.md is out of date: run node packages/core/scripts/config-reference.mjs");
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
}
