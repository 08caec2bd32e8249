import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalRegistry, startLocalRegistry } from "./local-registry.js";
import { REPO_ROOT, tempDir } from "./support.js";

const RELEASE = join(REPO_ROOT, "release");
const VERSION = JSON.parse(readFileSync(join(REPO_ROOT, "packages", "core", "package.json"), "utf8")).version as string;

let packed: string;
let registry: LocalRegistry;
beforeAll(async () => {
  // The test command has built the workspace; building again here would race the other test files.
  packed = execFileSync(process.execPath, [join(REPO_ROOT, "scripts", "release-pack.mjs"), "--no-build"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  registry = await startLocalRegistry([
    join(RELEASE, `slogate-core-${VERSION}.tgz`),
    join(RELEASE, `slogate-gitlab-component-${VERSION}.tgz`),
  ]);
}, 180_000);
afterAll(() => registry?.stop());

/** A command line as a user types it, run in `cwd` against the local registry. */
function shell(commandLine: string, cwd: string): string {
  const [command, ...args] = commandLine.split(" ");
  return execFileSync(command as string, args, { cwd, encoding: "utf8", env: { ...process.env, ...registry.env }, timeout: 170_000 });
}

/** The first command in these docs that matches, with its version as the docs give it. */
function documented(pattern: RegExp, ...docs: string[]): string {
  for (const doc of docs) {
    const found = pattern.exec(readFileSync(join(REPO_ROOT, doc), "utf8"))?.[0];
    if (found) return found;
  }
  throw new Error(`${docs.join(", ")}: no command matching ${pattern}`);
}

describe("npm run release:pack: what a user installs, tested as installed", () => {
  it("packs every artifact at the core's version, with a manifest of their sha256", () => {
    expect(packed).toContain(`files of slogate ${VERSION} in release/`);
    const manifest = JSON.parse(readFileSync(join(RELEASE, "MANIFEST.json"), "utf8")) as Array<{
      file: string;
      version: string;
      sha256: string;
    }>;
    expect(manifest.map((entry) => entry.file)).toEqual(
      expect.arrayContaining([
        `slogate-core-${VERSION}.tgz`,
        `slogate-gitlab-component-${VERSION}.tgz`,
        `slogate-${VERSION}.vsix`,
        "gitlab-component/templates/slogate.yml",
        "gitlab-component/README.md",
        "gitlab-component/LICENSE",
        "gitlab-component/.gitlab-ci.yml",
        "jenkins-library/vars/slogate.groovy",
        "jenkins-library/resources/io/slogate/slogate.cjs",
      ]),
    );
    for (const entry of manifest) {
      expect(entry.version).toBe(VERSION);
      expect(
        createHash("sha256")
          .update(readFileSync(join(RELEASE, entry.file)))
          .digest("hex"),
        entry.file,
      ).toBe(entry.sha256);
    }
    // The extension carries the built task, not only its manifest.
    const vsix = execFileSync("unzip", ["-Z1", join(RELEASE, `slogate-${VERSION}.vsix`)], { encoding: "utf8" }).split("\n");
    expect(vsix).toContain("Slogate/SlogateV1/index.js");
    // The component's default command installs the package this release packs.
    expect(readFileSync(join(RELEASE, "gitlab-component", "templates", "slogate.yml"), "utf8")).toContain(
      `npx --yes @slogate/gitlab-component@${VERSION}`,
    );
  });

  it("the component project's README is a catalog page: usage at this version and every input", () => {
    const readme = readFileSync(join(RELEASE, "gitlab-component", "README.md"), "utf8");
    expect(readme).toContain(`- component: $CI_SERVER_FQDN/slogate/slogate/slogate@${VERSION}`);
    expect(readme).toContain("| `slogate-command` | `npx --yes @slogate/gitlab-component@1.0.0` |".replace("1.0.0", VERSION));
    expect(readme).toContain("| `mode` | `evaluate` | evaluate: score SLIs against the SLO; run: run a load test first");
  });

  it("the published tarballs carry the licence, and nothing of the tests or sources", () => {
    for (const tarball of [`slogate-core-${VERSION}.tgz`, `slogate-gitlab-component-${VERSION}.tgz`]) {
      const listed = execFileSync("tar", ["-tzf", join(RELEASE, tarball)], { encoding: "utf8" }).split("\n");
      expect(listed, tarball).toContain("package/LICENSE");
      expect(
        listed.filter((file) => /^package\/(test|src)\//.test(file)),
        tarball,
      ).toEqual([]);
    }
  });

  it("the docs' install command, then `npx slogate`, from the registry into an empty project", () => {
    const install = documented(/npm install --save-dev @slogate\/core@[^\s`]+/, "README.md", "docs/quickstart-cli.md");
    expect(install).toBe(`npm install --save-dev @slogate/core@${VERSION}`);
    const project = tempDir("slogate-installed-");
    shell("npm init -y", project);
    shell(install, project);
    expect(shell("npx slogate --version", project).trim()).toBe(VERSION);
    shell("npx slogate init --provider file", project);
    expect(shell("npx slogate evaluate --format json", project)).toContain('"result": "pass"');
  }, 180_000);

  it("the docs' one-off `npx --yes @slogate/core@<version>` in a folder without package.json", () => {
    const once = documented(/npx --yes @slogate\/core@[^\s`]+/, "README.md", "docs/quickstart-cli.md");
    expect(once).toBe(`npx --yes @slogate/core@${VERSION}`);
    const folder = tempDir("slogate-npx-");
    expect(shell(`${once} --version`, folder).trim()).toBe(VERSION);
    expect(shell(`${once} init --provider file`, folder)).toContain("slo.yaml");
    expect(shell(`${once} evaluate`, folder)).toMatch(/^slogate PASS {2}score 100/);
  }, 180_000);
});
