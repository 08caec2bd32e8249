#!/usr/bin/env node
// Checks that every platform's manifest declares exactly the inputs the core's options table
// (packages/core/src/options.ts) gives that platform: action.yml, task.json, the GitLab
// component's template and the Jenkins step's argument map. A missing, extra or renamed input is
// named with its file; exit 1. Usage: node scripts/manifests.mjs --check [--root <repository>]
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseAllDocuments, parseDocument } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const repository = resolve(here, "..");
const args = process.argv.slice(2);
const rootIndex = args.indexOf("--root");
const root = rootIndex >= 0 ? resolve(args[rootIndex + 1] ?? ".") : repository;

const coreDist = join(repository, "packages", "core", "dist", "index.js");
if (!existsSync(coreDist)) {
  execFileSync("npx", ["turbo", "run", "build", "--filter=@slogate/core", "--output-logs=errors-only"], {
    cwd: repository,
    stdio: "inherit",
  });
}
const { OPTION_SPECS, PLATFORM_INPUTS, gitlabVariable } = await import(pathToFileURL(coreDist).href);
const TABLE = "packages/core/src/options.ts";

const MANIFESTS = {
  github: "packages/github-action/action.yml",
  azure: "packages/azure-devops-task/Slogate/SlogateV1/task.json",
  gitlab: "packages/gitlab-component/templates/slogate.yml",
  jenkins: "packages/jenkins-shared-lib-bridge/vars/slogate.groovy",
};

/** The inputs the table gives a platform: name → what it is (an option's name, or "platform input"). */
function expectedInputs(platform) {
  const inputs = new Map();
  for (const [option, spec] of OPTION_SPECS) if (spec.inputs[platform] !== null) inputs.set(spec.inputs[platform], option);
  for (const name of Object.keys(PLATFORM_INPUTS[platform])) inputs.set(name, `PLATFORM_INPUTS.${platform}`);
  return inputs;
}

function declaredInputs(platform, text) {
  switch (platform) {
    case "github":
      return Object.keys(parseDocument(text).toJS()?.inputs ?? {});
    case "azure":
      return (JSON.parse(text).inputs ?? []).map((input) => input.name);
    case "gitlab":
      return Object.keys(parseAllDocuments(text)[0]?.toJS()?.spec?.inputs ?? {});
    case "jenkins":
      return [...new Set([...text.matchAll(/\bargs\.(\w+)/g)].map((match) => match[1]))];
  }
}

const problems = [];
for (const [platform, path] of Object.entries(MANIFESTS)) {
  const file = join(root, path);
  if (!existsSync(file)) {
    problems.push(`${path}: missing`);
    continue;
  }
  const text = readFileSync(file, "utf8");
  const expected = expectedInputs(platform);
  const declared = declaredInputs(platform, text);
  for (const [input, source] of expected) {
    if (!declared.includes(input)) problems.push(`${path}: lacks input "${input}" (${source} in ${TABLE})`);
  }
  for (const input of declared) {
    if (!expected.has(input)) problems.push(`${path}: input "${input}" is not in ${TABLE} (add it there, or remove it here)`);
  }
  if (platform === "gitlab") {
    // Each input reaches the job program as SLOGATE_<NAME>, which is how the program reads it.
    const variables = parseAllDocuments(text)[1]?.toJS() ?? {};
    const job = Object.values(variables)[0] ?? {};
    for (const [option, spec] of OPTION_SPECS) {
      const input = spec.inputs.gitlab;
      if (input === null) continue;
      const variable = gitlabVariable(input);
      if (String(job.variables?.[variable] ?? "").trim() !== `$[[ inputs.${input} ]]`) {
        problems.push(`${path}: the job does not map input "${input}" to ${variable}: $[[ inputs.${input} ]] (${option} in ${TABLE})`);
      }
    }
  }
  if (platform === "jenkins") {
    // The step's option map hands each argument to the CLI flag the table gives it.
    for (const match of text.matchAll(/'?([a-z][\w-]*)'?\s*:\s*args\.(\w+)/g)) {
      const [, flag, argument] = match;
      const spec = OPTION_SPECS.find(([, s]) => s.inputs.jenkins === argument)?.[1];
      if (spec && spec.flag !== flag)
        problems.push(`${path}: argument "${argument}" is passed as --${flag}, but ${TABLE} gives it --${spec.flag}`);
    }
  }
}

// The repository root's action.yml (uses: <owner>/slogate@v1, and the Marketplace listing) is the
// package's action with its entry point seen from the root: any other difference is drift.
const ROOT_ACTION = "action.yml";
const PACKAGE_MAIN = "packages/github-action/dist/index.js";
if (existsSync(join(root, ROOT_ACTION)) && existsSync(join(root, MANIFESTS.github))) {
  const expected = readFileSync(join(root, MANIFESTS.github), "utf8").replace(/^(\s+main:\s*)dist\/index\.js$/m, `$1${PACKAGE_MAIN}`);
  if (readFileSync(join(root, ROOT_ACTION), "utf8") !== expected)
    problems.push(`${ROOT_ACTION}: differs from ${MANIFESTS.github} (it must be that file with main: ${PACKAGE_MAIN})`);
} else {
  problems.push(`${ROOT_ACTION}: missing (copy ${MANIFESTS.github} with main: ${PACKAGE_MAIN})`);
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`manifests: ${problem}`);
  console.error(`manifests: ${problems.length} difference${problems.length === 1 ? "" : "s"} from the options table`);
  process.exit(1);
}
console.log(`manifests: ${Object.values(MANIFESTS).join(", ")} agree with ${TABLE}`);
