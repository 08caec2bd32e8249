#!/usr/bin/env node
// One version for every artifact. `changeset version` moves the package.json files (all @slogate/*
// packages are one fixed group); this writes packages/core's version everywhere else a user reads
// it. `--check` changes nothing and exits 1 naming each file that says another version.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");
const version = JSON.parse(readFileSync(join(root, "packages", "core", "package.json"), "utf8")).version;
const [major, minor, patch] = version.split(/[.+-]/).map(Number);

/** How a user's pipeline names a release of each artifact, wherever the docs show it. */
const COORDINATES = [
  { pattern: /(@slogate\/(?:core|gitlab-component)@)\d+\.\d+\.\d+[^\s"'`]*/g, to: `$1${version}` }, // npm
  { pattern: /(slogate\/slogate(?:\/packages\/github-action)?@v)\d+\b(?!\.)/g, to: `$1${major}` }, // GitHub: moving major tag
  { pattern: /(Slogate@)\d+/g, to: `$1${major}` }, // Azure Pipelines pins the task's major
  { pattern: /(slogate\/slogate\/slogate@)\d+\.\d+\.\d+/g, to: `$1${version}` }, // GitLab component
  { pattern: /(slogate@v|`v)\d+\.\d+\.\d+/g, to: `$1${version}` }, // Jenkins library at a tag
  { pattern: /(cdn\.jsdelivr\.net\/npm\/@slogate\/core@)\d+/g, to: `$1${major}` }, // schemas for editors
];
const DOCS = [
  "README.md",
  "docs/quickstart-cli.md",
  "docs/quickstart-github.md",
  "docs/quickstart-azure-devops.md",
  "docs/quickstart-gitlab.md",
  "docs/quickstart-jenkins.md",
  "docs/config-reference.md",
  "examples/slogate.yaml",
  "examples/performance/slogate.yaml",
  ...["slo", "sli", "slogate"].map((name) => `packages/core/schemas/${name}.schema.json`),
];

/** Where each artifact states its version, and how to write it there. */
const STAMPS = [
  // Azure DevOps: the task's version (pipelines pin its major: Slogate@1) and the extension's.
  { file: "packages/azure-devops-task/Slogate/SlogateV1/task.json", pattern: /("Major":\s*)\d+/, to: `$1${major}` },
  { file: "packages/azure-devops-task/Slogate/SlogateV1/task.json", pattern: /("Minor":\s*)\d+/, to: `$1${minor}` },
  { file: "packages/azure-devops-task/Slogate/SlogateV1/task.json", pattern: /("Patch":\s*)\d+/, to: `$1${patch}` },
  { file: "packages/azure-devops-task/vss-extension.json", pattern: /("version":\s*")[^"]+/, to: `$1${version}` },
  // GitLab: the job program the component installs by default.
  { file: "packages/gitlab-component/templates/slogate.yml", pattern: /(@slogate\/gitlab-component@)[^\s"']+/g, to: `$1${version}` },
  // The CLI's --version, and the schemas' address (SCHEMA_BASE_URL).
  { file: "packages/core/src/version.ts", pattern: /(VERSION = ")[^"]+/, to: `$1${version}` },
  { file: "packages/core/src/version.ts", pattern: COORDINATES.at(-1).pattern, to: COORDINATES.at(-1).to },
  // Each document names at least one artifact; every name it gives carries this version.
  ...DOCS.map((file) => ({ file, coordinates: true })),
];

const stale = [];
const texts = new Map();
for (const stamp of STAMPS) {
  const text = texts.get(stamp.file) ?? readFileSync(join(root, stamp.file), "utf8");
  const rules = stamp.coordinates ? COORDINATES : [stamp];
  if (!rules.some((rule) => text.match(rule.pattern))) {
    console.error(`${stamp.file}: no version found where ${rules.map((rule) => rule.pattern).join(" or ")} should match`);
    process.exit(1);
  }
  texts.set(
    stamp.file,
    rules.reduce((stamped, rule) => stamped.replace(rule.pattern, rule.to), text),
  );
}
for (const [file, text] of texts) {
  const before = readFileSync(join(root, file), "utf8");
  if (before === text) continue;
  stale.push(file);
  if (!check) writeFileSync(join(root, file), text);
}
if (check && stale.length > 0) {
  for (const file of stale) console.error(`${file}: says another version than ${version}; run npm run version`);
  process.exit(1);
}
console.log(check ? `version: every artifact says ${version}` : `version: ${version} written to ${stale.length} file(s)`);
