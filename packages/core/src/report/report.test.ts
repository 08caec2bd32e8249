import { describe, expect, it } from "vitest";
import { evaluate } from "../engine/evaluate.js";
import type { Slo } from "../engine/types.js";
import { buildResult } from "../result/result.js";
import { renderReport } from "./index.js";
import { renderMarkdownWithin } from "./markdown.js";
import type { RecentRun } from "./report-renderer.js";

const slo: Slo = {
  spec_version: "1.0",
  filter: null,
  comparison: {
    compare_with: "single_result",
    include_result_with_score: "all",
    number_of_comparison_results: 1,
    aggregate_function: "avg",
  },
  objectives: [
    {
      sli: "rt",
      displayName: "Response | time",
      pass: [{ criteria: ["<=+10%", "<600"] }],
      warning: [{ criteria: ["<=800"] }],
      weight: 1,
      key_sli: false,
    },
    { sli: "errors", displayName: "", pass: [{ criteria: ["<1"] }], warning: null, weight: 1, key_sli: true },
    { sli: "cpu", displayName: "", pass: null, warning: null, weight: 1, key_sli: false },
  ],
  total_score: { pass: "90%", warning: "75%" },
};

const outcome = evaluate({
  slo,
  sloFileContent: "",
  retrieval: {
    status: "succeeded",
    result: "pass",
    message: "",
    indicatorValues: [
      { metric: "rt", value: 650, success: true, message: "" },
      { metric: "errors", value: 0, success: false, message: "query <timed out> & gave up" },
    ],
  },
  previous: [{ id: "prev-1", result: "pass", indicatorResults: [{ value: { metric: "rt", value: 500, success: true } }] }],
  window: { start: "2024-03-01T10:00:00.000Z", end: "2024-03-01T10:15:00.000Z" },
});
const result = buildResult(outcome, { id: "run-7", time: "2024-03-01T10:15:02.000Z", labels: { service: "carts" }, units: { rt: "ms" } });

describe("reports of one evaluation", () => {
  it("explains each objective", () => {
    expect(result.objectives.map((o) => o.explanation)).toEqual([
      "warning: no pass block met (pass block 1: <=+10% (target 550) violated AND <600 (target 600) violated); warning block 1 met: <=800 (target 800) met; compared value 500 from 1 previous result",
      "fail: no usable value (query <timed out> & gave up); scores 0 of weight 1 and, as a key SLI, fails the evaluation",
      "info: no pass criteria, not scored; no value was received",
    ]);
  });

  it("renders Markdown for summaries and comments", () => {
    expect(renderReport("markdown", result)).toBe(`## ❌ slogate: FAIL (score 25)

> Evaluation failed due to key_sli objective '': query <timed out> & gave up

Window: 2024-03-01T10:00:00.000Z → 2024-03-01T10:15:00.000Z · Labels: \`service=carts\` · Result id: \`run-7\`

| Status | Objective | Value | Compared | Pass targets | Warning targets | Score |
|---|---|---|---|---|---|---|
| ⚠️ warning | Response \\| time | 650 ms | 500 (1 run) | ✗ \`<=+10%\` → 550, ✗ \`<600\` → 600 | ✓ \`<=800\` → 800 | 0.5/1 |
| ❌ fail (key) | errors | no value | – | ✗ \`<1\` → 1 | – | 0/1 |
| ℹ️ info | cpu | no value | – | – | – | – |

<details><summary>Why each objective scored as it did</summary>

- **Response \\| time**: ${result.objectives[0]?.explanation}
- **errors**: ${result.objectives[1]?.explanation}
- **cpu**: ${result.objectives[2]?.explanation}

</details>
`);
  });

  it("adds a heatmap of the last runs, and drops its oldest columns first to fit a size limit", () => {
    const recent: RecentRun[] = [
      {
        id: "aaaaaaaa-1",
        time: "2024-02-27T10:00:00.000Z",
        result: "pass",
        invalidated: false,
        values: { rt: 500, errors: 0 },
        statuses: { rt: "pass", errors: "pass" },
      },
      {
        id: "bbbbbbbb-2",
        time: "2024-02-28T10:00:00.000Z",
        result: "fail",
        invalidated: true,
        values: { rt: 900, errors: null },
        statuses: { rt: "fail", errors: "fail" },
      },
      {
        id: "cccccccc-3",
        time: "2024-02-29T10:00:00.000Z",
        result: "pass",
        invalidated: false,
        values: { rt: 510 },
        statuses: { rt: "pass" },
      },
    ];
    const text = renderReport("markdown", result, { recent });
    expect(text).toContain(`### Last 4 runs

| Objective | 02-27 aaaaaaaa | ~~02-28 bbbbbbbb~~ | 02-29 cccccccc | **this run** |
|---|---|---|---|---|
| Response \\| time | ✅ 500 | ❌ 900 | ✅ 510 | **⚠️ 650 ms** |
| errors | ✅ 0 | ❌ no value | – | **❌ no value** |
| cpu | – | – | – | **ℹ️ no value** |
`);
    const full = Buffer.byteLength(text);
    const trimmed = renderMarkdownWithin(result, full - 1, recent);
    expect(trimmed).toContain("| Objective | ~~02-28 bbbbbbbb~~ | 02-29 cccccccc | **this run** |");
    expect(renderMarkdownWithin(result, full, recent)).toBe(text);
  });

  it("renders JUnit with a failure for a missed objective and an error for a missing value, named by the objective alone", () => {
    expect(renderReport("junit", result)).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="slogate" tests="3" failures="0" errors="1">
  <testsuite name="slogate" tests="3" failures="0" errors="1" skipped="0" timestamp="2024-03-01T10:15:02.000Z">
    <properties>
      <property name="result" value="fail"/>
      <property name="score" value="25"/>
      <property name="evaluationId" value="run-7"/>
    </properties>
    <testcase classname="slogate.rt" name="Response | time" time="0">
      <system-out>value 650 ms; warning: no pass block met (pass block 1: &lt;=+10% (target 550) violated AND &lt;600 (target 600) violated); warning block 1 met: &lt;=800 (target 800) met; compared value 500 from 1 previous result</system-out>
    </testcase>
    <testcase classname="slogate.errors" name="errors" time="0">
      <error message="query &lt;timed out&gt; &amp; gave up" type="sli-missing">value no value; fail: no usable value (query &lt;timed out&gt; &amp; gave up); scores 0 of weight 1 and, as a key SLI, fails the evaluation</error>
    </testcase>
    <testcase classname="slogate.cpu" name="cpu" time="0">
      <system-out>value no value; info: no pass criteria, not scored; no value was received</system-out>
    </testcase>
  </testsuite>
</testsuites>
`);
  });

  it("renders the console table, in colour only when asked", () => {
    const plain = renderReport("console", result);
    expect(plain).toBe(`slogate FAIL  score 25  window 2024-03-01T10:00:00.000Z → 2024-03-01T10:15:00.000Z  id run-7
  Evaluation failed due to key_sli objective '': query <timed out> & gave up

  STATUS   OBJECTIVE        VALUE     COMPARED     SCORE
  warning  Response | time  650 ms    500 (1 run)  0.5/1
      ${result.objectives[0]?.explanation}
  fail     errors (key)     no value  –            0/1
      ${result.objectives[1]?.explanation}
  info     cpu              no value  –            –
      ${result.objectives[2]?.explanation}
`);
    expect(plain).not.toContain("\u001b[");
    expect(renderReport("console", result, { color: true })).toContain("\u001b[31mFAIL\u001b[0m");
  });

  it("renders the result JSON", () => {
    expect(JSON.parse(renderReport("json", result))).toEqual(result);
  });
});
