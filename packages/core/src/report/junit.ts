import type { SlogateResult } from "../result/result.js";
import type { ReportRenderer } from "./report-renderer.js";
import { objectiveName, valueText } from "./text.js";

function xml(text: string): string {
  return (
    text
      .replaceAll("&", "&amp;")
      .replaceAll("<", "&lt;")
      .replaceAll(">", "&gt;")
      .replaceAll('"', "&quot;")
      // XML 1.0 cannot carry most control characters, even escaped.
      .replaceAll(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
  );
}

/**
 * JUnit XML, one test case per objective, so every CI's test view shows the gate: a failed
 * objective is a failure, a missing SLI an error, a warning passes. A test's name is the
 * objective's alone — never its value or status — so GitLab's merge-request test comparison and
 * Jenkins' test history follow the same objective from run to run; the value and the status are
 * in its message.
 */
export const junitRenderer: ReportRenderer = {
  format: "junit",
  render(result: SlogateResult): string {
    const failures = result.objectives.filter((o) => o.status === "fail" && o.success).length;
    const errors = result.objectives.filter((o) => o.status === "fail" && !o.success).length;
    const cases = result.objectives.map((objective) => {
      const open = `    <testcase classname="slogate.${xml(objective.sli)}" name="${xml(objectiveName(objective))}" time="0">`;
      const detail = xml(`value ${valueText(objective)}; ${objective.explanation}`);
      if (objective.status === "fail" && !objective.success) {
        return `${open}\n      <error message="${xml(objective.error ?? "no value")}" type="sli-missing">${detail}</error>\n    </testcase>`;
      }
      if (objective.status === "fail") {
        return `${open}\n      <failure message="${detail}" type="objective-failed">${detail}</failure>\n    </testcase>`;
      }
      return `${open}\n      <system-out>${detail}</system-out>\n    </testcase>`;
    });
    const suite = `  <testsuite name="slogate" tests="${result.objectives.length}" failures="${failures}" errors="${errors}" skipped="0" timestamp="${xml(result.time)}">`;
    const properties = [
      `      <property name="result" value="${result.result}"/>`,
      `      <property name="score" value="${result.score}"/>`,
      `      <property name="evaluationId" value="${xml(result.id)}"/>`,
    ];
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<testsuites name="slogate" tests="${result.objectives.length}" failures="${failures}" errors="${errors}">`,
      suite,
      "    <properties>",
      ...properties,
      "    </properties>",
      ...cases,
      "  </testsuite>",
      "</testsuites>",
      "",
    ].join("\n");
  },
};
