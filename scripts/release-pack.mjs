#!/usr/bin/env node
// `npm run release:pack`: every artifact a user installs, built from this checkout into release/
// (git-ignored), all at packages/core's version, with MANIFEST.json (each file, its version and
// sha256). Needs the build (run here) and tfx-cli in .tools/tfx (scripts/ensure-tools.sh).
// Tests pack what they install with the same code: --out <dir>, --only npm,vsix,gitlab-component,
// jenkins-library, and --no-build when the workspace is built already.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseAllDocuments } from "yaml";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: options } = parseArgs({
  options: { out: { type: "string", default: join(root, "release") }, only: { type: "string" }, "no-build": { type: "boolean" } },
});
const release = resolve(options.out);
const version = JSON.parse(readFileSync(join(root, "packages", "core", "package.json"), "utf8")).version;
const run = (command, args, cwd = root) => execFileSync(command, args, { cwd, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });

const ARTIFACTS = { npm: packNpm, vsix: packVsix, "gitlab-component": packGitlabComponent, "jenkins-library": packJenkinsLibrary };
const chosen = options.only ? options.only.split(",") : Object.keys(ARTIFACTS);
for (const name of chosen)
  if (!(name in ARTIFACTS)) throw new Error(`--only: no artifact "${name}" (${Object.keys(ARTIFACTS).join(", ")})`);

if (!options["no-build"]) run("npx", ["turbo", "run", "build", "--output-logs=errors-only"]);
rmSync(release, { recursive: true, force: true });
mkdirSync(release, { recursive: true });
for (const name of chosen) ARTIFACTS[name]();

/** The npm packages, as npm publishes them. */
function packNpm() {
  for (const name of ["core", "gitlab-component"]) {
    run("npm", ["pack", "--silent", "--pack-destination", release], join(root, "packages", name));
  }
}

/** The Azure DevOps extension, with the built task inside. */
function packVsix() {
  const tfx = join(root, ".tools", "tfx", "node_modules", "tfx-cli", "_build", "tfx-cli.js");
  if (!existsSync(tfx)) throw new Error("release:pack needs tfx-cli in .tools/tfx: run bash scripts/ensure-tools.sh");
  const vsixOut = join(release, ".vsix");
  mkdirSync(vsixOut);
  run(
    process.execPath,
    [tfx, "extension", "create", "--manifest-globs", "vss-extension.json", "--output-path", vsixOut, "--no-prompt"],
    join(root, "packages", "azure-devops-task"),
  );
  for (const file of readdirSync(vsixOut)) renameSync(join(vsixOut, file), join(release, `slogate-${version}.vsix`));
  rmSync(vsixOut, { recursive: true });
}

/** A GitLab CI/CD component project: templates/ at its root, as the catalog requires. */
function packGitlabComponent() {
  const component = join(release, "gitlab-component");
  cpSync(join(root, "packages", "gitlab-component", "templates"), join(component, "templates"), { recursive: true });
  cpSync(join(root, "LICENSE"), join(component, "LICENSE"));
  writeFileSync(join(component, "README.md"), componentReadme(readFileSync(join(component, "templates", "slogate.yml"), "utf8")));
  writeFileSync(
    join(component, ".gitlab-ci.yml"),
    `# Publishes a tagged version of this component to the CI/CD catalog.
create-release:
  stage: deploy
  image: registry.gitlab.com/gitlab-org/release-cli:latest
  rules:
    - if: $CI_COMMIT_TAG =~ /^\\d+\\.\\d+\\.\\d+$/
  script: echo "Releasing $CI_COMMIT_TAG"
  release:
    tag_name: $CI_COMMIT_TAG
    description: "slogate $CI_COMMIT_TAG"
`,
  );
}

/** The catalog page: what the component does, how to include it, and every input from its spec. */
function componentReadme(template) {
  const inputs = parseAllDocuments(template)[0].toJS().spec.inputs;
  const cell = (text) => String(text).replaceAll("|", "\\|").replaceAll("\n", " ");
  const rows = Object.entries(inputs).map(
    ([name, input]) =>
      `| \`${name}\` | ${input.default === undefined ? "(required)" : input.default === "" ? '""' : `\`${cell(input.default)}\``} | ${cell(input.description ?? "")} |`,
  );
  return `# slogate — SLI/SLO quality gate for GitLab CI/CD

A gate job for your pipeline: it scores service-level indicators (from Dynatrace, Prometheus, a
load test or a values file) against a Keptn \`slo.yaml\` and answers pass, warning (the job's
orange "passed with warnings") or fail, with GitLab's JUnit report, dotenv variables for later
jobs, a link to the HTML report and one note on the merge request, updated in place.

## Usage

\`\`\`yaml
include:
  - component: $CI_SERVER_FQDN/slogate/slogate/slogate@${version}
    inputs:
      stage: test
      slo: quality/slo.yaml
      sli: quality/sli.yaml
      provider: dynatrace
      timeframe: 15m
\`\`\`

With values measured by an earlier job instead of a backend:

\`\`\`yaml
include:
  - component: $CI_SERVER_FQDN/slogate/slogate/slogate@${version}
    inputs:
      slo: slo.yaml
      sli-values: sli-values.json
\`\`\`

Two gates in one pipeline: include the component twice with different \`job-name\` inputs.
Credentials come from CI/CD variables: \`DT_URL\`, \`DT_API_TOKEN\` (masked), \`PROMETHEUS_URL\`, and
\`SLOGATE_GITLAB_TOKEN\` (a project access token with \`api\` scope) for the merge-request note; the \`*-variable\` inputs rename them.

The job runs \`npx --yes @slogate/gitlab-component@${version}\` (the \`slogate-command\` input) in an
image with Node.js 20 or newer; on runners without the npm registry, point \`image\` at a mirror
that has the package installed and \`slogate-command\` at it.

## Inputs

| Input | Default | Description |
|---|---|---|
${rows.join("\n")}

## Licence

Apache-2.0 (LICENSE).
`;
}

/** A Jenkins shared library: vars/ and resources/ at its root. */
function packJenkinsLibrary() {
  const jenkins = join(release, "jenkins-library");
  for (const folder of ["vars", "resources"]) {
    cpSync(join(root, "packages", "jenkins-shared-lib-bridge", folder), join(jenkins, folder), { recursive: true });
  }
  cpSync(join(root, "LICENSE"), join(jenkins, "LICENSE"));
  writeFileSync(
    join(jenkins, "README.md"),
    `# slogate — Jenkins shared library ${version}

\`vars/slogate.groovy\` is the \`slogate(...)\` step; \`resources/io/slogate/slogate.cjs\` is the slogate CLI
in one file, which the step runs with the agent's Node.js (20 or newer). Register this repository as
a shared library named \`slogate\` (no library path needed) and pin the release:
\`@Library('slogate@v${version}') _\`. Usage: https://github.com/slogate/slogate/blob/v${version}/docs/quickstart-jenkins.md
`,
  );
}

function files(directory) {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}
const manifest = files(release)
  .filter((path) => !path.endsWith("MANIFEST.json"))
  .sort()
  .map((path) => ({
    file: relative(release, path),
    version,
    sha256: createHash("sha256").update(readFileSync(path)).digest("hex"),
  }));
writeFileSync(join(release, "MANIFEST.json"), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`release:pack: ${manifest.length} files of slogate ${version} in ${relative(root, release) || "."}/`);
