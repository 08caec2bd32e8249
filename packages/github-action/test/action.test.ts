import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { LOAD_TEST_SLO, OAUTH_DQL_QUERY, oauthDynatrace } from "../../core/test/adapter-fixtures.js";
import { LocalDynatrace } from "../../core/test/dynatrace-server.js";
import { localServer } from "../../core/test/local-server.js";
import { filesContaining } from "../../core/test/support.js";
import { FakeGitHub } from "./fake-github.js";
import { type ActionRun, BUNDLE, NODE24, REPOSITORY_ACTION, runAction as runActionProcess } from "./run-action.js";

const here = dirname(fileURLToPath(import.meta.url));
const ACTION = resolve(here, "..");

const SLO = `objectives:
  - sli: response_time
    displayName: Response time
    pass:
      - criteria: ["<=+10%", "<600"]
    warning:
      - criteria: ["<=800"]
  - sli: error_rate
    pass:
      - criteria: ["<1"]
total_score:
  pass: "90%"
  warning: "75%"
`;

let github: FakeGitHub;
beforeAll(async () => {
  github = await new FakeGitHub().start();
});
afterAll(async () => {
  await github?.stop();
});

/** The action as the runner runs it, with the fake GitHub API for comments. */
function runAction(inputs: Record<string, string>, options: Parameters<typeof runActionProcess>[1] = {}): Promise<ActionRun> {
  return runActionProcess(inputs, { apiUrl: github.url, ...options });
}

function workspaceWith(values: Record<string, number>): string {
  const workspace = mkdtempSync(join(tmpdir(), "slogate-gha-ws-"));
  writeFileSync(join(workspace, "slo.yaml"), SLO);
  writeFileSync(join(workspace, "values.json"), JSON.stringify(values));
  return workspace;
}

describe("the GitHub Action, run by Node 24 as the runner runs it", () => {
  it("has a Node 24 binary, the committed bundle, and a valid action.yml with every output the action sets", () => {
    expect(execFileSync(NODE24, ["--version"], { encoding: "utf8" })).toMatch(/^v24\./);
    expect(existsSync(BUNDLE)).toBe(true);
    const manifest = parseDocument(readFileSync(join(ACTION, "action.yml"), "utf8"));
    expect(manifest.errors).toEqual([]);
    const action = manifest.toJS() as {
      runs: { using: string; main: string };
      inputs: Record<string, unknown>;
      outputs: Record<string, unknown>;
    };
    expect(action.runs).toEqual({ using: "node24", main: "dist/index.js" });
    expect(Object.keys(action.outputs).sort()).toEqual([
      "evaluation-id",
      "monitoring-writes",
      "report-html",
      "report-json",
      "report-markdown",
      "result",
      "score",
      "sli-values",
      "synthetic-availability",
      "synthetic-response-time",
      "window-end",
      "window-start",
      "workload-status",
    ]);
  });

  it("passes, sets outputs and writes the job summary (the contract: slo and sli-values)", async () => {
    const run = await runAction(
      { slo: "slo.yaml", "sli-values": "values.json" },
      { workspace: workspaceWith({ response_time: 420, error_rate: 0.2 }) },
    );
    expect(run.status).toBe(0);
    expect(run.outputs.result).toBe("pass");
    expect(run.outputs.score).toBe("100");
    expect(run.outputs["evaluation-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(readFileSync(run.outputs["report-json"] as string, "utf8"))).toMatchObject({
      result: "pass",
      id: run.outputs["evaluation-id"],
    });
    expect(run.summary).toContain("## ✅ slogate: PASS (score 100)");
    expect(run.summary).toContain(
      "| ✅ pass | Response time | 420 | – | ✓ `<=+10%` (no earlier result: met, as in Keptn), ✓ `<600` → 600 | ✓ `<=800` → 800 | 1/1 |",
    );
    expect(run.stdout).toContain("::add-mask::ghs_canaryGithubToken0123");
  });

  it("uses: <owner>/slogate@v1 — the repository root's action.yml runs the committed bundle and gates", async () => {
    const run = await runAction(
      { slo: "slo.yaml", "sli-values": "values.json" },
      { workspace: workspaceWith({ response_time: 420, error_rate: 0.2 }), action: REPOSITORY_ACTION },
    );
    expect(run.status).toBe(0);
    expect(run.outputs.result).toBe("pass");
    expect(run.summary).toContain("## ✅ slogate: PASS (score 100)");
  });

  it("fails the step on a failed gate, with one annotation per failed objective", async () => {
    const run = await runAction(
      { slo: "slo.yaml", "sli-values": "values.json" },
      { workspace: workspaceWith({ response_time: 900, error_rate: 3 }) },
    );
    expect(run.status).toBe(1);
    expect(run.outputs.result).toBe("fail");
    // Workflow commands escape % as %25.
    expect(run.stdout).toContain(
      "::error title=slogate objective failed::Response time: fail: pass block 1: <=+10%25 (no earlier result: met, as in Keptn) AND <600 (target 600) violated; warning block 1: <=800 (target 800) violated",
    );
    expect(run.stdout).toContain("::error title=slogate objective failed::error_rate: fail:");
    expect(run.stdout).toContain(
      "::error::slogate: fail (score 0): Evaluation failed since the calculated score of 0 is below the warning value of 75\n",
    );
  });

  it.each([
    ["fail", 0],
    ["warning", 1],
    ["never", 0],
  ] as const)("on a warning with fail-on: %s the step exits %d", async (failOn, status) => {
    const run = await runAction(
      { slo: "slo.yaml", "sli-values": "values.json", "fail-on": failOn },
      { workspace: workspaceWith({ response_time: 700, error_rate: 0 }) },
    );
    expect(run.outputs.result).toBe("warning");
    expect(run.status).toBe(status);
    expect(run.stdout).toContain("::warning title=slogate objective warning::Response time: warning:");
  });

  it("keeps one pull-request comment, updated in place", async () => {
    const workspace = workspaceWith({ response_time: 420, error_rate: 0.2 });
    const first = await runAction({ slo: "slo.yaml", "sli-values": "values.json" }, { workspace, pullRequest: 12 });
    expect(first.status).toBe(0);
    expect(github.comments).toHaveLength(1);
    writeFileSync(join(workspace, "values.json"), JSON.stringify({ response_time: 900, error_rate: 0 }));
    await runAction({ slo: "slo.yaml", "sli-values": "values.json" }, { workspace, pullRequest: 12 });
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]?.body).toMatch(/^<!-- slogate:report gate\/slogate -->\n## ❌ slogate: FAIL/);
    expect(github.calls.filter((c) => c.method === "PATCH")).toHaveLength(1);
    expect(github.calls.every((c) => c.authorization === "token ghs_canaryGithubToken0123")).toBe(true);
  });

  it("keys the comment by the gate: two gates keep two comments, and one someone else wrote with the marker is left alone", async () => {
    github.comments.length = 0;
    github.comments.push({ id: 1, body: "<!-- slogate:report checkout -->\ncopied", user: { login: "mallory", type: "User" } });
    const workspace = workspaceWith({ response_time: 420, error_rate: 0.2 });
    const patchesBefore = github.calls.filter((c) => c.method === "PATCH").length;
    for (const gate of ["checkout", "payments", "checkout"]) {
      const run = await runAction({ slo: "slo.yaml", "sli-values": "values.json", "gate-name": gate }, { workspace, pullRequest: 14 });
      expect(run.status).toBe(0);
    }
    expect(github.comments.map((c) => [c.user.login, c.body.split("\n")[0]])).toEqual([
      ["mallory", "<!-- slogate:report checkout -->"],
      ["github-actions[bot]", "<!-- slogate:report checkout -->"],
      ["github-actions[bot]", "<!-- slogate:report payments -->"],
    ]);
    expect(github.comments[0]?.body).toBe("<!-- slogate:report checkout -->\ncopied");
    expect(github.calls.filter((c) => c.method === "PATCH").length - patchesBefore).toBe(1);
  });

  it("reaches GitHub through the runner's proxy (HTTP_PROXY/HTTPS_PROXY) for the pull-request comment", async () => {
    // A self-hosted runner behind a corporate proxy: the API host is not loopback, so the toolkit
    // sends the comment through the proxy, which alone knows where the host is.
    const githubPort = Number(new URL(github.url).port);
    const asked: string[] = [];
    const proxy = createServer((request, response) => {
      asked.push(`${request.method} ${request.url}`);
      const target = new URL(request.url ?? "");
      const upstream = httpRequest(
        {
          host: "127.0.0.1",
          port: githubPort,
          method: request.method,
          path: `${target.pathname}${target.search}`,
          headers: request.headers,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      request.pipe(upstream);
    });
    proxy.on("connect", (request, client: Socket, head: Buffer) => {
      asked.push(`CONNECT ${request.url}`);
      const upstream = connect(githubPort, "127.0.0.1", () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      for (const socket of [client, upstream]) socket.on("error", () => socket.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      github.comments.length = 0;
      const run = await runAction(
        { slo: "slo.yaml", "sli-values": "values.json" },
        {
          workspace: workspaceWith({ response_time: 420, error_rate: 0.2 }),
          pullRequest: 15,
          apiUrl: `http://api.github.test:${githubPort}`,
          env: { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl },
        },
      );
      expect(run.status).toBe(0);
      expect(run.stdout).toContain("Pull-request comment created");
      // Every request to GitHub (list the comments, then create one) went through the proxy's tunnel.
      expect([...new Set(asked)]).toEqual([`CONNECT api.github.test:${githubPort}`]);
      expect(github.comments.map((c) => c.body.split("\n")[0])).toEqual(["<!-- slogate:report gate/slogate -->"]);
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it("on a fork's read-only token warns and keeps the report in the summary", async () => {
    github.readOnly = true;
    try {
      const run = await runAction(
        { slo: "slo.yaml", "sli-values": "values.json" },
        { workspace: workspaceWith({ response_time: 420, error_rate: 0.2 }), pullRequest: 13 },
      );
      expect(run.status).toBe(0);
      expect(run.stdout).toContain("::warning::Could not comment on the pull request (Resource not accessible by integration");
      expect(run.summary).toContain("slogate: PASS");
    } finally {
      github.readOnly = false;
    }
  });

  it("points at the line of an invalid SLO and never reports a verdict", async () => {
    const workspace = workspaceWith({ response_time: 1 });
    writeFileSync(join(workspace, "slo.yaml"), SLO.replace('"<1"', '"<1ms"'));
    const run = await runAction({ slo: "slo.yaml", "sli-values": "values.json" }, { workspace });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`::error file=${join(workspace, "slo.yaml")},line=10,col=20::criterion "<1ms" of SLI "error_rate"`);
    expect(run.outputs.result).toBeUndefined();
  });

  it("gates on Dynatrace with the token masked and never printed", async () => {
    const token = "dt0c01.GHA.canary-dynatrace-secret";
    const dynatrace = await new LocalDynatrace({ tokens: { [token]: ["metrics.read"] }, anyMetric: [{ values: [250] }] }).start();
    try {
      const workspace = workspaceWith({});
      writeFileSync(
        join(workspace, "sli.yaml"),
        "indicators:\n  response_time: metricSelector=builtin:service.response.time\n  error_rate: metricSelector=builtin:service.errors.total.rate\n",
      );
      writeFileSync(join(workspace, "slo.yaml"), SLO.replace('"<1"', '"<300"'));
      const run = await runAction(
        {
          provider: "dynatrace",
          sli: "sli.yaml",
          slo: "slo.yaml",
          "dynatrace-url": dynatrace.url,
          "dynatrace-token": token,
          start: "2024-05-01T10:00:00Z",
          end: "2024-05-01T10:15:00Z",
          settle: "0",
        },
        { workspace },
      );
      expect(run.outputs.result).toBe("pass");
      expect(run.stdout).toContain(`::add-mask::${token}`);
      expect(run.stdout.replace(`::add-mask::${token}`, "")).not.toContain(token);
      expect(run.summary).not.toContain(token);
      // Reports (JSON, Markdown, HTML) and every request the local Dynatrace saw the body of.
      expect(filesContaining(dirname(run.outputs["report-json"] as string), token)).toEqual([]);
      expect(dynatrace.requests.filter((r) => r.body.includes(token))).toEqual([]);
    } finally {
      await dynatrace.stop();
    }
  });

  it("queries DQL with an OAuth client of the account (platform credentials as inputs), the secret masked", async () => {
    const secret = "dt0s02.GHA.canary-client-secret";
    const query = OAUTH_DQL_QUERY;
    const dynatrace = await oauthDynatrace("dt0s02.GHA", secret);
    try {
      const workspace = workspaceWith({});
      writeFileSync(join(workspace, "sli.yaml"), `indicators:\n  error_rate: "DQL;${query}"\n  response_time: "DQL;${query}"\n`);
      writeFileSync(join(workspace, "slo.yaml"), SLO.replace('"<1"', '"<=0"').replace('["<=+10%", "<600"]', '["<=0"]'));
      const run = await runAction(
        {
          provider: "dynatrace",
          sli: "sli.yaml",
          slo: "slo.yaml",
          "dynatrace-url": dynatrace.url,
          "dynatrace-client-id": "dt0s02.GHA",
          "dynatrace-client-secret": secret,
          "dynatrace-account-urn": "urn:dtaccount:test",
          timeframe: "15m",
          settle: "0",
        },
        { workspace, env: { DT_SSO_URL: `${dynatrace.url}/sso/oauth2/token` } },
      );
      expect(run.outputs.result).toBe("pass");
      expect(dynatrace.requestsTo("dql-execute")).toHaveLength(2);
      expect(run.stdout).toContain(`::add-mask::${secret}`);
      expect(run.stdout.replace(`::add-mask::${secret}`, "")).not.toContain(secret);
    } finally {
      await dynatrace.stop();
    }
  });

  it("keeps history in a git branch and compares with it next time", async () => {
    const remote = join(mkdtempSync(join(tmpdir(), "slogate-gha-git-")), "shop.git");
    execFileSync("git", ["init", "--quiet", "--bare", remote]);
    const workspace = workspaceWith({ response_time: 400, error_rate: 0 });
    const inputs = { slo: "slo.yaml", "sli-values": "values.json", "history-branch": "slogate-history", "history-remote": remote };
    const first = await runAction(inputs, { workspace });
    writeFileSync(join(workspace, "values.json"), JSON.stringify({ response_time: 460, error_rate: 0 }));
    const second = await runAction(inputs, { workspace });
    const report = JSON.parse(readFileSync(second.outputs["report-json"] as string, "utf8"));
    expect(report.comparedEvents).toEqual([first.outputs["evaluation-id"]]);
    expect(report.objectives[0]).toMatchObject({ comparedValue: 400, status: "warning" });
    expect(second.summary).toContain(`| Response time | ✅ 400 | **⚠️ 460** |`);
    const lines = execFileSync("git", ["--git-dir", remote, "show", "slogate-history:history.jsonl"], { encoding: "utf8" })
      .trim()
      .split("\n");
    expect(lines.map((line) => JSON.parse(line).id)).toEqual([first.outputs["evaluation-id"], second.outputs["evaluation-id"]]);
    // A pull request compares with the branch it merges into and stores nothing: its code is not merged.
    const pr = await runAction(inputs, { workspace, pullRequest: 21 });
    const prReport = JSON.parse(readFileSync(pr.outputs["report-json"] as string, "utf8"));
    expect(prReport.comparedEvents).toEqual([second.outputs["evaluation-id"]]);
    expect(prReport.source).toMatchObject({ platform: "github", branch: "feature", event: "pull_request", pullRequest: "21" });
    const after = execFileSync("git", ["--git-dir", remote, "show", "slogate-history:history.jsonl"], { encoding: "utf8" });
    expect(after.trim().split("\n")).toHaveLength(2);
  });

  it("a history push the repository refuses costs no verdict: outputs and summary stand, a warning names the history", async () => {
    const remote = join(mkdtempSync(join(tmpdir(), "slogate-gha-git-")), "shop.git");
    execFileSync("git", ["init", "--quiet", "--bare", remote]);
    // A protected branch, or a read-only token on a fork's pull request: the server refuses the push.
    writeFileSync(join(remote, "hooks", "pre-receive"), "#!/bin/sh\necho 'refusing: slogate-history is protected' >&2\nexit 1\n", {
      mode: 0o755,
    });
    const run = await runAction(
      { slo: "slo.yaml", "sli-values": "values.json", "history-branch": "slogate-history", "history-remote": remote },
      { workspace: workspaceWith({ response_time: 400, error_rate: 0 }) },
    );
    expect(run.status).toBe(0);
    expect(run.outputs.result).toBe("pass");
    expect(run.summary).toContain("slogate: PASS");
    expect(run.stdout).toMatch(
      /::warning title=slogate history::the result was not stored: git push failed for the history branch slogate-history: .*\. Check that the job's token may read and push the repository \(GitHub: permissions contents: write/,
    );
    // A refusal is not a lost race: no retries.
    expect(run.stdout).not.toContain("retrying");
  });

  it("mode: run puts load on the service with the built-in generator and gates on what it measured", async () => {
    const target = await localServer((_request, response) => response.end("ok"));
    try {
      const workspace = workspaceWith({});
      writeFileSync(join(workspace, "slo.yaml"), LOAD_TEST_SLO);
      const run = await runAction(
        {
          mode: "run",
          slo: "slo.yaml",
          "workload-target": `${target.url}/health`,
          "workload-requests": "40",
          "workload-vus": "2",
          "test-name": "smoke",
        },
        { workspace },
      );
      expect(run.status).toBe(0);
      expect(target.requests).toHaveLength(40);
      expect(target.requests[0]?.headers["x-dynatrace-test"]).toMatch(/^VU=[12];SI=slogate;TSN=GET \/health;LSN=smoke;LTN=smoke$/);
      expect(run.outputs).toMatchObject({ result: "pass", "workload-status": "completed" });
      expect(Date.parse(run.outputs["window-end"] as string)).toBeGreaterThan(Date.parse(run.outputs["window-start"] as string));
      expect(run.stdout).toContain('slogate: running workload "smoke" (builtin)\n');
      expect(run.summary).toContain("## ✅ slogate: PASS (score 100)");
      const html = readFileSync(run.outputs["report-html"] as string, "utf8");
      expect(html).toContain('<svg id="heatmap"');
      const report = JSON.parse(readFileSync(run.outputs["report-json"] as string, "utf8"));
      expect(report.objectives.find((o: { sli: string }) => o.sli === "error_rate")).toMatchObject({
        value: 0,
        query: "workload:error_rate",
      });
    } finally {
      await target.close();
    }
  });

  it("mode: run runs any command (no shell) between test events and fails the step when it fails", async () => {
    const token = "dt0c01.GHA.canary-run-secret";
    const dynatrace = await new LocalDynatrace({
      tokens: { [token]: ["events.ingest", "metrics.read"] },
      anyMetric: [{ values: [1] }],
    }).start();
    try {
      const workspace = workspaceWith({});
      writeFileSync(
        join(workspace, "sli.yaml"),
        "indicators:\n  response_time: metricSelector=builtin:service.response.time\n  error_rate: metricSelector=builtin:service.errors.total.rate\n",
      );
      const run = await runAction(
        {
          mode: "run",
          slo: "slo.yaml",
          sli: "sli.yaml",
          provider: "dynatrace",
          settle: "0",
          "send-event": "true",
          "dynatrace-url": dynatrace.url,
          "dynatrace-token": token,
          "workload-command": `${process.execPath}\n-e\nconsole.log("load; $(echo not a shell)"); process.exit(4)`,
        },
        { workspace },
      );
      expect(run.status).toBe(1);
      expect(run.stdout).toContain("load; $(echo not a shell)");
      expect(run.outputs["workload-status"]).toBe("failed");
      expect(run.outputs.result).toBe("fail");
      expect(run.stdout).toMatch(/::error title=slogate load test::command .* exited with code 4/);
      const titles = dynatrace.requestsTo("events-ingest").map((r) => JSON.parse(r.body).title);
      expect(titles).toEqual(["Start test: slogate load test", "Test finished: slogate load test", "Quality gate: fail (score 50)"]);
      expect(run.stdout.replace(`::add-mask::${token}`, "")).not.toContain(token);
    } finally {
      await dynatrace.stop();
    }
  });

  it("mode: monitoring-apply writes the gate's dashboard and alerts and says what changed in the summary; a second run changes nothing", async () => {
    const token = "dt0c01.GHA.canary-monitoring-secret";
    const dynatrace = await new LocalDynatrace({
      tokens: { [token]: ["ReadConfig", "WriteConfig", "settings.read", "settings.write"] },
    }).start();
    try {
      const workspace = workspaceWith({});
      writeFileSync(
        join(workspace, "sli.yaml"),
        "indicators:\n  response_time: metricSelector=builtin:service.response.time:avg\n  error_rate: metricSelector=builtin:service.errors.total.rate:avg\n",
      );
      const inputs = {
        mode: "monitoring-apply",
        slo: "slo.yaml",
        sli: "sli.yaml",
        labels: "project=sockshop,stage=staging,service=carts",
        "dynatrace-url": dynatrace.url,
        "dynatrace-token": token,
      };
      const first = await runAction(inputs, { workspace });
      expect(first.status).toBe(0);
      expect(first.outputs["monitoring-writes"]).toBe("3");
      expect(first.summary).toMatch(
        /^### slogate monitoring apply\n\n```\ncreated dashboard "KQG;project=sockshop;stage=staging;service=carts" \([0-9a-f-]{36}\)\ncreated metric event "slogate sockshop\/staging\/carts: response_time" \(\w+\)\n/,
      );
      const second = await runAction(inputs, { workspace });
      expect(second.outputs["monitoring-writes"]).toBe("0");
      expect(second.summary).toContain('unchanged dashboard "KQG;project=sockshop;stage=staging;service=carts"');
      expect(second.stdout.replace(`::add-mask::${token}`, "")).not.toContain(token);
    } finally {
      await dynatrace.stop();
    }
  });

  it("mode: synthetic checks the deployment and hands its SLIs to a gate step as outputs and a values file", async () => {
    const token = "dt0c01.GHA.canary-synthetic-secret";
    const deployed = await localServer((_request, response) => response.end("ok"));
    const dynatrace = await new LocalDynatrace({
      tokens: { [token]: ["ExternalSyntheticIntegration"] },
      syntheticLocations: [{ entityId: "GEOLOCATION-95196F3C9A4F4215", name: "Amazon US East (N. Virginia)" }],
      syntheticDelayMs: 100,
    }).start();
    try {
      const run = await runAction(
        {
          mode: "synthetic",
          "synthetic-url": `${deployed.url}/health`,
          labels: "project=sockshop,stage=staging,service=carts",
          "dynatrace-url": dynatrace.url,
          "dynatrace-token": token,
        },
        { workspace: workspaceWith({}) },
      );
      expect(run.status).toBe(0);
      expect(run.outputs["synthetic-availability"]).toBe("100");
      expect(Number(run.outputs["synthetic-response-time"])).toBeGreaterThanOrEqual(0);
      expect(JSON.parse(readFileSync(run.outputs["sli-values"] as string, "utf8"))).toMatchObject({ "synthetic:availability": 100 });
      expect(run.summary).toContain("| `synthetic:availability` | 100 |");
    } finally {
      await Promise.all([dynatrace.stop(), deployed.close()]);
    }
  });
});
