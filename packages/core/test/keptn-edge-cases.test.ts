import { describe, expect, it } from "vitest";
import { runCli, tempDir, writeFiles } from "./support.js";

/** `slogate evaluate --format keptn` on these files: Keptn's evaluation.finished data. */
function keptn(files: Record<string, string>) {
  const cwd = tempDir();
  writeFiles(cwd, files);
  const run = runCli(["evaluate", "--slo", "slo.yaml", "--sli-values", "values.json", "--format", "keptn"], { cwd });
  return { ...run, data: JSON.parse(run.stdout || "{}") };
}

describe("Keptn's edge cases, answered as Keptn's lighthouse code answers them", () => {
  it("underscores between digits, as Go's ParseFloat reads them: <1_000 is 1000, total_score 9_0% is 90", () => {
    const slo = 'objectives:\n  - sli: rt\n    pass:\n      - criteria: ["<1_000"]\ntotal_score:\n  pass: "9_0%"\n';
    expect(keptn({ "slo.yaml": slo, "values.json": '{"rt": 999}' }).data).toMatchObject({ result: "pass", evaluation: { score: 100 } });
    const over = keptn({ "slo.yaml": slo, "values.json": '{"rt": 1000}' }).data;
    expect(over.evaluation.indicatorResults[0].passTargets).toEqual([{ criteria: "<1_000", targetValue: 1000, violated: true }]);
  });

  it("a block without criteria holds (status pass) but reports null targets and scores nothing, with a warning", () => {
    const run = keptn({
      "slo.yaml": 'objectives:\n  - sli: rt\n    pass:\n      - {}\ntotal_score:\n  pass: "90%"\n',
      "values.json": '{"rt": 5}',
    });
    expect(run.stderr).toContain("slo.yaml:4:9: warning: objectives[0].pass[0] has no criteria: Keptn counts such a block as always met");
    expect(run.data.evaluation.indicatorResults[0]).toMatchObject({ status: "pass", score: 1, passTargets: null });
    expect(run.data).toMatchObject({ result: "fail", evaluation: { score: 0 } });
  });

  it("number_of_comparison_results above 100: Keptn's datastore refuses the query, so the evaluation is errored", () => {
    const run = keptn({
      "slo.yaml":
        'comparison:\n  compare_with: several_results\n  number_of_comparison_results: 101\nobjectives:\n  - sli: rt\n    pass:\n      - criteria: ["<10"]\ntotal_score:\n  pass: "90%"\n',
      "values.json": '{"rt": 5}',
    });
    expect(run.status).toBe(2);
    expect(run.data).toMatchObject({
      status: "errored",
      result: "fail",
      message: "could not retrieve previous evaluation.finished events",
    });
  });

  it('an indicator value without success is a failed SLI (Go\'s zero value); {"sli": number} stays a value', () => {
    const slo = 'objectives:\n  - sli: rt\n    pass:\n      - criteria: ["<10"]\ntotal_score:\n  pass: "90%"\n';
    const listed = keptn({ "slo.yaml": slo, "values.json": '[{"metric": "rt", "value": 5}]' }).data;
    expect(listed.evaluation.indicatorResults[0]).toMatchObject({ status: "fail", value: { metric: "rt", success: false } });
    expect(keptn({ "slo.yaml": slo, "values.json": '{"rt": 5}' }).data.result).toBe("pass");
  });
});

describe("validate warns where Keptn silently did something surprising", () => {
  it("an unknown aggregate_function (Keptn compares with 0) and an unsigned percentage (Keptn reads it as relative)", () => {
    const cwd = tempDir();
    writeFiles(cwd, {
      "slo.yaml":
        'comparison:\n  aggregate_function: p99\nobjectives:\n  - sli: error_rate\n    pass:\n      - criteria: ["<=1%"]\ntotal_score:\n  pass: "90%"\n',
    });
    const run = runCli(["validate", "--slo", "slo.yaml"], { cwd });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(
      'slo.yaml:2:23: warning: aggregate_function "p99" is not one Keptn knows: relative criteria compare with 0, as Keptn did',
    );
    expect(run.stderr).toContain(
      'slo.yaml:6:20: warning: criterion "<=1%" has no sign: Keptn reads any % as relative to earlier results (at most 1% above them), not as an absolute 1%',
    );
    expect(run.stderr).toContain('Write "<=+1%" to say it is a change');
  });

  it("keeps a provider's comparedValue, also on a failed SLI, as Keptn kept it", () => {
    const slo = 'objectives:\n  - sli: rt\n    pass:\n      - criteria: ["<10"]\ntotal_score:\n  pass: "90%"\n';
    const data = keptn({
      "slo.yaml": slo,
      "values.json": '[{"metric": "rt", "value": 0, "success": false, "message": "timeout", "comparedValue": 7}]',
    }).data;
    expect(data.evaluation.indicatorResults[0].value).toMatchObject({ metric: "rt", comparedValue: 7, success: false, message: "timeout" });
  });
});
