import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, tempDir } from "./support.js";

const RELEASE = join(REPO_ROOT, "release");
const VERSION = JSON.parse(readFileSync(join(REPO_ROOT, "packages", "core", "package.json"), "utf8")).version as string;

describe("npm run release:pack: what a user installs, tested as installed", () => {
  it("packs every artifact at the core's version, with a manifest of their sha256", () => {
    const said = execFileSync(process.execPath, [join(REPO_ROOT, "scripts", "release-pack.mjs")], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(said).toContain(`files of slogate ${VERSION} in release/`);
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
  }, 120_000);

  it("the core tarball installs into an empty folder and its slogate command runs a first gate", () => {
    const project = tempDir("slogate-installed-");
    execFileSync("npm", ["init", "-y"], { cwd: project, stdio: "ignore" });
    execFileSync("npm", ["install", "--no-audit", "--no-fund", join(RELEASE, `slogate-core-${VERSION}.tgz`)], {
      cwd: project,
      stdio: "ignore",
    });
    const slogate = (args: string[]) =>
      execFileSync(join(project, "node_modules", ".bin", "slogate"), args, { cwd: project, encoding: "utf8" });
    expect(slogate(["--version"]).trim()).toBe(VERSION);
    slogate(["init", "--provider", "file"]);
    expect(slogate(["evaluate", "--format", "json"])).toContain('"result": "pass"');
  }, 180_000);
});
