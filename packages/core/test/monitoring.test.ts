import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDynatrace } from "./dynatrace-server.js";
import { runCliAsync, tempDir, writeFiles } from "./support.js";

const TOKEN = "dt0c01.MONITORING.canary-token-5e6f7a8b9c0d";
const READER = "dt0c01.READER.canary-token-0d9c8b7a6f5e";
const RT = 'builtin:service.response.time:merge("dt.entity.service"):percentile(95)';
const FAILURES = "builtin:service.errors.total.rate:avg";
const SUCCESS = "builtin:service.successes.server.rate:avg";
const WINDOW = ["--start", "2026-11-28T10:00:00Z", "--end", "2026-11-28T10:15:00Z", "--settle", "0"];
const LABELS = ["--labels", "project=sockshop,stage=production,service=carts"];

const sloYaml = (p95 = "<=600", warn = "<=800") => `spec_version: "1.0"
comparison:
  compare_with: single_result
  include_result_with_score: pass
  aggregate_function: avg
objectives:
  - sli: response_time_p95
    displayName: Response time P95
    pass:
      - criteria: ["${p95}", "<=+10%"]
    warning:
      - criteria: ["${warn}"]
    weight: 2
  - sli: error_rate
    pass:
      - criteria: ["<=1"]
    key_sli: true
  - sli: availability
    pass:
      - criteria: [">=99"]
total_score:
  pass: "90%"
  warning: "75%"
`;
const SLI = `indicators:
  response_time_p95: 'metricSelector=${RT}'
  error_rate: 'metricSelector=${FAILURES}'
  availability: 'SLO;7d07efde-b714-3e6e-ad95-08490e2540c4'
`;

let dynatrace: LocalDynatrace;
beforeAll(async () => {
  dynatrace = await new LocalDynatrace({
    tokens: {
      [TOKEN]: ["ReadConfig", "WriteConfig", "settings.read", "settings.write", "metrics.read", "slo.read", "slo.write"],
      [READER]: ["ReadConfig", "settings.read"],
    },
    metrics: { [RT]: [{ values: [512] }], [FAILURES]: [{ values: [0.3] }], [SUCCESS]: [{ values: [99.7] }] },
    metricUnits: { [SUCCESS]: "Percent" },
    dashboards: {},
  }).start();
});
afterAll(async () => {
  await dynatrace?.stop();
});

function project(slo = sloYaml()) {
  const cwd = tempDir();
  writeFiles(cwd, { "slo.yaml": slo, "sli.yaml": SLI });
  return cwd;
}

function monitoring(cwd: string, action: string, extra: string[] = [], token = TOKEN) {
  return runCliAsync(["monitoring", action, "--slo", "slo.yaml", "--sli", "sli.yaml", ...LABELS, ...extra], {
    cwd,
    env: { DT_URL: dynatrace.url, DT_API_TOKEN: token },
  });
}

/** The metric event slogate keeps for an SLI of this gate, as Dynatrace stores it. */
const alertOf = (sli: string) =>
  [...dynatrace.settings.values()].find((object) => object.value.summary === `slogate sockshop/production/carts: ${sli}`)?.value as
    | { modelProperties: { threshold: number } }
    | undefined;

const writes = () => dynatrace.requests.filter((request) => ["POST", "PUT", "DELETE"].includes(request.method)).length;

describe("slogate monitoring plan|apply: the gate's dashboard as code", () => {
  it("plan writes nothing; apply creates the dashboard; a second apply makes no write request", async () => {
    const cwd = project();
    const before = writes();
    const plan = await monitoring(cwd, "plan");
    expect(plan.stderr).toBe("");
    expect(plan.status).toBe(0);
    expect(plan.stdout).toBe(
      [
        'create dashboard "KQG;project=sockshop;stage=production;service=carts" (3 tiles)',
        'create metric event "slogate sockshop/production/carts: response_time_p95"',
        'create metric event "slogate sockshop/production/carts: error_rate"',
        '  response_time_p95: tile "Response time P95;sli=response_time_p95;pass=<=600,<=+10%;warning=<=800;weight=2"; alert when above 800 (<=800); no SLO: not SLO-shaped: an SLO needs one fixed lower bound to pass (>=) and at most one to warn',
        '  error_rate: tile "error_rate;sli=error_rate;pass=<=1;key=true"; alert when above 1 (<=1); no SLO: not SLO-shaped: an SLO needs one fixed lower bound to pass (>=) and at most one to warn',
        "  availability: no tile: an SLO; in dashboard mode an SLO tile takes its thresholds from the Dynatrace SLO, not from slo.yaml; no alert: its SLI is not a Dynatrace metric on a dashboard tile; no SLO: its SLI reads a Dynatrace SLO already",
        "",
      ].join("\n"),
    );
    expect(writes()).toBe(before);

    const apply = await monitoring(cwd, "apply");
    expect(apply.status).toBe(0);
    const [created, createdAlert] = apply.stdout.split("\n");
    expect(created).toMatch(/^created dashboard "KQG;project=sockshop;stage=production;service=carts" \([0-9a-f-]{36}\)$/);
    expect(createdAlert).toMatch(/^created metric event "slogate sockshop\/production\/carts: response_time_p95" \(\w+\)$/);
    expect(writes()).toBe(before + 3);
    expect(alertOf("response_time_p95")).toMatchObject({
      enabled: true,
      queryDefinition: { type: "METRIC_SELECTOR", metricSelector: RT },
      modelProperties: {
        type: "STATIC_THRESHOLD",
        threshold: 800,
        alertCondition: "ABOVE",
        violatingSamples: 3,
        samples: 5,
        dealertingSamples: 5,
      },
      eventTemplate: { title: "Response time P95 breaks its quality-gate objective <=800", eventType: "CUSTOM_ALERT" },
    });

    const again = await monitoring(cwd, "apply");
    expect(again.status).toBe(0);
    const [unchanged, , unchangedAlert] = again.stdout.split("\n");
    expect(unchanged).toMatch(/^unchanged dashboard "KQG;project=sockshop;stage=production;service=carts" \([0-9a-f-]{36}\)$/);
    expect(unchangedAlert).toMatch(/^unchanged metric event "slogate sockshop\/production\/carts: error_rate" \(\w+\)$/);
    expect(writes()).toBe(before + 3);
  });

  it("the dashboard it writes evaluates to the same result as the files it was written from", async () => {
    const cwd = project();
    await monitoring(cwd, "apply");
    const env = { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN };
    const onlyMetrics = `${sloYaml().replace(/ {2}- sli: availability\n {4}pass:\n {6}- criteria: \[">=99"\]\n/, "")}`;
    writeFiles(cwd, { "metrics-slo.yaml": onlyMetrics });
    const fromFiles = await runCliAsync(
      ["evaluate", "--provider", "dynatrace", "--slo", "metrics-slo.yaml", "--sli", "sli.yaml", ...LABELS, ...WINDOW, "--format", "keptn"],
      { cwd, env },
    );
    const fromDashboard = await runCliAsync(
      ["evaluate", "--provider", "dynatrace", "--dashboard", "query", ...LABELS, ...WINDOW, "--format", "keptn"],
      { cwd, env },
    );
    const gate = (text: string) => {
      const answer = JSON.parse(text) as {
        result: string;
        evaluation: { score: number; indicatorResults: Array<{ value: { metric: string; value: number }; status: string; score: number }> };
      };
      return [
        answer.result,
        answer.evaluation.score,
        answer.evaluation.indicatorResults.map((r) => [r.value.metric, r.value.value, r.status, r.score]),
      ];
    };
    expect(fromDashboard.status).toBe(fromFiles.status);
    expect(gate(fromDashboard.stdout)).toEqual(gate(fromFiles.stdout));
    expect(gate(fromFiles.stdout)).toEqual([
      "pass",
      100,
      [
        ["response_time_p95", 512, "pass", 2],
        ["error_rate", 0.3, "pass", 1],
      ],
    ]);
  });

  it("a changed threshold updates only what carries it: the dashboard in place (same id) and that objective's alert; a removed objective stays unless --prune", async () => {
    const cwd = project();
    await monitoring(cwd, "apply");
    const [id] = Object.keys(dynatrace.seed.dashboards ?? {});
    const from = dynatrace.requests.length;
    writeFiles(cwd, { "slo.yaml": sloYaml("<=550", "<=900") });
    const update = await monitoring(cwd, "apply");
    expect(update.status).toBe(0);
    const [dashboardLine, p95Line, errorLine] = update.stdout.split("\n");
    expect(dashboardLine).toBe(
      `updated dashboard "KQG;project=sockshop;stage=production;service=carts" (${id}): tile Response time P95;sli=response_time_p95;pass=<=550,<=+10%;warning=<=900;weight=2 set, tile Response time P95;sli=response_time_p95;pass=<=600,<=+10%;warning=<=800;weight=2 removed`,
    );
    expect(p95Line).toMatch(/^updated metric event "slogate sockshop\/production\/carts: response_time_p95" \(\w+\)$/);
    expect(errorLine).toMatch(/^unchanged metric event "slogate sockshop\/production\/carts: error_rate"/);
    expect(Object.keys(dynatrace.seed.dashboards ?? {})).toEqual([id]);
    const changed = dynatrace.requests.slice(from).filter((request) => ["POST", "PUT", "DELETE"].includes(request.method));
    expect(changed.map((request) => `${request.method} ${request.route}`)).toEqual(["PUT dashboard-update", "PUT settings-update"]);
    expect(changed[0]?.path).toBe(`/api/config/v1/dashboards/${id}`);
    expect(alertOf("response_time_p95")?.modelProperties).toMatchObject({ threshold: 900 });

    writeFiles(cwd, {
      "slo.yaml": sloYaml("<=550", "<=900").replace(/ {2}- sli: error_rate\n {4}pass:\n {6}- criteria: \["<=1"\]\n {4}key_sli: true\n/, ""),
    });
    const kept = await monitoring(cwd, "plan");
    expect(kept.stdout.split("\n")[0]).toMatch(/^unchanged dashboard/);
    expect(kept.stdout).toContain("  error_rate: tile kept, the objective is no longer in slo.yaml (--prune removes it)");
    expect(kept.stdout).toMatch(
      /\nkept metric event "slogate sockshop\/production\/carts: error_rate" \(\w+\): the objective is no longer in slo.yaml \(--prune removes it\)\n/,
    );
    const pruned = await monitoring(cwd, "apply", ["--prune"]);
    expect(pruned.stdout.split("\n")[0]).toBe(
      `updated dashboard "KQG;project=sockshop;stage=production;service=carts" (${id}): tile error_rate;sli=error_rate;pass=<=1;key=true removed`,
    );
    expect(pruned.stdout).toMatch(/\ndeleted metric event "slogate sockshop\/production\/carts: error_rate" \(\w+\)\n/);
    expect(alertOf("error_rate")).toBeUndefined();
  });

  it("Dynatrace refusing a change: exit 1 with the object and the reason (a missing scope named)", async () => {
    const cwd = project();
    const labels = ["--labels", "project=sockshop,stage=hardening,service=carts"];
    const run = await runCliAsync(["monitoring", "apply", "--slo", "slo.yaml", "--sli", "sli.yaml", ...labels], {
      cwd,
      env: { DT_URL: dynatrace.url, DT_API_TOKEN: READER },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'slogate: Dynatrace refused to create the dashboard "KQG;project=sockshop;stage=hardening;service=carts": Dynatrace dashboards: creating dashboard "KQG;project=sockshop;stage=hardening;service=carts": HTTP 403: Token is missing required scope. Use one of: WriteConfig (HTTP 403); the token lacks a permission (scope) this call needs\n',
    );
    dynatrace.inject("dashboard-create", { status: 400 });
    const refused = await runCliAsync(["monitoring", "apply", "--slo", "slo.yaml", "--sli", "sli.yaml", ...labels], {
      cwd,
      env: { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN },
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      'slogate: Dynatrace refused to create the dashboard "KQG;project=sockshop;stage=hardening;service=carts": ',
    );
    // A refused alert after the dashboard: what was done is said, then which object was refused and why.
    dynatrace.inject("settings-create", { status: 400 });
    const alert = await runCliAsync(
      ["monitoring", "apply", "--slo", "slo.yaml", "--sli", "sli.yaml", "--labels", "project=sockshop,stage=qa,service=carts"],
      {
        cwd,
        env: { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN },
      },
    );
    expect(alert.status).toBe(1);
    expect(alert.stdout.split("\n")[0]).toMatch(/^created dashboard "KQG;project=sockshop;stage=qa;service=carts"/);
    expect(alert.stderr).toBe(
      'slogate: Dynatrace refused to create the metric event "slogate sockshop/qa/carts: response_time_p95": Dynatrace settings: the metric event "slogate sockshop/qa/carts: response_time_p95": HTTP 400: injected 400 (HTTP 400); the service refused the query as written\n',
    );
    const invalid = await runCliAsync(["monitoring", "apply", "--slo", "slo.yaml", "--sli", "sli.yaml"], {
      cwd,
      env: { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN },
    });
    expect(invalid.status).toBe(2);
  });

  it("writes a query as Dynatrace must keep it: the gate's placeholders resolved, the entity filter before the first transformation; a pass-only score reads back the same", async () => {
    const cwd = tempDir();
    const services = 'builtin:service.response.time:merge("dt.entity.service"):percentile(95)';
    writeFiles(cwd, {
      "slo.yaml": `objectives:
  - sli: rt
    pass:
      - criteria: ["<=500"]
  - sli: per_deployment
    pass:
      - criteria: ["<=1"]
total_score:
  pass: "90%"
`,
      "sli.yaml": `indicators:
  rt: 'metricSelector=${services}&entitySelector=type(SERVICE),tag(keptn_service:$SERVICE)'
  per_deployment: 'metricSelector=builtin:service.errors.total.rate:avg&entitySelector=type(SERVICE),tag(keptn_deployment:$DEPLOYMENT)'
`,
    });
    const labels = ["--labels", "project=sockshop,stage=canary,service=carts"];
    const run = await runCliAsync(["monitoring", "apply", "--slo", "slo.yaml", "--sli", "sli.yaml", ...labels], {
      cwd,
      env: { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("  per_deployment: no tile: its query uses $DEPLOYMENT, which only a run has; no alert");
    const alert = [...dynatrace.settings.values()].find((object) => object.value.summary === "slogate sockshop/canary/carts: rt")
      ?.value as {
      queryDefinition: { metricSelector: string };
    };
    expect(alert.queryDefinition.metricSelector).toBe(
      'builtin:service.response.time:filter(in("dt.entity.service",entitySelector("type(SERVICE),tag(keptn_service:carts)"))):merge("dt.entity.service"):percentile(95)',
    );
    const dashboard = Object.values(dynatrace.seed.dashboards ?? {}).find(
      (d) => d.dashboardMetadata.name === "KQG;project=sockshop;stage=canary;service=carts",
    ) as {
      tiles: Array<{ tileType: string; markdown?: string }>;
    };
    expect(dashboard.tiles.find((tile) => tile.tileType === "MARKDOWN")?.markdown).toBe(
      "KQG.Total.Pass=90%;KQG.Total.Warning=90%;KQG.Compare.WithScore=all;KQG.Compare.Results=1;KQG.Compare.Function=avg",
    );
  });

  it("writes a Dynatrace SLO for an SLO-shaped objective on a percentage metric, with the gate's thresholds; a second apply changes nothing", async () => {
    const cwd = tempDir();
    const slo = (pass: string, warning: string) => `objectives:
  - sli: success_rate
    displayName: Success rate
    pass:
      - criteria: ["${pass}"]
    warning:
      - criteria: ["${warning}"]
  - sli: failures
    pass:
      - criteria: [">=0"]
total_score:
  pass: "90%"
`;
    writeFiles(cwd, {
      "slo.yaml": slo(">=99.5", ">=98"),
      "sli.yaml": `indicators:
  success_rate: 'metricSelector=${SUCCESS}&entitySelector=type(SERVICE),tag(keptn_service:$SERVICE)'
  failures: 'metricSelector=${FAILURES}'
`,
    });
    const labels = ["--labels", "project=sockshop,stage=slo,service=carts"];
    const run = (action: string) =>
      runCliAsync(["monitoring", action, "--slo", "slo.yaml", "--sli", "sli.yaml", ...labels], {
        cwd,
        env: { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN },
      });
    const plan = await run("plan");
    expect(plan.status).toBe(0);
    expect(plan.stdout).toContain('\ncreate SLO "slogate sockshop/slo/carts: success_rate"\n');
    expect(plan.stdout).toContain(
      '  success_rate: tile "Success rate;sli=success_rate;pass=>=99.5;warning=>=98"; alert when below 98 (>=98); SLO passing at >=99.5, warning at >=98 over 1w\n',
    );
    expect(plan.stdout).toContain(
      "  failures: tile \"failures;sli=failures;pass=>=0\"; alert when below 0 (>=0); no SLO: an SLO's metric is a percentage, this one's unit is Unspecified\n",
    );
    const sloOf = () =>
      Object.entries(dynatrace.seed.slos ?? {}).filter(([, value]) => value.name === "slogate sockshop/slo/carts: success_rate");

    const from = dynatrace.requests.length;
    const apply = await run("apply");
    expect(apply.status).toBe(0);
    expect(apply.stdout).toMatch(/\ncreated SLO "slogate sockshop\/slo\/carts: success_rate" \([0-9a-f-]{36}\)\n/);
    const [[id, created] = []] = sloOf();
    expect(created).toEqual({
      name: "slogate sockshop/slo/carts: success_rate",
      description:
        "The quality gate of sockshop/slo/carts passes Success rate at or above 99.5 and warns from 98; written by slogate monitoring apply from slo.yaml, which overwrites changes made here.",
      enabled: true,
      evaluationType: "AGGREGATE",
      metricExpression: SUCCESS,
      filter: "type(SERVICE),tag(keptn_service:carts)",
      target: 98,
      warning: 99.5,
      timeframe: "-1w",
    });
    const wrote = (since: number) =>
      dynatrace.requests
        .slice(since)
        .filter((request) => ["POST", "PUT", "DELETE"].includes(request.method))
        .map((request) => `${request.method} ${request.route}`);
    expect(wrote(from)).toEqual(["POST dashboard-create", "POST settings-create", "POST settings-create", "POST slo-create"]);

    const again = dynatrace.requests.length;
    const second = await run("apply");
    expect(second.stdout).toContain(`\nunchanged SLO "slogate sockshop/slo/carts: success_rate" (${id})\n`);
    expect(wrote(again)).toEqual([]);

    // A changed pass threshold: the SLO in place (same id), the dashboard tile; the alert watches the warning bound, unchanged.
    writeFiles(cwd, { "slo.yaml": slo(">=99.9", ">=98") });
    const changed = dynatrace.requests.length;
    const update = await run("apply");
    expect(update.stdout).toContain(`\nupdated SLO "slogate sockshop/slo/carts: success_rate" (${id})\n`);
    expect(wrote(changed)).toEqual(["PUT dashboard-update", "PUT slo-update"]);
    expect(sloOf().map(([key, value]) => [key, value.target, value.warning])).toEqual([[id, 98, 99.9]]);

    // Disabled by someone in Dynatrace: still the gate's own SLO, enabled again in place, not created twice.
    (dynatrace.seed.slos ?? {})[id as string] = { ...created, target: 98, warning: 99.9, enabled: false };
    const disabled = dynatrace.requests.length;
    expect((await run("apply")).stdout).toContain(`\nupdated SLO "slogate sockshop/slo/carts: success_rate" (${id})\n`);
    expect(wrote(disabled)).toEqual(["PUT slo-update"]);
    expect(sloOf().map(([, value]) => value.enabled)).toEqual([true]);

    // A descriptor Dynatrace cannot give right now stops the run: an outage never reads as "prune this SLO".
    dynatrace.inject("metric-descriptor", { status: 500 });
    const outage = await runCliAsync(["monitoring", "apply", "--prune", "--slo", "slo.yaml", "--sli", "sli.yaml", ...labels], {
      cwd,
      env: { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN },
    });
    expect(outage.status).not.toBe(0);
    expect(outage.stderr).toContain("HTTP 500");
    expect(sloOf()).toHaveLength(1);

    // The objective removed: its SLO is kept (and said so) until --prune deletes it.
    writeFiles(cwd, { "slo.yaml": slo(">=99.9", ">=98").replace(/ {2}- sli: success_rate\n(?: {4}.*\n| {6}.*\n)+/, "") });
    const kept = await run("plan");
    expect(kept.stdout).toContain(
      `\nkept SLO "slogate sockshop/slo/carts: success_rate" (${id}): the objective is no longer in slo.yaml (--prune removes it)\n`,
    );
    const pruned = await runCliAsync(["monitoring", "apply", "--prune", "--slo", "slo.yaml", "--sli", "sli.yaml", ...labels], {
      cwd,
      env: { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN },
    });
    expect(pruned.stdout).toContain(`\ndeleted SLO "slogate sockshop/slo/carts: success_rate" (${id})\n`);
    expect(sloOf()).toEqual([]);
  });
});
