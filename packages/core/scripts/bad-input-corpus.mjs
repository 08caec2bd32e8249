// Writes the bad-input corpus (test/fixtures/bad-input): files that are each wrong in one way a
// person gets them wrong. The test runs every one through the CLI and expects exit 2, a
// file:line:column error, and no stack trace. Run it again after changing the generator.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const out = join(dirname(fileURLToPath(import.meta.url)), "..", "test", "fixtures", "bad-input");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const files = new Map();
const add = (name, content) => {
  if (files.has(name)) throw new Error(`duplicate corpus name ${name}`);
  files.set(name, content);
};

const sloWith = (objective, rest = 'total_score:\n  pass: "90%"\n  warning: "75%"\n') =>
  `spec_version: "1.0"\nobjectives:\n${objective}${rest}`;
const objective = (fields) => `  - sli: rt\n${fields}`;
const criteriaBlock = (list, criterion) => `    ${list}:\n      - criteria:\n          - ${criterion}\n`;

// 1. Criteria people write that Keptn's grammar does not take. (Some odd ones Keptn does take —
// "< 5 %", "<NaN", "<=+-5%" — are left out: slogate reads criteria exactly as Keptn did.)
const badCriteria = [
  '"0"',
  '"5"',
  '"==5"',
  '"=<5"',
  '"=>5"',
  '"<5ms"',
  '"<5 ms"',
  '"<5s"',
  '"<"',
  '"<="',
  '"<=+%"',
  '"<=-%"',
  '"<\\t5"',
  '"fast"',
  '"<0x10"',
  '"<1e400"',
  "null",
  '"<>5"',
  '"!=5"',
  '"<<5"',
  '">>5"',
  '"<=+10%%"',
  '"<=10%+"',
  '"+10%"',
  '"<=+ten%"',
  '"<5,5"',
  '"<5.5.5"',
  '"<1_000"',
  '"≤5"',
  '"<five"',
  '"<5;>2"',
  '"%<5"',
  '"<-"',
  '"<+"',
  '"<5e"',
  '"<.e1"',
  "[<5]",
  "{lt: 5}",
  "true",
  '""',
  '"   "',
  '"p95<5"',
  '"avg<5"',
  '"<$THRESHOLD"',
];
badCriteria.forEach((criterion, i) => {
  const list = i % 4 === 3 ? "warning" : "pass";
  add(`slo-criteria-${String(i + 1).padStart(2, "0")}.yaml`, sloWith(objective(criteriaBlock(list, criterion))));
});

// 2. Broken YAML.
const good = sloWith(objective(criteriaBlock("pass", '"<600"')));
const yamlBreaks = {
  "tab-indent": good.replace("  - sli: rt", "\t- sli: rt"),
  "unclosed-double-quote": good.replace('pass: "90%"', 'pass: "90%'),
  "unclosed-single-quote": good.replace('pass: "90%"', "pass: '90%"),
  "unclosed-flow-list": `${good}filter: [a, b\n`,
  "unclosed-flow-map": `${good}filter: {a: b\n`,
  "stray-colon": good.replace("- sli: rt", "- sli: rt: p95"),
  "bad-indent-dedent": good.replace("    pass:", "  pass:\n   weight: 1"),
  "duplicate-top-key": `${good}objectives: []\n`,
  "duplicate-objective-key": good.replace("  - sli: rt\n", "  - sli: rt\n    sli: rt2\n"),
  "duplicate-total-score-key": good.replace('  warning: "75%"\n', '  warning: "75%"\n  pass: "80%"\n'),
  "unresolved-alias": good.replace('"<600"', "*limit"),
  "alias-to-nothing-top": `${good}filter: *filters\n`,
  "flow-in-block-mess": good.replace("    pass:", "    pass: [\n"),
  "dash-without-space": good.replace("  - sli: rt", "  -sli: rt"),
  "key-without-colon": good.replace("spec_version", 'spec_version "1.0"\nnokey'),
  "bom-then-tab": `\uFEFF${good.replace("objectives:", "objectives:\t[")}`,
  "windows-tab-mix": good.replaceAll("\n", "\r\n").replace("  - sli", "\t- sli"),
  "question-mark-key": `${good}? [a, b\n`,
  "directive-in-middle": good.replace("objectives:", "%YAML 1.2\nobjectives:"),
  "anchor-without-node": good.replace("- sli: rt", "- sli: &"),
  "unterminated-block-scalar-indent": good.replace('pass: "90%"', "pass: |\n90%"),
  "double-colon-key": good.replace("total_score:", "total_score::"),
  "quote-in-plain-key": good.replace("spec_version", 'spec"version'),
  "closing-bracket-alone": `${good}]\n`,
  "closing-brace-alone": `${good}}\n`,
  "comma-after-value": good.replace('pass: "90%"', 'pass: "90%",'),
  "json-trailing-comma": '{"objectives": [{"sli": "rt", "pass": [{"criteria": ["<1"]}]}], "total_score": {"pass": "90%",}',
  "mapping-in-sequence-indent": good.replace("      - criteria:", "      - criteria:\n        weight: 2\n      criteria: x"),
};
for (const [name, text] of Object.entries(yamlBreaks)) add(`slo-yaml-${name}.yaml`, text);

// 3. Wrong types and shapes.
const shapes = {
  "objectives-string": 'spec_version: "1.0"\nobjectives: all of them\ntotal_score: {pass: "90%"}\n',
  "objectives-number": 'objectives: 3\ntotal_score: {pass: "90%"}\n',
  "objectives-map": 'objectives:\n  rt: {pass: [{criteria: ["<1"]}]}\ntotal_score: {pass: "90%"}\n',
  "objective-string": 'objectives:\n  - rt\ntotal_score: {pass: "90%"}\n',
  "objective-without-sli": 'objectives:\n  - displayName: RT\ntotal_score: {pass: "90%"}\n',
  "sli-list": sloWith("  - sli: [rt]\n"),
  "sli-map": sloWith("  - sli: {name: rt}\n"),
  "pass-string": sloWith(objective("    pass: '<600'\n")),
  "pass-map": sloWith(objective("    pass:\n      criteria: ['<600']\n")),
  "warning-number": sloWith(objective("    warning: 5\n")),
  "criteria-string": sloWith(objective("    pass:\n      - criteria: '<600'\n")),
  "criteria-map": sloWith(objective("    pass:\n      - criteria: {lt: 600}\n")),
  "criteria-block-string": sloWith(objective("    pass:\n      - '<600'\n")),
  "weight-word": sloWith(objective("    weight: two\n")),
  "weight-fraction": sloWith(objective("    weight: 1.5\n")),
  "weight-list": sloWith(objective("    weight: [1]\n")),
  "weight-huge": sloWith(objective("    weight: 1e400\n")),
  "key-sli-word": sloWith(objective("    key_sli: maybe\n")),
  "key-sli-list": sloWith(objective("    key_sli: [true]\n")),
  "display-name-map": sloWith(objective("    displayName: {en: RT}\n")),
  "comparison-word": `comparison: yes\n${good.replace('spec_version: "1.0"\n', "")}`,
  "comparison-list": `comparison: [single_result]\n${good}`,
  "compare-with-list": `comparison:\n  compare_with: [single_result]\n${good}`,
  "comparison-count-word": `comparison:\n  number_of_comparison_results: three\n${good}`,
  "comparison-count-negative": `comparison:\n  compare_with: several_results\n  number_of_comparison_results: -1\n${good}`,
  "comparison-count-huge": `comparison:\n  number_of_comparison_results: 1e400\n${good}`,
  "comparison-count-fraction": `comparison:\n  number_of_comparison_results: 2.5\n${good}`,
  "aggregate-list": `comparison:\n  aggregate_function: [avg]\n${good}`,
  "include-result-map": `comparison:\n  include_result_with_score: {pass: true}\n${good}`,
  "filter-list": `filter:\n  - a\n${good}`,
  "filter-string": `filter: service=carts\n${good}`,
  "total-score-list": "objectives: []\ntotal_score:\n  - 90%\n",
  "total-score-string": "objectives: []\ntotal_score: 90%\n",
  "total-score-pass-word": "objectives: []\ntotal_score:\n  pass: ninety\n",
  "total-score-pass-inner-space": "objectives: []\ntotal_score:\n  pass: '90 %'\n",
  "total-score-pass-list": "objectives: []\ntotal_score:\n  pass: [90%]\n",
  "total-score-warning-word": "objectives: []\ntotal_score:\n  pass: '90%'\n  warning: most\n",
  "total-score-missing": sloWith(objective(criteriaBlock("pass", '"<600"')), ""),
  "total-score-pass-missing": sloWith(objective(criteriaBlock("pass", '"<600"')), "total_score:\n  warning: '75%'\n"),
  "top-level-list": "- sli: rt\n",
  "top-level-string": "just some words\n",
  "top-level-number": "42\n",
};
for (const [name, text] of Object.entries(shapes)) add(`slo-type-${name}.yaml`, text);

// 4. Misspelt keys (the nearest key is suggested).
const misspellings = {
  objectvies: ["objectives:", "objectvies:"],
  "key-sl1": ["  - sli: rt\n", "  - sli: rt\n    key_sl1: true\n"],
  displayname: ["  - sli: rt\n", "  - sli: rt\n    displayname: RT\n"],
  "total-scor": ["total_score:", "total_scor:"],
  criterion: ["      - criteria:", "      - criterion:"],
  pas: ["    pass:", "    pas:"],
  warnings: ["    pass:", "    warnings:"],
  wieght: ["  - sli: rt\n", "  - sli: rt\n    wieght: 2\n"],
  slis: ["  - sli: rt", "  - slis: rt"],
  "spec-verison": ["spec_version", "spec_verison"],
  comparision: ["objectives:", "comparision:\n  compare_with: single_result\nobjectives:"],
  "compare-whith": ["objectives:", "comparison:\n  compare_whith: single_result\nobjectives:"],
  "aggregate-function": ["objectives:", "comparison:\n  aggregate-function: avg\nobjectives:"],
  "number-of-comparison-result": ["objectives:", "comparison:\n  number_of_comparison_result: 2\nobjectives:"],
  "total-score-pas": ['  pass: "90%"', '  pas: "90%"'],
  "key-sli-camel": ["  - sli: rt\n", "  - sli: rt\n    keySli: true\n"],
  "display-name-snake": ["  - sli: rt\n", "  - sli: rt\n    display_name: RT\n"],
  filters: ["objectives:", "filters:\n  service: carts\nobjectives:"],
  objective: ["objectives:", "objective:"],
};
for (const [name, [from, to]] of Object.entries(misspellings)) add(`slo-key-${name}.yaml`, good.replace(from, to));

// 5. Empty and not text.
const empties = {
  empty: "",
  spaces: "   \n  \n",
  "comment-only": "# nothing yet\n",
  "document-marker": "---\n",
  null: "null\n",
  tilde: "~\n",
  "empty-list": "[]\n",
  "empty-map": "{}\n",
};
for (const [name, text] of Object.entries(empties)) add(`slo-empty-${name}.yaml`, text);
let seed = 1126;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
for (let i = 1; i <= 10; i++) {
  const bytes = Buffer.from(Array.from({ length: 64 + i * 37 }, () => Math.floor(random() * 256)));
  bytes[i] = 0;
  add(`slo-binary-${String(i).padStart(2, "0")}.yaml`, bytes);
}

// 6. sli.yaml.
const sliFiles = {
  "indicators-list": "indicators:\n  - rt\n",
  "indicators-string": "indicators: rt\n",
  "indicator-list": "indicators:\n  rt: [a, b]\n",
  "indicator-map": "indicators:\n  rt: {query: a}\n",
  "duplicate-indicator": "indicators:\n  rt: a\n  rt: b\n",
  "duplicate-indicator-far": "indicators:\n  rt: a\n  errors: b\n  throughput: c\n  rt: d\n",
  "duplicate-top": "indicators:\n  rt: a\nindicators:\n  rt: b\n",
  "misspelt-indicators": "indicator:\n  rt: a\n",
  "misspelt-indicators-2": "indicatros:\n  rt: a\n",
  tab: "indicators:\n\trt: a\n",
  "unclosed-quote": 'indicators:\n  rt: "metricSelector=builtin:service.response.time\n',
  "unresolved-alias": "indicators:\n  rt: *query\n",
  "top-list": "- rt: a\n",
  "top-string": "metricSelector=builtin:service.response.time\n",
  "json-broken": '{"indicators": {"rt": "a",}',
  binary: Buffer.from([0x69, 0x6e, 0x00, 0xff, 0x01, 0x3a, 0x0a]),
  "null-indicator": "indicators:\n  rt: null\n",
  "bool-indicator": "indicators:\n  rt: true\n",
};
for (const [name, text] of Object.entries(sliFiles)) add(`sli-${name}.yaml`, text);

// 7. slogate.yaml (next to _good-slo.yaml).
const configs = {
  "no-version": "slo: _good-slo.yaml\n",
  "version-word": "version: one\nslo: _good-slo.yaml\n",
  "version-two": "version: 2\nslo: _good-slo.yaml\n",
  "no-slo": "version: 1\n",
  "slo-number": "version: 1\nslo: 5\n",
  "unknown-key": "version: 1\nslo: _good-slo.yaml\nretries: 3\n",
  "misspelt-providers": "version: 1\nslo: _good-slo.yaml\nprovider:\n  default: file\n",
  "provider-unknown": "version: 1\nslo: _good-slo.yaml\nproviders:\n  default: datadog\n",
  "override-unknown": "version: 1\nslo: _good-slo.yaml\nproviders:\n  overrides:\n    rt: newrelic\n",
  "labels-list": "version: 1\nslo: _good-slo.yaml\nlabels:\n  - service=carts\n",
  "history-store-word": 'version: 1\nslo: _good-slo.yaml\nhistory:\n  path: h.jsonl\n  store: "yes"\n',
  "history-type": "version: 1\nslo: _good-slo.yaml\nhistory:\n  type: s3\n  path: h.jsonl\n",
  "missing-sli-policy": "version: 1\nslo: _good-slo.yaml\nevaluation:\n  missing-sli: ignore\n",
  "warning-exit-code-word": "version: 1\nslo: _good-slo.yaml\nevaluation:\n  warning-exit-code: three\n",
  "prometheus-timeout-word": "version: 1\nslo: _good-slo.yaml\nproviders:\n  prometheus:\n    timeout-ms: soon\n",
  "prometheus-auth-type": "version: 1\nslo: _good-slo.yaml\nproviders:\n  prometheus:\n    auth:\n      type: digest\n",
  "dynatrace-token-inline": "version: 1\nslo: _good-slo.yaml\nproviders:\n  dynatrace:\n    token: dt0c01.abc\n",
  "events-timeout-huge": "version: 1\nslo: _good-slo.yaml\nevents:\n  dynatrace:\n    timeout-minutes: 100000\n",
  "workload-type": "version: 1\nslo: _good-slo.yaml\nworkload:\n  type: locust\n",
  "workload-k6-no-script": "version: 1\nslo: _good-slo.yaml\nworkload:\n  type: k6\n",
  "workload-jmeter-no-plan": "version: 1\nslo: _good-slo.yaml\nworkload:\n  type: jmeter\n",
  "workload-command-string": "version: 1\nslo: _good-slo.yaml\nworkload:\n  type: command\n  command: k6 run x.js\n",
  "workload-vus-zero": "version: 1\nslo: _good-slo.yaml\nworkload:\n  type: builtin\n  target: http://x\n  vus: 0\n",
  "workload-endpoint-no-url": "version: 1\nslo: _good-slo.yaml\nworkload:\n  type: builtin\n  endpoints:\n    - method: GET\n",
  "workload-misspelt": "version: 1\nslo: _good-slo.yaml\nworkload:\n  type: builtin\n  target: http://x\n  durration: 5s\n",
  tab: "version: 1\n\tslo: _good-slo.yaml\n",
  "duplicate-key": "version: 1\nslo: _good-slo.yaml\nslo: other.yaml\n",
  "inline-slo-bad-criteria":
    'version: 1\nslo:\n  objectives:\n    - sli: rt\n      pass:\n        - criteria: ["<5ms"]\n  total_score: {pass: "90%"}\n',
  empty: "",
  binary: Buffer.from([0x76, 0x00, 0x01, 0xfe]),
};
for (const [name, text] of Object.entries(configs)) add(`config-${name}.yaml`, text);

// 8. SLI values files.
const values = {
  "trailing-comma": '{"rt": 100,\n}\n',
  "word-value": '{\n  "rt": "fast"\n}\n',
  "list-top": "[100]\n",
  "string-top": '"rt=100"\n',
  "nested-value": '{"rt": {"p95": 100}}\n',
  "single-quotes": "{'rt': 100}\n",
  unclosed: '{"rt": 100\n',
  comment: '{\n  // measured in CI\n  "rt": 100\n}\n',
  nan: '{"rt": NaN}\n',
  infinity: '{"rt": Infinity}\n',
  empty: "",
  binary: Buffer.from([0x7b, 0x00, 0x22]),
  "keptn-values-wrong": '{"indicatorValues": [{"metric": "rt", "value": "x", "success": true}]}\n',
  "keptn-values-no-metric": '{"indicatorValues": [{"value": 1, "success": true}]}\n',
  "yaml-not-json": "rt: 100\n",
};
for (const [name, text] of Object.entries(values)) add(`values-${name}.json`, text);

// 9. History files.
const histories = {
  "broken-json": '{"schemaVersion":1,"id":"a"\n{"schemaVersion":1}\n',
  "array-line": "[1,2]\n[3]\n",
  "string-line": '"a result"\n"another"\n',
  "wrong-schema-version": '{"schemaVersion":9,"id":"a","result":"pass","objectives":[]}\n{"schemaVersion":9}\n',
  "slogate-without-id": '{"schemaVersion":1,"result":"pass","objectives":[]}\n\n',
  "keptn-without-result": '{"type":"sh.keptn.event.evaluation.finished","id":"x","data":{}}\n{"type":"x"}\n',
  "invalidation-without-target": '{"kind":"invalidation"}\n{"kind":"invalidation"}\n',
  "objective-null": '{"schemaVersion":1,"id":"a","result":"pass","objectives":[null]}\n{}\n',
  binary: Buffer.from([0x7b, 0x00, 0x7d, 0x0a, 0x7b, 0x0a]),
  "yaml-lines": "- id: a\n  result: pass\n",
};
for (const [name, text] of Object.entries(histories)) add(`history-${name}.jsonl`, text);

add("_good-slo.yaml", good);
add("_good-values.json", '{"rt": 100}\n');
for (const [name, content] of files) writeFileSync(join(out, name), content);
console.log(`${readdirSync(out).filter((f) => !f.startsWith("_")).length} files in ${out}`);
