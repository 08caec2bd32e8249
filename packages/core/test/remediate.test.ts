import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LocalDynatrace, type SeededProblem } from "./dynatrace-server.js";
import { type LocalServer, localServer } from "./local-server.js";
import { runCliAsync, tempDir, writeFiles } from "./support.js";

const TOKEN = "dt0c01.REMEDIATE.canary-token-1a2b3c4d5e6f";
const RESPONSE_TIME = "builtin:service.response.time:avg";
const SLOW = [{ values: [900] }];
const FAST = [{ values: [120] }];
const CARTS = { entityId: { id: "SERVICE-C4125A5C3E5A6B1F", type: "SERVICE" }, name: "carts" };

function problem(title: string, status: "OPEN" | "CLOSED" = "OPEN"): SeededProblem {
  return { displayId: `P-${Math.floor(Math.random() * 1e6)}`, title, status, rootCauseEntity: CARTS, affectedEntities: [CARTS] };
}

let dynatrace: LocalDynatrace;
// The service's feature flags: turning the item cache on brings its response time back.
let flags: LocalServer;
beforeAll(async () => {
  dynatrace = await new LocalDynatrace({
    tokens: { [TOKEN]: ["problems.read", "problems.write", "events.ingest", "metrics.read"] },
    metrics: { [RESPONSE_TIME]: SLOW },
    problemDetails: {},
  }).start();
  flags = await localServer((_request, response) => {
    if (dynatrace.seed.metrics) dynatrace.seed.metrics[RESPONSE_TIME] = FAST;
    response.end("cache on");
  });
});
afterAll(async () => {
  await Promise.all([dynatrace?.stop(), flags?.close()]);
});
beforeEach(() => {
  if (dynatrace.seed.metrics) dynatrace.seed.metrics[RESPONSE_TIME] = SLOW;
});

const node = (script: string) => JSON.stringify([process.execPath, "-e", script]);
const FAILING = node("console.log('scaling refused: quota exceeded'); process.exit(1)");
// Records the problem and the action it was given, then turns the cache on.
const TOGGLE = node(
  "require('fs').appendFileSync('actions.log', [process.env.SLOGATE_ACTION_NAME, process.env.SLOGATE_PROBLEM_TITLE, process.env.SLOGATE_ROOT_CAUSE_NAME, process.env.SLOGATE_ACTION_VALUE_ENABLEITEMCACHE].join('|') + '\\n'); fetch(process.env.FLAGS_URL, { method: 'POST' }).then((r) => process.exit(r.ok ? 0 : 1))",
);
const REMEDIATION = `apiVersion: spec.keptn.sh/0.1.4
kind: Remediation
metadata:
  name: carts-remediation
spec:
  remediations:
    - problemType: Response time degradation
      actionsOnOpen:
        - name: Scale up
          action: scaling
          description: One more replica
          value: "1"
          command: ${FAILING}
        - name: Item cache on
          action: toggle-feature
          value:
            EnableItemCache: "on"
          command: ${TOGGLE}
    - problemType: Failure rate increase
      actionsOnOpen:
        - name: Scale up
          action: scaling
          value: "1"
          command: ${FAILING}
        - name: Restart
          action: restart
`;
const SLOGATE_YAML = `version: 1
slo: slo.yaml
sli: sli.yaml
remediation:
  actions:
    restart:
      command: ${FAILING}
`;
const SLO = `objectives:
  - sli: response_time
    pass:
      - criteria: ["<=500"]
total_score:
  pass: "90%"
  warning: "75%"
`;
const SLI = `indicators:
  response_time: "metricSelector=${RESPONSE_TIME}&entitySelector=type(SERVICE),tag(keptn_service:$SERVICE)"
`;

/** A remediation.yaml whose default entry runs one command. */
function defaultRemediation(action: string, command: string): string {
  return `apiVersion: spec.keptn.sh/0.1.4
kind: Remediation
spec:
  remediations:
    - problemType: default
      actionsOnOpen:
        - action: ${action}
          command: ${command}
`;
}

function project(files: Record<string, string> = {}): string {
  const cwd = tempDir();
  writeFiles(cwd, { "remediation.yaml": REMEDIATION, "slogate.yaml.off": SLOGATE_YAML, "slo.yaml": SLO, "sli.yaml": SLI, ...files });
  return cwd;
}

/** The contract's command line. */
function remediate(cwd: string, problemId: string, extra: string[] = []) {
  return runCliAsync(
    [
      "remediate",
      "--problem",
      problemId,
      "--remediation",
      "remediation.yaml",
      "--slo",
      "slo.yaml",
      "--sli",
      "sli.yaml",
      "--provider",
      "dynatrace",
      "--labels",
      "project=sockshop,stage=production,service=carts",
      "--wait",
      "0s",
      ...extra,
    ],
    { cwd, env: { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN, FLAGS_URL: flags.url } },
  );
}

function seed(id: string, details: SeededProblem): string {
  (dynatrace.seed.problemDetails ?? {})[id] = details;
  return id;
}

const commentsOn = (id: string) => dynatrace.comments.get(id) ?? [];
const eventsSince = (from: number) =>
  dynatrace
    .requestsTo("events-ingest")
    .slice(from)
    .map((request) => JSON.parse(request.body) as { eventType: string; title: string; entitySelector?: string });

describe("slogate remediate", () => {
  it("runs the actions in order until the gate passes: the first fails, the second brings the service back; three comments, exit 0", async () => {
    const id = seed("-7079974447799175602_1752266005311V2", problem("Response time degradation"));
    const cwd = project();
    const from = dynatrace.requestsTo("events-ingest").length;
    const run = await remediate(cwd, id);
    expect(run.stderr).toContain('slogate: running action 1 of 2 "Scale up" (scaling: One more replica)');
    expect(run.stderr).toContain("  scaling refused: quota exceeded");
    expect(run.stderr).toContain('slogate: after action 1 of 2 "Scale up" (scaling: One more replica): quality gate: fail (score 0)');
    expect(run.stderr).toContain('slogate: after action 2 of 2 "Item cache on" (toggle-feature): quality gate: pass (score 100)');
    expect(run.status).toBe(0);
    expect(readFileSync(join(cwd, "actions.log"), "utf8")).toBe("Item cache on|Response time degradation|carts|on\n");
    const comments = commentsOn(id);
    expect(comments).toHaveLength(3);
    expect(comments.every((comment) => comment.context === "slogate-remediation")).toBe(true);
    expect(comments[0]?.content).toMatch(
      /^slogate remediation started for "Response time degradation": 2 actions to try in order: 1\. "Scale up" \(scaling: One more replica\), 2\. "Item cache on" \(toggle-feature\); after each, 0 s for it to take effect, then the quality gate decides\. \[slogate-remediation run=[\w-]+\]$/,
    );
    expect(comments[1]?.content).toBe(
      'slogate remediation: action 1 of 2 "Scale up" (scaling: One more replica) failed: the command exited with code 1; quality gate: fail (score 0): Evaluation failed since the calculated score of 0 is below the warning value of 75.',
    );
    expect(comments[2]?.content).toMatch(
      /^slogate remediation: action 2 of 2 "Item cache on" \(toggle-feature\) succeeded \(exit code 0\); quality gate: pass \(score 100\)\. Remediation finished: the service meets its objectives again\. \[slogate-remediation run=[\w-]+ finished\]$/,
    );
    expect(eventsSince(from).map((event) => [event.eventType, event.title, event.entitySelector])).toEqual([
      ["CUSTOM_CONFIGURATION", "Remediation action 1 of 2: Scale up", 'entityId("SERVICE-C4125A5C3E5A6B1F")'],
      ["CUSTOM_CONFIGURATION", "Remediation action 2 of 2: Item cache on", 'entityId("SERVICE-C4125A5C3E5A6B1F")'],
      ["CUSTOM_INFO", "Remediation finished: Response time degradation", 'entityId("SERVICE-C4125A5C3E5A6B1F")'],
    ]);
    expect(JSON.stringify(comments) + run.stderr + run.stdout).not.toContain(TOKEN);
  }, 60_000);

  it("escalates when every action fails: exit 1, an escalation comment and event", async () => {
    const id = seed("-1111111111111111111_1752266005311V2", problem("Failure rate increase"));
    const cwd = project({ "slogate.yaml": SLOGATE_YAML });
    const from = dynatrace.requestsTo("events-ingest").length;
    const run = await remediate(cwd, id);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /slogate remediate: escalated: problem P-\d+ "Failure rate increase": 2 actions ran and the quality gate still says fail \(score 0\)/,
    );
    const comments = commentsOn(id);
    expect(comments).toHaveLength(4);
    expect(comments[3]?.content).toMatch(
      /^slogate remediation escalated: 2 actions ran and the quality gate still says fail \(score 0\): .*A person needs to look at this problem\. \[slogate-remediation run=[\w-]+ finished\]$/,
    );
    expect(eventsSince(from).map((event) => event.title)).toEqual([
      "Remediation action 1 of 2: Scale up",
      "Remediation action 2 of 2: Restart",
      "Remediation escalated: Failure rate increase",
    ]);
  }, 60_000);

  it("runs nothing for a closed problem", async () => {
    const id = seed("-2222222222222222222_1752266005311V2", problem("Response time degradation", "CLOSED"));
    const cwd = project();
    const run = await remediate(cwd, id);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(
      /slogate remediate: not-open: problem P-\d+ "Response time degradation" is closed already: nothing to remediate\n$/,
    );
    expect(commentsOn(id)).toEqual([]);
  });

  it("stops when the problem closes after an action, without asking the gate", async () => {
    const id = seed("-3333333333333333333_1752266005311V2", problem("Response time degradation"));
    const closer = node(`fetch(process.env.FLAGS_URL, { method: 'POST' }).then(() => process.exit(0))`);
    const cwd = project({
      "remediation.yaml": defaultRemediation("restart", closer),
    });
    const original = dynatrace.seed.problemDetails?.[id] as SeededProblem;
    // The flags service stands in for a fix that makes Dynatrace close the problem.
    const close = setInterval(() => {
      if (dynatrace.seed.metrics?.[RESPONSE_TIME] === FAST) original.status = "CLOSED";
    }, 5);
    const queries = dynatrace.requestsTo("metrics").length;
    const run = await remediate(cwd, id).finally(() => clearInterval(close));
    expect(dynatrace.requestsTo("metrics").length).toBe(queries);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('slogate: after action 1 of 1 "restart" (restart): the problem is closed');
    expect(commentsOn(id)).toHaveLength(2);
  }, 60_000);

  it("takes the problem from the custom webhook's payload; --dry-run prints the plan and runs, comments and sends nothing", async () => {
    const id = seed("-4444444444444444444_1752266005311V2", problem("Response time degradation"));
    const payload = JSON.stringify({
      State: "OPEN",
      PID: id,
      ProblemID: "P-4444",
      ProblemTitle: "Response time degradation",
      ImpactedEntities: [],
    });
    const cwd = project({ "payload.json": payload });
    const from = dynatrace.requests.length;
    const run = await remediate(cwd, "payload.json", ["--dry-run"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      [
        `problem ${dynatrace.seed.problemDetails?.[id]?.displayId} "Response time degradation" (OPEN); root cause carts`,
        'remediation "Response time degradation", after each action a 0s wait, then the check:',
        `  1. Scale up (scaling): ${FAILING}`,
        `  2. Item cache on (toggle-feature): ${TOGGLE}`,
        "",
      ].join("\n"),
    );
    expect(dynatrace.requests.slice(from).map((request) => `${request.method} ${request.route}`)).toEqual(["GET problem"]);
    expect(commentsOn(id)).toEqual([]);
  });

  it("one of two pipelines started for the same problem wins; the other steps back with the reason", async () => {
    const id = seed("-5555555555555555555_1752266005311V2", problem("Response time degradation"));
    const slowFail = node("setTimeout(() => process.exit(1), 300)");
    const cwd = project({
      "remediation.yaml": defaultRemediation("scaling", slowFail),
    });
    const [first, second] = await Promise.all([remediate(cwd, id), remediate(cwd, id)]);
    const outcomes = [first, second].map((run) => /slogate remediate: ([\w-]+):/.exec(run.stderr)?.[1]).sort();
    expect(outcomes).toEqual(["escalated", "handled-elsewhere"]);
    expect([first.status, second.status].sort()).toEqual([0, 1]);
    const ran = commentsOn(id).filter((comment) => comment.content.startsWith("slogate remediation: action 1 of 1"));
    expect(ran).toHaveLength(1);
  }, 60_000);

  it("refuses a malformed payload and a malformed remediation.yaml with positions, exit 2, before touching Dynatrace", async () => {
    const from = dynatrace.requests.length;
    const cwd = project({ "payload.json": '{\n  "PID": 42,\n  "State": "OPEN"\n}\n' });
    const payload = await remediate(cwd, "payload.json");
    expect(payload.status).toBe(2);
    expect(payload.stderr).toContain(
      `${join(cwd, "payload.json")}:2:10: error: PID is not a problem id; expected a string such as -7079974447799175602_1752266005311V2. Put the placeholder in quotes in the webhook payload: "PID": "{PID}"`,
    );
    const broken = project({
      "remediation.yaml":
        "apiVersion: spec.keptn.sh/0.1.4\nkind: Remediation\nspec:\n  remediations:\n    - problemType: default\n      actionsOnOpen:\n        - name: no kind\n",
    });
    const file = await remediate(broken, "-1_1V2");
    expect(file.status).toBe(2);
    expect(file.stderr).toMatch(new RegExp(`^${join(broken, "remediation.yaml").replaceAll("/", "\\/")}:7:11: error: .*action`, "m"));
    const missing = project({
      "remediation.yaml":
        "apiVersion: spec.keptn.sh/0.1.4\nspec:\n  remediations:\n    - problemType: default\n      actionsOnOpen:\n        - action: scaling\n",
    });
    seed("-6666666666666666666_1752266005311V2", problem("Response time degradation"));
    const noCommand = await remediate(missing, "-6666666666666666666_1752266005311V2");
    expect(noCommand.status).toBe(2);
    expect(noCommand.stderr).toBe(
      'slogate: the remediation action "scaling" (scaling) has no command to run. Give the action a command: [program, args…] in remediation.yaml, or set remediation.actions.scaling.command in slogate.yaml\n',
    );
    expect(commentsOn("-6666666666666666666_1752266005311V2")).toEqual([]);
    expect(dynatrace.requests.slice(from).map((request) => request.route)).toEqual(["problem", "problem-comments"]);
  });
});
