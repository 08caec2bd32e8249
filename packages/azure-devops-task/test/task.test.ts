import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adapterDynatrace, adapterSlo, FAILING_ADAPTER_SLO, OAUTH_DQL_QUERY, oauthDynatrace } from "../../core/test/adapter-fixtures.js";
import { LocalDynatrace } from "../../core/test/dynatrace-server.js";
import { filesContaining } from "../../core/test/support.js";
import { complete, NODE24, runTask } from "./run-task.js";

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const REPO_ROOT = resolve(PACKAGE, "..", "..");
const DT_TOKEN = "dt0c01.AZURE.canary-dynatrace-9d8c7b";
const ACCESS_TOKEN = "azure-canary-access-token-5f4e";
/** The agent names a service connection's variables by its id, a GUID. */
const CONNECTION = "5e1c0d3a-8f7b-4c2e-9a61-0d2b3c4e5f60";

const SLO = adapterSlo;

let dynatrace: LocalDynatrace;
let azure: { server: Server; url: string; statuses: Array<{ path: string; auth: string | undefined; body: unknown }>; answer: number };
beforeAll(async () => {
  dynatrace = await adapterDynatrace({ [DT_TOKEN]: ["metrics.read"] });
  const statuses: Array<{ path: string; auth: string | undefined; body: unknown }> = [];
  const state = { answer: 201 };
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      // The pull request's iterations (pushes): two so far.
      if (request.method === "GET" && /\/pullRequests\/\d+\/iterations\?/.test(request.url ?? "")) {
        response.writeHead(state.answer === 403 ? 403 : 200, { "content-type": "application/json" });
        response.end(JSON.stringify(state.answer === 403 ? { message: "TF401027" } : { count: 2, value: [{ id: 1 }, { id: 2 }] }));
        return;
      }
      statuses.push({ path: request.url ?? "", auth: request.headers.authorization, body: JSON.parse(body || "{}") });
      response.writeHead(state.answer, { "content-type": "application/json" });
      response.end(
        JSON.stringify(
          state.answer < 300 ? { id: statuses.length } : { message: "TF401027: You need the Git 'PullRequestContribute' permission" },
        ),
      );
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  azure = {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/acme/`,
    statuses,
    get answer() {
      return state.answer;
    },
    set answer(value: number) {
      state.answer = value;
    },
  };
});
afterAll(async () => {
  await dynatrace?.stop();
  await new Promise<void>((done) => azure?.server.close(() => done()));
});

const dynatraceInputs = {
  dynatraceConnection: CONNECTION,
  provider: "dynatrace",
  slo: "slo.yaml",
  sli: "sli.yaml",
  start: "2024-05-01T10:00:00Z",
  end: "2024-05-01T10:15:00Z",
  settle: "0",
  labels: "service=carts\nstage=staging",
};
/** As the agent passes a token service connection: its URL and its authorization (scheme and parameters). */
const connection = () => ({
  [`ENDPOINT_URL_${CONNECTION}`]: dynatrace.url,
  [`ENDPOINT_AUTH_${CONNECTION}`]: JSON.stringify({ scheme: "Token", parameters: { apitoken: DT_TOKEN } }),
  [`ENDPOINT_AUTH_PARAMETER_${CONNECTION}_APITOKEN`]: DT_TOKEN,
  [`ENDPOINT_AUTH_SCHEME_${CONNECTION}`]: "Token",
});

describe("the packaged task folder, run as the agent runs it", () => {
  for (const [label, node] of [
    ["Node 20 (Node20_1 handler)", process.execPath],
    ["Node 24 (Node24 handler)", NODE24],
  ] as const) {
    it(`${label}: the contract — slo and sliValues in, result and score out as output variables`, async () => {
      const run = await runTask(
        node,
        { slo: "slo.yaml", sliValues: "values.json" },
        { files: { "values.json": JSON.stringify({ response_time: 320, error_rate: 0 }) } },
      );
      const id = /variable=evaluationId;isOutput=true;issecret=false;\]([0-9a-f-]{36})$/m.exec(run.stdout)?.[1] ?? "none";
      const temp = join(run.workspace, "_temp", "slogate");
      expect(run.commands).toEqual([
        "##vso[task.setvariable variable=result;isOutput=true;issecret=false;]pass",
        "##vso[task.setvariable variable=score;isOutput=true;issecret=false;]100",
        `##vso[task.setvariable variable=evaluationId;isOutput=true;issecret=false;]${id}`,
        `##vso[task.setvariable variable=reportJson;isOutput=true;issecret=false;]${temp}/${id}.json`,
        `##vso[task.setvariable variable=reportHtml;isOutput=true;issecret=false;]${temp}/${id}.html`,
        `##vso[task.addattachment type=Distributedtask.Core.Summary;name=slogate quality gate;]${temp}/${id}/slogate.md`,
        "##vso[task.complete result=Succeeded;]slogate: pass (score 100)",
      ]);
      expect(readFileSync(join(temp, id, "slogate.md"), "utf8")).toMatch(/^## ✅ slogate: PASS \(score 100\)/);
    });
  }

  it("reads the Dynatrace service connection, masks its token and never prints it", async () => {
    const run = await runTask(NODE24, dynatraceInputs, { env: connection() });
    expect(run.commands[0]).toBe(`##vso[task.setsecret]${DT_TOKEN}`);
    expect(complete(run)).toBe("##vso[task.complete result=Succeeded;]slogate: pass (score 100)");
    expect(run.stdout.replace(`##vso[task.setsecret]${DT_TOKEN}`, "")).not.toContain(DT_TOKEN);
    // The summary and reports the task wrote, and what reached the local Dynatrace.
    expect(filesContaining(run.workspace, DT_TOKEN)).toEqual([]);
    expect(dynatrace.requests.filter((r) => r.body.includes(DT_TOKEN))).toEqual([]);
  });

  it("warning: SucceededWithIssues (the native warning state) with an issue per warning objective, or as mapped", async () => {
    const files = { "slo.yaml": SLO("<=250") };
    const run = await runTask(NODE24, dynatraceInputs, { env: connection(), files });
    expect(run.commands).toContain(
      "##vso[task.issue type=warning;source=TaskInternal;]slogate: response_time: warning: no pass block met (pass block 1: <=250 (target 250) violated); warning block 1 met: <=400 (target 400) met",
    );
    expect(complete(run)).toBe(
      "##vso[task.complete result=SucceededWithIssues;]slogate: warning (score 75): Evaluation returned a warning: the calculated score of 75 is close to the warning target value of 50",
    );
    const strict = await runTask(NODE24, { ...dynatraceInputs, markBuildOnWarning: "failed" }, { env: connection(), files });
    expect(complete(strict)).toMatch(/^##vso\[task.complete result=Failed;\]slogate: warning \(score 75\)/);
  });

  it("fail: Failed with the reason, or as mapped", async () => {
    const failing = FAILING_ADAPTER_SLO;
    const run = await runTask(NODE24, dynatraceInputs, { env: connection(), files: { "slo.yaml": failing } });
    expect(complete(run)).toBe(
      "##vso[task.complete result=Failed;]slogate: fail (score 50): Evaluation failed since the calculated score of 50 is below the warning value of 75",
    );
    const lenient = await runTask(
      NODE24,
      { ...dynatraceInputs, markBuildOnFail: "nothing" },
      { env: connection(), files: { "slo.yaml": failing } },
    );
    expect(complete(lenient)).toMatch(/^##vso\[task.complete result=Succeeded;\]slogate: fail \(score 50\)/);
  });

  it("error: an invalid SLO is an issue at its file, line and column, and Failed — never green", async () => {
    const run = await runTask(NODE24, dynatraceInputs, { env: connection(), files: { "slo.yaml": SLO("<=350ms") } });
    const issue = run.commands.find((c) => c.startsWith("##vso[task.logissue") || c.startsWith("##vso[task.issue type=error;sourcepath"));
    expect(issue).toMatch(
      /^##vso\[task\.(log)?issue type=error;sourcepath=.*slo\.yaml;linenumber=4;columnnumber=20;\]criterion "<=350ms" of SLI "response_time"/,
    );
    expect(complete(run)).toBe(
      "##vso[task.complete result=Failed;]slogate: the configuration is invalid (see the errors above); no verdict",
    );
    // `history: dynatrace` on a filePath input reaches the task rooted in the sources directory.
    const dynatraceHistory = await runTask(NODE24, { slo: "slo.yaml", sliValues: "values.json", history: "dynatrace" });
    expect(complete(dynatraceHistory)).toBe(
      "##vso[task.complete result=Failed;]slogate: Dynatrace needs the environment URL. Set DT_URL, or providers.dynatrace.url in slogate.yaml",
    );
    const missing = await runTask(NODE24, { slo: "nope.yaml", sliValues: "values.json" });
    expect(complete(missing)).toMatch(/^##vso\[task.complete result=Failed;\]slogate: cannot read SLO file .*nope\.yaml: no such file/);
    const unreachable = await runTask(NODE24, dynatraceInputs, {
      env: { ...connection(), [`ENDPOINT_URL_${CONNECTION}`]: "http://127.0.0.1:1" },
    });
    expect(complete(unreachable)).toMatch(/^##vso\[task.complete result=Failed;\]/);
  });

  it("mode monitoring-apply keeps the gate's dashboard and alerts, says what changed in its summary, and a second run writes nothing", async () => {
    const token = "dt0c01.AZURE.canary-monitoring-token";
    const configured = await new LocalDynatrace({
      tokens: { [token]: ["ReadConfig", "WriteConfig", "settings.read", "settings.write"] },
    }).start();
    try {
      const env = {
        [`ENDPOINT_URL_${CONNECTION}`]: configured.url,
        [`ENDPOINT_AUTH_${CONNECTION}`]: JSON.stringify({ scheme: "Token", parameters: { apitoken: token } }),
        [`ENDPOINT_AUTH_PARAMETER_${CONNECTION}_APITOKEN`]: token,
        [`ENDPOINT_AUTH_SCHEME_${CONNECTION}`]: "Token",
      };
      const inputs = {
        mode: "monitoring-apply",
        dynatraceConnection: CONNECTION,
        slo: "slo.yaml",
        sli: "sli.yaml",
        labels: "project=sockshop\nstage=staging\nservice=carts",
      };
      const first = await runTask(NODE24, inputs, { env });
      expect(first.commands).toContain("##vso[task.setvariable variable=monitoringWrites;isOutput=true;issecret=false;]2");
      const attachment = first.commands.find((c) =>
        c.startsWith("##vso[task.addattachment type=Distributedtask.Core.Summary;name=slogate monitoring;]"),
      );
      expect(readFileSync(attachment?.split("]")[1] ?? "", "utf8")).toMatch(
        /^### slogate monitoring apply\n\n```\ncreated dashboard "KQG;project=sockshop;stage=staging;service=carts"/,
      );
      expect(complete(first)).toBe("##vso[task.complete result=Succeeded;]slogate: monitoring applied, 2 writes");
      const second = await runTask(NODE24, inputs, { env });
      expect(complete(second)).toBe("##vso[task.complete result=Succeeded;]slogate: monitoring applied, 0 writes");
      expect(second.stdout.replace(`##vso[task.setsecret]${token}`, "")).not.toContain(token);
    } finally {
      await configured.stop();
    }
  });

  it("queries DQL with an OAuth client from the service connection (its id, secret and account), the secret masked", async () => {
    const query = OAUTH_DQL_QUERY;
    const secret = "dt0s02.AZURE.canary-client-secret";
    const oauth = await oauthDynatrace("dt0s02.AZURE", secret);
    try {
      const run = await runTask(
        NODE24,
        { ...dynatraceInputs, dynatraceConnection: CONNECTION, sli: "dql.yaml", slo: "dql-slo.yaml" },
        {
          files: {
            "dql.yaml": `indicators:\n  errors: "DQL;${query}"\n`,
            "dql-slo.yaml": "objectives:\n  - sli: errors\n    pass:\n      - criteria: ['<=0']\ntotal_score:\n  pass: '90%'\n",
          },
          env: {
            [`ENDPOINT_URL_${CONNECTION}`]: oauth.url,
            [`ENDPOINT_AUTH_${CONNECTION}`]: JSON.stringify({
              scheme: "UsernamePassword",
              parameters: { username: "dt0s02.AZURE", password: secret },
            }),
            [`ENDPOINT_AUTH_SCHEME_${CONNECTION}`]: "UsernamePassword",
            [`ENDPOINT_DATA_${CONNECTION}_ACCOUNTURN`]: "urn:dtaccount:test",
            DT_SSO_URL: `${oauth.url}/sso/oauth2/token`,
          },
        },
      );
      expect(complete(run)).toBe("##vso[task.complete result=Succeeded;]slogate: pass (score 100)");
      expect(oauth.requestsTo("dql-execute")).toHaveLength(1);
      expect(run.commands).toContain(`##vso[task.setsecret]${secret}`);
      expect(run.stdout.replace(`##vso[task.setsecret]${secret}`, "")).not.toContain(secret);
    } finally {
      await oauth.stop();
    }
  });

  it("keeps history in a git branch that survives hosted agents: the next build compares with the last", async () => {
    const remote = join(mkdtempSync(join(tmpdir(), "slogate-azure-git-")), "shop.git");
    execFileSync("git", ["init", "--quiet", "--bare", remote]);
    const inputs = { ...dynatraceInputs, historyBranch: "slogate-history", historyRemote: remote };
    const first = await runTask(NODE24, inputs, { env: connection() });
    const second = await runTask(NODE24, inputs, { env: connection() });
    const id = (run: typeof first) => /variable=evaluationId;isOutput=true;issecret=false;\](.+)$/m.exec(run.stdout)?.[1];
    expect(complete(second)).toBe("##vso[task.complete result=Succeeded;]slogate: pass (score 100)");
    const reportPath = /variable=reportJson;isOutput=true;issecret=false;\](.+)$/m.exec(second.stdout)?.[1] ?? "";
    expect(JSON.parse(readFileSync(reportPath, "utf8")).comparedEvents).toEqual([id(first)]);
    const lines = execFileSync("git", ["--git-dir", remote, "show", "slogate-history:history.jsonl"], { encoding: "utf8" })
      .trim()
      .split("\n");
    expect(lines.map((line) => JSON.parse(line).id)).toEqual([id(first), id(second)]);
  });

  it("posts a pull-request status with the job's token, and degrades to a warning without permission", async () => {
    const pr = {
      ...connection(),
      SYSTEM_PULLREQUEST_PULLREQUESTID: "12",
      SYSTEM_COLLECTIONURI: azure.url,
      SYSTEM_TEAMPROJECT: "shop",
      BUILD_REPOSITORY_ID: "repo-1",
      ENDPOINT_AUTH_SYSTEMVSSCONNECTION: JSON.stringify({ scheme: "OAuth", parameters: { AccessToken: ACCESS_TOKEN } }),
      ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN: ACCESS_TOKEN,
    };
    azure.answer = 201;
    const run = await runTask(NODE24, { ...dynatraceInputs, pullRequestStatus: "true" }, { env: pr });
    expect(azure.statuses.at(-1)).toEqual({
      // On the latest iteration, so the next push makes it expire.
      path: "/acme/shop/_apis/git/repositories/repo-1/pullRequests/12/iterations/2/statuses?api-version=7.1",
      auth: `Bearer ${ACCESS_TOKEN}`,
      body: {
        state: "succeeded",
        description: "slogate: pass (score 100)",
        // Shown as slogate/quality-gate: the genre names the tool.
        context: { genre: "slogate", name: "quality-gate" },
        // Back to the build that decided it.
        targetUrl: `${azure.url}shop/_build/results?buildId=314`,
      },
    });
    expect(run.stdout).toContain("slogate: pull-request status posted on !12");
    azure.answer = 403;
    const denied = await runTask(NODE24, { ...dynatraceInputs, pullRequestStatus: "true" }, { env: pr });
    expect(denied.commands).toContain(
      '##vso[task.issue type=warning;source=TaskInternal;]slogate: could not post the pull-request status (403): give the build service "Contribute to pull requests" on the repository',
    );
    expect(complete(denied)).toBe("##vso[task.complete result=Succeeded;]slogate: pass (score 100)");
    // A GitHub repository built in Azure Pipelines has no Azure Repos pull request to post on.
    const posted = azure.statuses.length;
    const github = await runTask(
      NODE24,
      { ...dynatraceInputs, pullRequestStatus: "true" },
      { env: { ...pr, BUILD_REPOSITORY_PROVIDER: "GitHub" } },
    );
    expect(azure.statuses).toHaveLength(posted);
    expect(github.stdout).toContain("slogate: no pull-request status: the repository is on GitHub, and statuses are for Azure Repos");
    expect(complete(github)).toBe("##vso[task.complete result=Succeeded;]slogate: pass (score 100)");
    for (const output of [run.stdout, denied.stdout])
      expect(output.replace(`##vso[task.setsecret]${ACCESS_TOKEN}`, "")).not.toContain(ACCESS_TOKEN);
  });
});

describe("the extension (.vsix) as release:pack builds it (tfx-cli) and the agent unpacks it", () => {
  const version = JSON.parse(readFileSync(join(REPO_ROOT, "packages", "core", "package.json"), "utf8")).version as string;
  let vsix: string;
  beforeAll(() => {
    const out = mkdtempSync(join(tmpdir(), "slogate-vsix-"));
    execFileSync(process.execPath, [join(REPO_ROOT, "scripts", "release-pack.mjs"), "--only", "vsix", "--no-build", "--out", out], {
      stdio: "pipe",
      env: { ...process.env, HOME: out },
    });
    vsix = join(out, `slogate-${version}.vsix`);
  }, 120_000);

  for (const [label, node] of [
    ["Node 20", process.execPath],
    ["Node 24", NODE24],
  ] as const) {
    it(`the unpacked task runs on ${label} and gates`, async () => {
      const unpacked = mkdtempSync(join(tmpdir(), "slogate-vsix-unpacked-"));
      execFileSync("unzip", ["-q", vsix, "-d", unpacked]);
      const run = await runTask(
        node,
        { slo: "slo.yaml", sliValues: "values.json" },
        {
          files: { "values.json": JSON.stringify({ response_time: 320, error_rate: 0 }) },
          taskDirectory: join(unpacked, "Slogate", "SlogateV1"),
        },
      );
      expect(complete(run)).toBe("##vso[task.complete result=Succeeded;]slogate: pass (score 100)");
    });
  }

  it("packs the task folder and the Dynatrace service connection type, at the release's version", () => {
    const size = statSync(vsix).size;
    expect(size).toBeLessThan(25 * 1024 * 1024);
    const list = execFileSync("unzip", ["-Z1", vsix], { encoding: "utf8" }).split("\n");
    expect(list).toEqual(
      expect.arrayContaining([
        "extension.vsomanifest",
        "extension.vsixmanifest",
        "Slogate/SlogateV1/task.json",
        "Slogate/SlogateV1/index.js",
        "Slogate/SlogateV1/node_modules/azure-pipelines-task-lib/lib.json",
      ]),
    );
    const manifest = JSON.parse(execFileSync("unzip", ["-p", vsix, "extension.vsomanifest"], { encoding: "utf8" }));
    expect(manifest.contributions.map((c: { id: string; type: string }) => [c.id, c.type])).toEqual([
      ["slogate-task", "ms.vss-distributed-task.task"],
      ["slogate-dynatrace-endpoint", "ms.vss-endpoint.service-endpoint-type"],
    ]);
    const endpoint = manifest.contributions[1].properties;
    expect(endpoint.name).toBe("slogate-dynatrace");
    expect(endpoint.authenticationSchemes.map((scheme: { type: string }) => scheme.type)).toEqual([
      "ms.vss-endpoint.endpoint-auth-scheme-token",
      "ms.vss-endpoint.endpoint-auth-scheme-basic",
    ]);
    expect(endpoint.inputDescriptors.map((input: { id: string }) => input.id)).toEqual(["accountUrn"]);
    const task = JSON.parse(execFileSync("unzip", ["-p", vsix, "Slogate/SlogateV1/task.json"], { encoding: "utf8" }));
    expect(Object.keys(task.execution)).toEqual(["Node20_1", "Node24"]);
    expect(`${task.version.Major}.${task.version.Minor}.${task.version.Patch}`).toBe(version);
    expect(task.inputs.find((i: { name: string }) => i.name === "dynatraceConnection").type).toBe("connectedService:slogate-dynatrace");
    for (const input of task.inputs) expect(input.name).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
    console.log(`vsix: ${size} bytes`);
  });
});
