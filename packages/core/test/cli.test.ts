import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CORE_ROOT, REPO_ROOT, readJson, runCli, tempDir, writeFiles } from "./support.js";

const SLO = `objectives:
  - sli: rt
    displayName: Response time
    pass:
      - criteria: ["<=+10%", "<600"]
    warning:
      - criteria: ["<=800"]
  - sli: errors
    key_sli: true
    pass:
      - criteria: ["<1"]
total_score:
  pass: "90%"
  warning: "75%"
`;

function workspace(values: Record<string, number>, extra: Record<string, string> = {}): string {
  const directory = tempDir();
  writeFiles(directory, { "slo.yaml": SLO, "values.json": JSON.stringify(values), ...extra });
  return directory;
}

const evaluateArgs = ["evaluate", "--slo", "slo.yaml", "--sli-values", "values.json"];

describe("slogate CLI as a process", () => {
  it("prints help and exits 0; without a command it exits 2", () => {
    const help = runCli(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: slogate <command> [options]");
    expect(runCli(["evaluate", "--help"]).stdout).toContain("--warning-exit-code <n>");
    expect(runCli([]).status).toBe(2);
    const typo = runCli(["evalute"]);
    expect(typo).toMatchObject({ status: 2, stderr: 'slogate: unknown command "evalute". Did you mean "evaluate"? See slogate --help\n' });
  });

  it("is installed as node_modules/.bin/slogate, as the conformance contract says", () => {
    const bin = join(REPO_ROOT, "node_modules", ".bin", "slogate");
    const run = spawnSync(bin, ["evaluate", "--slo", "slo.yaml", "--sli-values", "values.json", "--format", "keptn"], {
      cwd: workspace({ rt: 100, errors: 0 }),
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: "succeeded", result: "pass", evaluation: { result: "pass", score: 100 } });
  });

  it("reports the package version", () => {
    const { version } = readJson<{ version: string }>(join(CORE_ROOT, "package.json"));
    expect(runCli(["--version"]).stdout).toBe(`${version}\n`);
  });

  it.each([
    ["pass", { rt: 500, errors: 0 }, [], 0, "PASS"],
    ["warning", { rt: 700, errors: 0 }, [], 0, "WARNING"],
    ["warning with --warning-exit-code 3", { rt: 700, errors: 0 }, ["--warning-exit-code", "3"], 3, "WARNING"],
    ["fail", { rt: 900, errors: 0 }, [], 1, "FAIL"],
    ["a failed key SLI", { rt: 500, errors: 2 }, [], 1, "FAIL"],
  ] as const)("exits as documented for %s", (_name, values, args, status, word) => {
    const run = runCli([...evaluateArgs, ...args], { cwd: workspace(values) });
    expect(run.status).toBe(status);
    expect(run.stdout.split("\n")[0]).toMatch(new RegExp(`^slogate ${word}  score \\d+`));
  });

  it("writes the JSON, Markdown and JUnit reports", () => {
    const directory = workspace({ rt: 700, errors: 0 });
    const run = runCli(
      [
        ...evaluateArgs,
        "--report-json",
        "out/r.json",
        "--report-md",
        "out/r.md",
        "--report-junit",
        "out/r.xml",
        "--label",
        "service=carts",
        "--start",
        "2024-03-01T10:00:00Z",
        "--end",
        "2024-03-01T10:15:00Z",
      ],
      { cwd: directory },
    );
    expect(run.status).toBe(0);
    const report = readJson<Record<string, unknown>>(join(directory, "out", "r.json"));
    expect(report).toMatchObject({
      schemaVersion: 1,
      result: "warning",
      status: "succeeded",
      score: 75,
      labels: { service: "carts" },
      window: { start: "2024-03-01T10:00:00.000Z", end: "2024-03-01T10:15:00.000Z" },
    });
    expect((report.objectives as Array<Record<string, unknown>>)[0]).toMatchObject({
      sli: "rt",
      displayName: "Response time",
      value: 700,
      status: "warning",
      score: 0.5,
      weight: 1,
      passTargets: [
        { criteria: "<=+10%", targetValue: 0, violated: false },
        { criteria: "<600", targetValue: 600, violated: true },
      ],
      warningTargets: [{ criteria: "<=800", targetValue: 800, violated: false }],
      error: null,
    });
    expect(readFileSync(join(directory, "out", "r.md"), "utf8")).toContain(
      "| ⚠️ warning | Response time | 700 | – | ✓ `<=+10%` (no earlier result: met, as in Keptn), ✗ `<600` → 600 | ✓ `<=800` → 800 | 0.5/1 |",
    );
    const junit = readFileSync(join(directory, "out", "r.xml"), "utf8");
    expect(junit).toContain('<testsuite name="slogate" tests="2" failures="0" errors="0"');
    // Named by the objective alone, so test history follows it from run to run.
    expect(junit).toContain('<testcase classname="slogate.rt" name="Response time" time="0">\n      <system-out>value 700; warning:');
  });

  it("prints the result JSON with --format json", () => {
    const run = runCli([...evaluateArgs, "--format", "json"], { cwd: workspace({ rt: 100, errors: 0 }) });
    expect(JSON.parse(run.stdout)).toMatchObject({ schemaVersion: 1, result: "pass", score: 100 });
  });

  it("never passes over a missing SLI in silence", () => {
    const run = runCli(evaluateArgs, { cwd: workspace({ errors: 0 }) });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("slogate: warning: SLI rt has no usable value: no value received from SLI provider");
    const lenient = workspace({ errors: 0 }, { "slo.yaml": SLO.replace('pass: "90%"', 'pass: "50%"') });
    const passed = runCli(evaluateArgs, { cwd: lenient });
    expect(passed.status).toBe(0);
    expect(passed.stderr).toContain("SLI rt has no usable value");
    expect(runCli([...evaluateArgs, "--missing-sli", "fail"], { cwd: lenient }).status).toBe(1);
  });

  it("stores results with --store, compares with them next time, and can invalidate one", () => {
    const directory = workspace({ rt: 500, errors: 0 });
    const history = ["--history", "h.jsonl"];
    const first = runCli([...evaluateArgs, ...history, "--store", "--format", "json"], { cwd: directory });
    const firstId = JSON.parse(first.stdout).id as string;
    writeFiles(directory, { "values.json": JSON.stringify({ rt: 560, errors: 0 }) });
    const second = JSON.parse(runCli([...evaluateArgs, ...history, "--store", "--format", "json"], { cwd: directory }).stdout);
    expect(second.comparedEvents).toEqual([firstId]);
    expect(second.objectives[0]).toMatchObject({ comparedValue: 500, comparedWith: [firstId], status: "warning" });

    const list = runCli(["history", "list", ...history], { cwd: directory });
    expect(list.stdout.split("\n").filter(Boolean)).toHaveLength(2);
    expect(list.stdout).toContain(`${firstId}  `);
    const invalidate = runCli(["history", "invalidate", firstId, ...history, "--reason", "noisy neighbour"], { cwd: directory });
    expect(invalidate).toMatchObject({ status: 0, stdout: `invalidated ${firstId}: it is no longer used for comparisons\n` });
    expect(runCli(["history", "list", ...history], { cwd: directory }).stdout).toContain("(invalidated)");
    // Read without --store: nothing is appended.
    runCli([...evaluateArgs, ...history], { cwd: directory });
    expect(readFileSync(join(directory, "h.jsonl"), "utf8").trim().split("\n")).toHaveLength(3);
    const pinned = JSON.parse(
      runCli([...evaluateArgs, ...history, "--baseline", second.id, "--format", "json"], { cwd: directory }).stdout,
    );
    expect(pinned.comparedEvents).toEqual([second.id]);
  });

  it("finds ./slogate.yaml the same way in every command: evaluate stores, history and report read it", () => {
    const config =
      "version: 1\nslo: slo.yaml\nproviders:\n  default: file\n  file:\n    path: values.json\nhistory:\n  type: file\n  path: h.jsonl\n  store: true\n";
    const directory = workspace({ rt: 500, errors: 0 }, { "slogate.yaml": config });
    const stored = JSON.parse(runCli(["evaluate", "--format", "json"], { cwd: directory }).stdout);
    const list = runCli(["history", "list"], { cwd: directory });
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${stored.id}  .*  pass     score 100  slogate\n$`));
    const report = runCli(["report", "--format", "json"], { cwd: directory });
    expect(report.status).toBe(0);
    expect(JSON.parse(report.stdout).id).toBe(stored.id);
    const invalidate = runCli(["history", "invalidate", stored.id], { cwd: directory });
    expect(invalidate.status).toBe(0);

    const bare = workspace({ rt: 500, errors: 0 });
    expect(runCli(["history", "list"], { cwd: bare })).toMatchObject({
      status: 2,
      stderr:
        "slogate: no history file given, and there is no slogate.yaml here. Pass --history <file.jsonl>, or set history.path in slogate.yaml\n",
    });
    expect(runCli(["report"], { cwd: bare }).status).toBe(2);
  });

  it("slogate init writes a first gate that validates and passes, and never overwrites without --force", () => {
    const directory = tempDir();
    const init = runCli(["init", "--provider", "file"], { cwd: directory });
    expect(init).toMatchObject({
      status: 0,
      stdout:
        "wrote slogate.yaml\nwrote slo.yaml\nwrote values.json\nNext: set the service label in slogate.yaml, then run: slogate evaluate\n",
    });
    expect(readFileSync(join(directory, "slogate.yaml"), "utf8")).toMatch(
      /^# yaml-language-server: \$schema=https:\/\/cdn\.jsdelivr\.net\/npm\/@slogate\/core@1\/schemas\/slogate\.schema\.json\n/,
    );
    expect(runCli(["validate"], { cwd: directory }).status).toBe(0);
    expect(runCli(["evaluate", "--format", "json"], { cwd: directory })).toMatchObject({ status: 0 });
    expect(JSON.parse(runCli(["evaluate", "--format", "json"], { cwd: directory }).stdout).comparedEvents).toHaveLength(1);
    expect(runCli(["init", "--provider", "dynatrace"], { cwd: directory })).toMatchObject({
      status: 2,
      stderr:
        "slogate: slogate.yaml, slo.yaml already exist here; nothing was written. Run slogate init in another directory, or add --force to overwrite\n",
    });
    expect(runCli(["init", "--provider", "dynatrace", "--force"], { cwd: directory }).status).toBe(0);
    expect(runCli(["validate"], { cwd: directory }).status).toBe(0);
  });

  it("--dry-run prints each SLI's source and resolved query, and queries, stores and sends nothing", () => {
    const directory = tempDir();
    runCli(["init", "--provider", "prometheus"], { cwd: directory });
    const run = runCli(
      ["evaluate", "--start", "2024-05-01T10:00:00Z", "--end", "2024-05-01T10:15:00Z", "--service", "carts", "--send-event", "--dry-run"],
      { cwd: directory, env: { PROMETHEUS_URL: "http://127.0.0.1:1", DT_URL: "https://abc.live.dynatrace.com", DT_API_TOKEN: "dt0c01.x" } },
    );
    expect(run.status).toBe(0);
    expect(run.stdout.split("\n").slice(3)).toEqual([
      "window      2024-05-01T10:00:00.000Z → 2024-05-01T10:15:00.000Z",
      "labels      service=carts, stage=staging",
      "SLIs:",
      "  response_time_p95        prometheus histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket{job='carts'}[900s])) by (le)) * 1000",
      "  error_rate               prometheus sum(rate(http_requests_total{job='carts',code=~'5..'}[900s])) / sum(rate(http_requests_total{job='carts'}[900s]))",
      `history     ${join(directory, ".slogate", "history.jsonl")} (this result would be stored)`,
      "events      Dynatrace",
      "",
    ]);
    expect(existsSync(join(directory, ".slogate"))).toBe(false);
  });

  it("colours the console report for CI logs when asked (--color, FORCE_COLOR), never with NO_COLOR", () => {
    const directory = workspace({ rt: 500, errors: 0 });
    const plain = runCli(evaluateArgs, { cwd: directory });
    expect(plain.stdout).not.toContain("\u001b[");
    expect(runCli([...evaluateArgs, "--color"], { cwd: directory, env: { NO_COLOR: "" } }).stdout).toContain("\u001b[32mPASS");
    expect(runCli(evaluateArgs, { cwd: directory, env: { NO_COLOR: "", FORCE_COLOR: "1" } }).stdout).toContain("\u001b[32mPASS");
    expect(runCli([...evaluateArgs, "--color"], { cwd: directory, env: { NO_COLOR: "1" } }).stdout).not.toContain("\u001b[");
  });

  it("compares with the same service's results only, as Keptn's datastore did, in a history several services share", () => {
    const directory = workspace({ rt: 500, errors: 0 });
    const store = (service: string) =>
      JSON.parse(
        runCli([...evaluateArgs, "--history", "h.jsonl", "--store", "--service", service, "--format", "json"], { cwd: directory }).stdout,
      ).id as string;
    const carts = store("carts");
    store("orders");
    const next = JSON.parse(
      runCli([...evaluateArgs, "--history", "h.jsonl", "--service", "carts", "--format", "json"], { cwd: directory }).stdout,
    );
    expect(next.comparedEvents).toEqual([carts]);
  });

  it("a pull request is compared with the code it merges into, and its result is not stored unless asked", () => {
    const directory = workspace({ rt: 500, errors: 0 });
    const github = (branch: string, more: Record<string, string> = {}) => ({
      GITHUB_ACTIONS: "true",
      GITHUB_REPOSITORY: "acme/shop",
      GITHUB_RUN_ID: "9",
      GITHUB_SHA: `sha-${branch}`,
      GITHUB_REF_NAME: branch,
      GITHUB_EVENT_NAME: "push",
      ...more,
    });
    const pullRequest = (number: number, branch: string) =>
      github(branch, {
        GITHUB_EVENT_NAME: "pull_request",
        GITHUB_REF: `refs/pull/${number}/merge`,
        GITHUB_HEAD_REF: branch,
        GITHUB_BASE_REF: "main",
      });
    const gate = (env: Record<string, string>, extra: string[] = []) =>
      JSON.parse(
        runCli([...evaluateArgs, "--history", "h.jsonl", "--store", ...extra, "--format", "json"], { cwd: directory, env }).stdout,
      );
    const onMain = gate(github("main"));
    expect(onMain.source).toEqual({
      platform: "github",
      branch: "main",
      commit: "sha-main",
      event: "push",
      runUrl: "https://github.com/acme/shop/actions/runs/9",
    });
    // Another pull request's result, stored on purpose, is never this one's baseline.
    const otherPullRequest = gate(pullRequest(4, "feat-a"), ["--store-pull-requests"]);
    expect(otherPullRequest.comparedEvents).toEqual([onMain.id]);
    const mine = gate(pullRequest(5, "feat-b"));
    expect(mine.comparedEvents).toEqual([onMain.id]);
    expect(mine.source).toMatchObject({ branch: "feat-b", event: "pull_request", pullRequest: "5" });
    const stored = readFileSync(join(directory, "h.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line).id);
    expect(stored).toEqual([onMain.id, otherPullRequest.id]);
  });

  it("explains each objective with --explain", () => {
    const directory = workspace({ rt: 560, errors: 0 });
    writeFiles(directory, {
      "h.jsonl": `${JSON.stringify({ result: "pass", id: "k-1", evaluation: { indicatorResults: [{ value: { metric: "rt", value: 500, success: true } }] } })}\n`,
    });
    const run = runCli(
      [...evaluateArgs, "--history", "h.jsonl", "--explain", "--start", "2024-03-01T10:00:00Z", "--end", "2024-03-01T10:15:00Z"],
      { cwd: directory },
    );
    expect(run.status).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines.slice(2, 10)).toEqual([
      "",
      "Response time [rt]",
      "  query     –",
      "  value     560",
      "  compared  500 from 1 previous result: k-1",
      "  pass      ✗ <=+10% → 550, ✓ <600 → 600",
      "  warning   ✓ <=800 → 800",
      "  decided   warning: no pass block met (pass block 1: <=+10% (target 550) violated AND <600 (target 600) met); warning block 1 met: <=800 (target 800) met; compared value 500 from 1 previous result",
    ]);
    expect(lines[10]).toBe("  score     0.5 of weight 1 = 25% of the total");
  });

  it("replays a stored run with a changed SLO, comparing only with what came before it, storing nothing", () => {
    const directory = workspace({ rt: 500, errors: 0 });
    const history = ["--history", "h.jsonl"];
    const first = JSON.parse(runCli([...evaluateArgs, ...history, "--store", "--format", "json"], { cwd: directory }).stdout);
    writeFiles(directory, { "values.json": JSON.stringify({ rt: 640, errors: 0 }) });
    const second = JSON.parse(runCli([...evaluateArgs, ...history, "--store", "--format", "json"], { cwd: directory }).stdout);
    writeFiles(directory, { "values.json": JSON.stringify({ rt: 100, errors: 0 }) });
    runCli([...evaluateArgs, ...history, "--store"], { cwd: directory });
    expect(second.result).toBe("warning");
    writeFiles(directory, { "looser.yaml": SLO.replace('"<=+10%", "<600"', '"<=+30%", "<700"') });
    const replay = runCli(["evaluate", "--slo", "looser.yaml", ...history, "--replay", second.id, "--format", "json"], { cwd: directory });
    expect(replay.status).toBe(0);
    const replayed = JSON.parse(replay.stdout);
    expect(replayed).toMatchObject({ result: "pass", comparedEvents: [first.id], window: second.window });
    expect(replayed.objectives[0]).toMatchObject({ value: 640, comparedValue: 500, status: "pass" });
    expect(readFileSync(join(directory, "h.jsonl"), "utf8").trim().split("\n")).toHaveLength(3);
    const unknown = runCli(["evaluate", "--slo", "looser.yaml", ...history, "--replay", "nope"], { cwd: directory });
    expect(unknown).toMatchObject({
      status: 2,
      stderr: "slogate: result nope is not in the history. Run `slogate history list` to see the stored result ids\n",
    });
  });

  it("validates files and shows warnings for harmless extras in Keptn files", () => {
    const directory = workspace({}, { "extra.yaml": `${SLO}fail:\n  - criteria: ["<1"]\n` });
    const run = runCli(["validate", "--slo", "extra.yaml"], { cwd: directory });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(
      `${join(directory, "extra.yaml")}:15:1: warning: unknown key "fail" at the top level is ignored; expected one of spec_version, filter, comparison, objectives, total_score. Remove it if it is not meant for another tool\n`,
    );
    expect(run.stdout).toBe(`${join(directory, "extra.yaml")}: valid (0 errors, 1 warning)\n`);
  });

  it("runs the quick start's example without changing it", () => {
    const historyPath = join(REPO_ROOT, "examples", "history.jsonl");
    const before = readFileSync(historyPath, "utf8");
    const run = runCli(["evaluate", "--config", "examples/slogate.yaml"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^slogate PASS {2}score 100 /);
    expect(run.stdout).toContain("compared value 484.533 from 3 previous results");
    expect(readFileSync(historyPath, "utf8")).toBe(before);
    expect(runCli(["validate", "--config", "examples/slogate.yaml"]).status).toBe(0);
  });
});
