import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { parseAction } from "@actions/workflow-parser/actions/action-parser";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "./support.js";

const WORKFLOWS = join(REPO_ROOT, ".github", "workflows");

/** The errors GitHub's own workflow parser (actions/languageservices, its published schema) reports. */
async function workflowErrors(name: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((error) => error.message);
  if (parsed.value === undefined) return errors;
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return [...errors, ...(template.errors ?? []).map((error) => error.Message)];
}

function actionErrors(name: string, content: string): string[] {
  const parsed = parseAction({ name, content }, new NoOperationTraceWriter());
  return parsed.context.errors.getErrors().map((error) => error.message);
}

describe("release automation: the workflow files this repository runs on GitHub", () => {
  it("the validator rejects what GitHub would reject", async () => {
    expect(await workflowErrors("broken.yml", "on: push\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    stepz: []\n")).not.toEqual([]);
    expect(actionErrors("action.yml", "name: x\ndescription: y\nruns:\n  using: node24\n")).not.toEqual([]);
  });

  it("every workflow and both action.yml files are valid against GitHub's published schemas", async () => {
    const files = readdirSync(WORKFLOWS).filter((name) => name.endsWith(".yml"));
    expect(files.sort()).toEqual(["ci.yml", "release.yml"]);
    for (const file of files) {
      expect(await workflowErrors(file, readFileSync(join(WORKFLOWS, file), "utf8")), file).toEqual([]);
    }
    for (const file of ["action.yml", "packages/github-action/action.yml"]) {
      expect(actionErrors(file, readFileSync(join(REPO_ROOT, file), "utf8")), file).toEqual([]);
    }
  });

  it("CI runs exactly .ci/run; the release ships every artifact of one pack", () => {
    const ci = parse(readFileSync(join(WORKFLOWS, "ci.yml"), "utf8"));
    expect(ci.jobs.test.steps.map((step: { run?: string }) => step.run).filter(Boolean)).toEqual(["bash .ci/run"]);

    const release = parse(readFileSync(join(WORKFLOWS, "release.yml"), "utf8"));
    expect(release.jobs.version.steps.at(-1)).toMatchObject({ uses: "changesets/action@v1", with: { version: "npm run version" } });
    const publish = release.jobs.publish;
    expect(publish.permissions).toEqual({ contents: "write", "id-token": "write" });
    const script = publish.steps.map((step: { run?: string }) => step.run ?? "").join("\n");
    for (const command of [
      "npm run release:pack",
      'npm publish "release/slogate-core-$VERSION.tgz" --provenance --access public',
      'npm publish "release/slogate-gitlab-component-$VERSION.tgz" --provenance --access public',
      'git push --force origin "v$MAJOR"',
      "gh release create",
      'extension publish \\\n  --vsix "release/slogate-$VERSION.vsix" --token "$AZURE_MARKETPLACE_PAT"',
      'git push "$remote" "$VERSION"',
    ]) {
      expect(script).toContain(command);
    }
    // Secrets reach steps only as environment variables, never interpolated into a script.
    expect(script).not.toMatch(/\$\{\{\s*secrets\./);
  });
});
