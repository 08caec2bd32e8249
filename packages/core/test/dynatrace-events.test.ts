import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { LocalDynatrace } from "./dynatrace-server.js";
import { runCliAsync, tempDir, writeFiles } from "./support.js";

const TOKEN = "dt0c01.EVENTS.canary-token-9f8e7d6c5b4a";
const GITHUB = {
  GITHUB_ACTIONS: "true",
  GITHUB_REPOSITORY: "acme/shop",
  GITHUB_RUN_ID: "901",
  GITHUB_SHA: "4f2a9c1",
  GITHUB_REF_NAME: "main",
  GITHUB_WORKFLOW: "deliver",
  GITHUB_ACTOR: "ann",
};

let dynatrace: LocalDynatrace;
beforeAll(async () => {
  dynatrace = await new LocalDynatrace({ tokens: { [TOKEN]: ["events.ingest", "metrics.read"] }, anyMetric: [{ values: [5] }] }).start();
});
afterAll(async () => {
  await dynatrace?.stop();
});

function event(args: string[], env: Record<string, string> = {}) {
  return runCliAsync(["event", ...args], { cwd: tempDir(), env: { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN, ...GITHUB, ...env } });
}

const lastEvent = () => JSON.parse(dynatrace.requestsTo("events-ingest").at(-1)?.body ?? "{}");
const CI = {
  "ci.platform": "github",
  "ci.run_url": "https://github.com/acme/shop/actions/runs/901",
  "ci.commit": "4f2a9c1",
  "ci.branch": "main",
  "ci.pipeline": "deliver",
  "ci.actor": "ann",
};

describe("delivery events to a local Dynatrace", () => {
  it("sends a deployment with Dynatrace's reserved properties and the CI run", async () => {
    const run = await event([
      "deployment",
      "--name",
      "carts",
      "--version",
      "1.4.2",
      "--project",
      "sockshop",
      "--stage",
      "staging",
      "--service",
      "carts",
      "--entity-selector",
      "type(SERVICE),tag(app:$SERVICE)",
      "--property",
      "change=CR-42",
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^sent the deployment event to Dynatrace \(c0ffee/);
    expect(lastEvent()).toEqual({
      eventType: "CUSTOM_DEPLOYMENT",
      title: "Deploy carts 1.4.2",
      entitySelector: "type(SERVICE),tag(app:carts)",
      properties: {
        change: "CR-42",
        "dt.event.source": "slogate",
        "dt.event.deployment.name": "carts",
        "dt.event.deployment.version": "1.4.2",
        "dt.event.deployment.project": "sockshop",
        "dt.event.deployment.release_stage": "staging",
        "dt.event.deployment.ci_back_link": "https://github.com/acme/shop/actions/runs/901",
        ...CI,
      },
    });
    expect(dynatrace.requestsTo("events-ingest").at(-1)?.headers.authorization).toBe(`Api-Token ${TOKEN}`);
  });

  it("marks a test's exact window", async () => {
    expect((await event(["test-start", "--name", "load", "--start", "2024-05-01T10:00:00Z"])).status).toBe(0);
    expect(lastEvent()).toMatchObject({
      eventType: "CUSTOM_ANNOTATION",
      title: "Start test: load",
      startTime: Date.parse("2024-05-01T10:00:00Z"),
    });
    expect(
      (await event(["test-finish", "--name", "load", "--start", "2024-05-01T10:00:00Z", "--end", "2024-05-01T10:15:00Z"])).status,
    ).toBe(0);
    expect(lastEvent()).toMatchObject({
      title: "Test finished: load",
      startTime: Date.parse("2024-05-01T10:00:00Z"),
      endTime: Date.parse("2024-05-01T10:15:00Z"),
      properties: { "test.start": "2024-05-01T10:00:00.000Z", "test.end": "2024-05-01T10:15:00.000Z" },
    });
  });

  it("sends the gate's result, each objective within Dynatrace's property limits", async () => {
    const objectives = Array.from({ length: 150 }, (_, i) => ({ sli: `sli_${i}`, pass: [{ criteria: ["<10"] }] }));
    const directory = tempDir();
    writeFiles(directory, {
      "slo.yaml": stringify({ objectives, total_score: { pass: "90%" } }),
      "values.json": JSON.stringify(Object.fromEntries(objectives.map((o) => [o.sli, 5]))),
    });
    const run = await runCliAsync(
      [
        "evaluate",
        "--slo",
        "slo.yaml",
        "--sli-values",
        "values.json",
        "--start",
        "2024-05-01T10:00:00Z",
        "--end",
        "2024-05-01T10:15:00Z",
        "--send-event",
        "--label",
        "service=carts",
        "--format",
        "json",
      ],
      { cwd: directory, env: { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN, ...GITHUB } },
    );
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const sent = lastEvent();
    const id = JSON.parse(run.stdout).id;
    expect(sent).toMatchObject({
      eventType: "CUSTOM_INFO",
      title: "Quality gate: pass (score 100)",
      startTime: Date.parse("2024-05-01T10:00:00Z"),
      endTime: Date.parse("2024-05-01T10:15:00Z"),
      properties: {
        "slogate.result": "pass",
        "slogate.score": "100",
        "slogate.evaluation_id": id,
        "slogate.label.service": "carts",
        "slogate.objective.sli_0": "pass 5 (score 1/1)",
        ...CI,
      },
    });
    expect(Object.keys(sent.properties)).toHaveLength(100);
    expect(sent.properties["slogate.omitted"]).toMatch(
      /^63 more not sent \(Dynatrace takes 100 properties\): slogate\.objective\.sli_87, /,
    );
  });

  it("warns when Dynatrace ingests nothing, and fails only when events are required", async () => {
    dynatrace.seed.reportCount = 0;
    try {
      const lone = await event(["info", "--title", "hello", "--entity-selector", "type(SERVICE),tag(nobody)"]);
      expect(lone).toMatchObject({
        status: 1,
        stderr:
          "slogate: warning: Dynatrace accepted the info event but ingested none: no entity matched the entity selector type(SERVICE),tag(nobody)\n",
      });
      const directory = tempDir();
      writeFiles(directory, {
        "slo.yaml": "objectives:\n  - sli: a\n    pass: [{criteria: ['<1']}]\ntotal_score: {pass: '90%'}\n",
        "values.json": '{"a": 0}',
      });
      const args = ["evaluate", "--slo", "slo.yaml", "--sli-values", "values.json", "--send-event"];
      const env = { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN };
      const warned = await runCliAsync(args, { cwd: directory, env });
      expect(warned.status).toBe(0);
      expect(warned.stderr).toContain("slogate: warning: gate-result event: Dynatrace accepted the gate-result event but ingested none");
      const required = await runCliAsync([...args, "--events-required"], { cwd: directory, env });
      expect(required.status).toBe(1);
      expect(required.stderr).toContain("the gate-result event was not delivered and events are required; exit status 1");
    } finally {
      dynatrace.seed.reportCount = 1;
    }
  });

  it("never retries an event after a timeout (it may have been stored), but does after a 503", async () => {
    const before = dynatrace.requestsTo("events-ingest").length;
    dynatrace.inject("events-ingest", { delayMs: 35_000 });
    // Long enough for the request to reach the server on a loaded machine, far shorter than the delay.
    const timedOut = await event(["info", "--title", "slow"], { SLOGATE_HTTP_TIMEOUT_MS: "2000" });
    dynatrace.clearFaults();
    expect(timedOut.status).toBe(1);
    expect(timedOut.stderr).toContain("timed out after 2000 ms");
    expect(dynatrace.requestsTo("events-ingest").length - before).toBe(1);
    dynatrace.inject("events-ingest", { status: 503, retryAfter: "0" });
    const retried = await event(["info", "--title", "busy"]);
    expect(retried.status).toBe(0);
    expect(dynatrace.requestsTo("events-ingest").length - before).toBe(3);
  }, 60_000);

  it("reports Dynatrace's reasons for refusing an event", async () => {
    const run = await event(["info", "--title", "x", "--property", "dt.secret=1"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      "slogate: warning: Dynatrace refused the info event (HTTP 400: Constraints violated. [body: properties.dt.secret: keys starting with dt. are reserved])\n",
    );
  });

  it("keeps the token out of every event body and message", () => {
    for (const request of dynatrace.requestsTo("events-ingest")) expect(request.body).not.toContain(TOKEN);
  });
});
