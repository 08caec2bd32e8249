import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { GATE_OPTIONS, gitlabVariable, OPTION_SPECS, PLATFORM_INPUTS, readGateOptions, toCommandLine } from "../src/options.js";
import { REPO_ROOT, tempDir } from "./support.js";

const SCRIPT = join(REPO_ROOT, "scripts", "manifests.mjs");
const MANIFESTS = {
  github: "packages/github-action/action.yml",
  azure: "packages/azure-devops-task/Slogate/SlogateV1/task.json",
  gitlab: "packages/gitlab-component/templates/slogate.yml",
  jenkins: "packages/jenkins-shared-lib-bridge/vars/slogate.groovy",
};

function check(root = REPO_ROOT) {
  const run = spawnSync(process.execPath, [SCRIPT, "--check", "--root", root], { encoding: "utf8" });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A copy of the four manifests with one of them edited. */
function copyWith(path: string, edit: (text: string) => string): string {
  const root = tempDir("slogate-manifests-");
  for (const manifest of Object.values(MANIFESTS)) {
    mkdirSync(join(root, dirname(manifest)), { recursive: true });
    cpSync(join(REPO_ROOT, manifest), join(root, manifest));
  }
  writeFileSync(join(root, path), edit(readFileSync(join(root, path), "utf8")));
  return root;
}

describe("npm run manifests:check: every platform's inputs agree with the options table", () => {
  it("passes on the repository as committed", () => {
    const run = check();
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("agree with packages/core/src/options.ts");
  });

  it.each([
    [
      "action.yml lacks an input",
      MANIFESTS.github,
      (t: string) => t.replace(/\n {2}missing-sli:\n.*\n/, "\n"),
      'packages/github-action/action.yml: lacks input "missing-sli" (missingSli in packages/core/src/options.ts)',
    ],
    [
      "task.json adds an input",
      MANIFESTS.azure,
      (t: string) => t.replace('"inputs": [', '"inputs": [\n    { "name": "extraKnob", "type": "string", "label": "x" },'),
      'packages/azure-devops-task/Slogate/SlogateV1/task.json: input "extraKnob" is not in packages/core/src/options.ts',
    ],
    [
      "the GitLab template renames an input",
      MANIFESTS.gitlab,
      (t: string) => t.replace("    settle:\n", "    settle-time:\n"),
      'packages/gitlab-component/templates/slogate.yml: lacks input "settle" (settle in packages/core/src/options.ts)',
    ],
    [
      "the GitLab job maps an input to another variable",
      MANIFESTS.gitlab,
      (t: string) => t.replace("SLOGATE_SETTLE: $[[ inputs.settle ]]", "SLOGATE_SETTLING: $[[ inputs.settle ]]"),
      'packages/gitlab-component/templates/slogate.yml: the job does not map input "settle" to SLOGATE_SETTLE: $[[ inputs.settle ]]',
    ],
    [
      "the Jenkins step renames an argument",
      MANIFESTS.jenkins,
      (t: string) => t.replace("args.testName", "args.testname"),
      'packages/jenkins-shared-lib-bridge/vars/slogate.groovy: input "testname" is not in packages/core/src/options.ts',
    ],
    [
      "the Jenkins step hands an argument to another flag",
      MANIFESTS.jenkins,
      (t: string) => t.replace("'test-name': args.testName", "'name': args.testName"),
      'packages/jenkins-shared-lib-bridge/vars/slogate.groovy: argument "testName" is passed as --name, but packages/core/src/options.ts gives it --test-name',
    ],
  ])("fails when %s, naming the file and the input", (_case, path, edit, line) => {
    const run = check(copyWith(path, edit));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`manifests: ${line}`);
  });
});

describe("the options table", () => {
  it("gives every option a help text and every platform input one name", () => {
    for (const [name, spec] of OPTION_SPECS) {
      expect(spec.help.length, name).toBeGreaterThan(10);
    }
    for (const platform of ["github", "azure", "gitlab", "jenkins"] as const) {
      const names = [
        ...OPTION_SPECS.flatMap(([, spec]) => (spec.inputs[platform] ? [spec.inputs[platform]] : [])),
        ...Object.keys(PLATFORM_INPUTS[platform]),
      ];
      expect(new Set(names).size, platform).toBe(names.length);
    }
  });

  it("reads a platform's inputs: empty ones absent, values parsed, a CI step's history stored", () => {
    const inputs: Record<string, string> = {
      SLOGATE_SLO: "slo.yaml",
      SLOGATE_CONFIG: "",
      SLOGATE_LABELS: "project=shop,stage=staging,filter=a,b",
      SLOGATE_VUS: "4",
      SLOGATE_RATE: "2.5",
      SLOGATE_SEND_EVENT: "true",
      SLOGATE_EVENTS_REQUIRED: "FALSE",
      SLOGATE_PROVIDER: "auto",
      SLOGATE_HISTORY: ".slogate/history.jsonl",
    };
    expect(readGateOptions((input) => inputs[gitlabVariable(input)], "gitlab")).toEqual({
      slo: "slo.yaml",
      labels: { project: "shop", stage: "staging", filter: "a,b" },
      vus: 4,
      rate: 2.5,
      sendEvent: true,
      eventsRequired: false,
      history: ".slogate/history.jsonl",
      store: true,
    });
  });

  it.each([
    ["workload-vus", "0", 'workload-vus: "0" is not a whole number of at least 1'],
    ["workload-rate", "fast", 'workload-rate: "fast" is not a number above 0'],
    ["fail-on", "always", 'fail-on: "always" is not one of fail, warning, never'],
    ["labels", "service", 'labels: "service" is not name=value'],
    ["send-event", "yes", 'send-event: "yes" is not true or false'],
  ])("refuses %s = %j with the input's name", (input, raw, message) => {
    expect(() => readGateOptions((name) => (name === input ? raw : undefined), "github")).toThrow(message);
  });

  it("hands options to the CLI as flags that read back to the same options", () => {
    const options = {
      slo: "slo.yaml",
      labels: { service: "carts", filter: "a,b" },
      vus: 3,
      sendEvent: true,
      eventsRequired: false,
      failOn: "never" as const,
      command: ["k6", "run", "load test.js"],
    };
    const argv = toCommandLine(options, "run");
    expect(argv).toEqual([
      "--slo",
      "slo.yaml",
      "--label",
      "service=carts",
      "--label",
      "filter=a,b",
      "--fail-on",
      "never",
      "--send-event",
      "--vus",
      "3",
      "--",
      "k6",
      "run",
      "load test.js",
    ]);
    expect(GATE_OPTIONS.labels.parser.parse("service=carts\nfilter=a,b", "--label")).toEqual(options.labels);
  });
});
