import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CLI, tempDir, writeFiles } from "./support.js";

const exec = promisify(execFile);

const GOOD_SLO = `spec_version: "1.0"
objectives:
  - sli: rt
    pass:
      - criteria:
          - "<600"
total_score:
  pass: "90%"
  warning: "75%"
`;
const GOOD_VALUES = '{"rt": 100}\n';

/** An SLO with one objective whose criteria list is `criterion`, to test criteria one by one. */
function sloWithCriterion(criterion: string, list: "pass" | "warning" = "pass"): string {
  const other = list === "pass" ? "warning" : "pass";
  return `objectives:
  - sli: rt
    ${other}:
      - criteria:
          - "<900"
    ${list}:
      - criteria:
          - ${criterion}
total_score:
  pass: "90%"
`;
}

interface BadCase {
  name: string;
  files: Record<string, string | Buffer>;
  /** Extra arguments; by default `evaluate --slo slo.yaml --sli-values values.json`. */
  args?: string[];
  /** `file:line:column` the first error must point at. */
  at: string;
  says: string;
}

function slo(name: string, text: string | Buffer, at: string, says: string): BadCase {
  return { name, files: { "slo.yaml": text }, at: `slo.yaml:${at}`, says };
}

function criterion(name: string, text: string, says: string, list: "pass" | "warning" = "pass"): BadCase {
  return slo(name, sloWithCriterion(text, list), "8:13", says);
}

const CASES: BadCase[] = [
  // YAML syntax
  slo("tab indentation", "objectives:\n\t- sli: rt\n", "2:1", "Tabs are not allowed"),
  slo("unclosed double quote", 'total_score:\n  pass: "90%\n', "2:9", "Missing closing"),
  slo("unclosed flow list", "objectives: [\n  {sli: rt\n", "3:1", "YAML"),
  slo("duplicate top-level key", `${GOOD_SLO}objectives: []\n`, "10:1", 'duplicate key "objectives"'),
  slo("duplicate key in an objective", "objectives:\n  - sli: rt\n    sli: rt2\n", "3:5", 'duplicate key "sli"'),
  slo("binary junk", Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x7b, 0x0a, 0x5b]), "1:1", "not a text file"),
  slo("stray colon value", "objectives:\n  - sli: a: b\n", "2:10", "YAML"),
  // structure and types
  slo(
    "misspelt key_sli",
    "objectives:\n  - sli: rt\n    key_sl1: true\n    pass:\n      - criteria: ['<1']\ntotal_score: {pass: '90%'}\n",
    "3:5",
    'Did you mean "key_sli"?',
  ),
  slo("misspelt objectives", "objectvies:\n  - sli: rt\ntotal_score: {pass: '90%'}\n", "1:1", 'Did you mean "objectives"?'),
  slo("lower-case displayname", "objectives:\n  - sli: rt\n    displayname: RT\n", "3:5", 'Did you mean "displayName"?'),
  slo("misspelt total_score", "objectives: []\ntotal_scor: {pass: '90%'}\n", "2:1", 'Did you mean "total_score"?'),
  slo(
    "criterion instead of criteria",
    "objectives:\n  - sli: rt\n    pass:\n      - criterion: ['<1']\n",
    "4:9",
    'Did you mean "criteria"?',
  ),
  slo("fractional weight", "objectives:\n  - sli: rt\n    weight: 1.5\n", "3:13", "whole number"),
  slo("weight as a word", "objectives:\n  - sli: rt\n    weight: two\n", "3:13", "wrong type"),
  slo("key_sli as a word", "objectives:\n  - sli: rt\n    key_sli: maybe\n", "3:14", "key_sli"),
  slo("objectives as a string", "objectives: all of them\n", "1:13", "wrong type"),
  slo("objective without sli", "objectives:\n  - displayName: RT\n", "2:5", 'has no "sli"'),
  slo("pass as a string", "objectives:\n  - sli: rt\n    pass: '<600'\n", "3:11", "wrong type"),
  slo("criteria as a string", "objectives:\n  - sli: rt\n    pass:\n      - criteria: '<600'\n", "4:19", "wrong type"),
  slo("filter as a list", "filter:\n  - a\nobjectives: []\n", "2:3", "wrong type"),
  slo("comparison as a word", "comparison: yes\nobjectives: []\n", "1:13", "wrong type"),
  slo("comparison count as a word", "comparison:\n  number_of_comparison_results: three\n", "2:33", "whole number"),
  slo("weight beyond any number", "objectives:\n  - sli: rt\n    weight: 1e400\n", "3:13", "is out of range"),
  slo("a list at the top", "- sli: rt\n", "1:1", "wrong type"),
  slo("empty file", "", "1:1", "the SLO is empty"),
  slo("only a comment", "# nothing yet\n", "1:1", "the SLO is empty"),
  slo(
    "negative comparison count",
    "comparison:\n  compare_with: several_results\n  number_of_comparison_results: -1\nobjectives: []\ntotal_score: {pass: '90%'}\n",
    "3:33",
    "at least 1",
  ),
  // total_score
  slo("no total_score", "objectives:\n  - sli: rt\n    pass:\n      - criteria: ['<1']\n", "1:1", "no total_score.pass"),
  slo(
    "total_score pass as a word",
    "objectives: []\ntotal_score:\n  pass: ninety\n",
    "3:9",
    'total_score.pass "ninety" is not a percentage',
  ),
  slo(
    "total_score with inner space",
    "objectives: []\ntotal_score:\n  pass: '90%'\n  warning: '75 %'\n",
    "4:12",
    'Remove the spaces: "75%"',
  ),
  slo("total_score with leading space", "objectives: []\ntotal_score:\n  pass: ' 90%'\n", "3:9", 'Remove the spaces: "90%"'),
  slo("total_score as a list", "objectives: []\ntotal_score:\n  - 90%\n", "3:3", "wrong type"),
  // criteria
  criterion("criterion without operator", '"0"', 'Add an operator, e.g. "=0"'),
  criterion("double equals", '"==5"', 'Use a single "=": "=5"'),
  criterion("operator written =<", '"=<5"', 'Write the operator as "<=": "<=5"'),
  criterion("operator written =>", '"=>5"', 'Write the operator as ">=": ">=5"'),
  criterion("a unit after the number", '"<5ms"', 'Leave out the unit: "<5"'),
  criterion("operator without number", '"<"', "could not parse criteria target value"),
  criterion("percent without number", '"<=+%"', "could not parse criteria target value"),
  criterion("tab inside", '"<\\t5"', "Remove the tab characters"),
  criterion("a word", '"fast"', "invalid criteria string"),
  criterion("hexadecimal", '"<0x10"', "could not parse criteria target value"),
  criterion("beyond float64", '"<1e400"', "could not parse criteria target value"),
  criterion("null criterion", "null", "wrong type; expected a string or a number"),
  criterion("bad warning criterion", '"<>5"', "could not parse criteria target value", "warning"),
  // SLI values
  {
    name: "values: trailing comma",
    files: { "slo.yaml": GOOD_SLO, "values.json": '{"rt": 100,\n}\n' },
    at: "values.json:2:1",
    says: "JSON allows no comma after the last entry",
  },
  {
    name: "values: a word",
    files: { "slo.yaml": GOOD_SLO, "values.json": '{\n  "rt": "fast"\n}\n' },
    at: "values.json:2:9",
    says: "value of rt is not a number",
  },
  {
    name: "values: entry without metric",
    files: { "slo.yaml": GOOD_SLO, "values.json": '[\n  {"value": 1}\n]\n' },
    at: "values.json:2:3",
    says: "needs a metric name",
  },
  {
    name: "values: success as a word",
    files: { "slo.yaml": GOOD_SLO, "values.json": '[{"metric": "rt", "value": 1,\n  "success": "yes"}]\n' },
    at: "values.json:2:14",
    says: "success of rt is not true or false",
  },
  {
    name: "values: a bare number",
    files: { "slo.yaml": GOOD_SLO, "values.json": "42\n" },
    at: "values.json:1:1",
    says: "holds no object or list",
  },
  // history
  {
    name: "history: a line that is not JSON",
    files: { "slo.yaml": GOOD_SLO, "values.json": GOOD_VALUES, "history.jsonl": '{"result": "pass", "evaluation": {}}\nnot json\n' },
    args: ["--history", "history.jsonl"],
    at: "history.jsonl:2:1",
    says: "not valid JSON",
  },
  {
    name: "history: a future schemaVersion",
    files: { "slo.yaml": GOOD_SLO, "values.json": GOOD_VALUES, "history.jsonl": '{"schemaVersion": 99, "id": "x"}\n' },
    args: ["--history", "history.jsonl"],
    at: "history.jsonl:1:1",
    says: "schemaVersion 99",
  },
  {
    name: "history: another CloudEvent",
    files: {
      "slo.yaml": GOOD_SLO,
      "values.json": GOOD_VALUES,
      "history.jsonl": '{"type": "sh.keptn.event.deployment.finished", "data": {}}\n',
    },
    args: ["--history", "history.jsonl"],
    at: "history.jsonl:1:1",
    says: "is not an evaluation result",
  },
  // slogate.yaml
  ...(
    [
      ["misspelt history", "version: 1\nslo: slo.yaml\nhistroy:\n  path: h.jsonl\n", "3:1", 'Did you mean "history"?'],
      ["unknown key", "version: 1\nslo: slo.yaml\nnotifications: true\n", "3:1", 'unknown key "notifications" at the top level'],
      ["version 2", "version: 2\nslo: slo.yaml\n", "1:10", "one of 1"],
      ["store as a word", "version: 1\nslo: slo.yaml\nhistory:\n  path: h.jsonl\n  store: sometimes\n", "5:10", "true or false"],
      ["missing-sli policy", "version: 1\nslo: slo.yaml\nevaluation:\n  missing-sli: ignore\n", "4:16", '"keptn", "fail"'],
      [
        "inline SLO with a bad criterion",
        "version: 1\nslo:\n  objectives:\n    - sli: rt\n      pass:\n        - criteria: ['<5ms']\n  total_score: {pass: '90%'}\n",
        "6:22",
        "Leave out the unit",
      ],
      ["no version", "slo: slo.yaml\n", "1:1", 'has no "version"'],
    ] as const
  ).map(([name, text, at, says]) => ({
    name: `slogate.yaml: ${name}`,
    files: { "slogate.yaml": text, "slo.yaml": GOOD_SLO, "values.json": GOOD_VALUES },
    args: ["evaluate", "--config", "slogate.yaml", "--sli-values", "values.json"],
    at: `slogate.yaml:${at}`,
    says,
  })),
  // sli.yaml, through validate
  ...(
    [
      ["indicators as a list", "indicators:\n  - rt\n", "2:3", "wrong type"],
      ["duplicate indicator", "indicators:\n  rt: a\n  rt: b\n", "3:3", 'duplicate key "rt"'],
      ["misspelt indicators", "indicator:\n  rt: a\n", "1:1", 'Did you mean "indicators"?'],
    ] as const
  ).map(([name, text, at, says]) => ({
    name: `sli.yaml: ${name}`,
    files: { "sli.yaml": text },
    args: ["validate", "--sli", "sli.yaml"],
    at: `sli.yaml:${at}`,
    says,
  })),
];

describe("bad input through the CLI: exit 2, file:line:column, no stack trace", () => {
  it("covers at least 40 malformed files and criteria", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.concurrent.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, testCase) => {
    const directory = tempDir();
    writeFiles(directory, { "values.json": GOOD_VALUES });
    for (const [file, content] of Object.entries(testCase.files)) writeFileSync(join(directory, file), content);
    const args =
      testCase.args?.[0] === "evaluate" || testCase.args?.[0] === "validate"
        ? testCase.args
        : ["evaluate", "--slo", "slo.yaml", "--sli-values", "values.json", ...(testCase.args ?? [])];
    const result = await exec(process.execPath, [CLI, ...args], { cwd: directory, env: { ...process.env, NO_COLOR: "1" } }).then(
      (ok) => ({ code: 0, stdout: ok.stdout, stderr: ok.stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
    expect(result.code).toBe(2);
    const firstError = result.stderr.split("\n").find((line) => line.includes(": error: "));
    expect(firstError, result.stderr).toBeDefined();
    expect(firstError?.startsWith(`${join(directory, testCase.at)}: error: `), `${firstError}`).toBe(true);
    expect(result.stderr).toContain(testCase.says);
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    expect(result.stderr).not.toContain("internal error");
  });
});
