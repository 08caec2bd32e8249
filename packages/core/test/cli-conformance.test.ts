import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { KEPTN_VECTORS, readJson, runCli, tempDir, writeFiles } from "./support.js";

// The conformance contract of the foundation issue, exercised the way the external acceptance
// suite does: files on disk, the built CLI as a process, Keptn's evaluation.finished data on stdout.
// biome-ignore lint/suspicious/noExplicitAny: vectors are external JSON, read field by field
type Vector = Record<string, any>;
const vectors = readJson<Record<string, Vector[]>>(KEPTN_VECTORS);

function keptnIndicators(indicators: Vector[] | null): Vector[] | null {
  // Keptn's JSON leaves out an empty message (omitempty); the vectors write it as "".
  return (
    indicators?.map(({ metric: _metric, ...rest }) => ({
      ...rest,
      value: rest.value === null ? null : (({ message, ...value }) => (message ? { ...value, message } : value))(rest.value),
    })) ?? null
  );
}

function historyLine(previous: Vector, index: number): string {
  return JSON.stringify({
    type: "sh.keptn.event.evaluation.finished",
    id: previous.id ?? `previous-${index}`,
    triggeredid: `${previous.id ?? `previous-${index}`}-triggered`,
    time: `2024-01-0${index + 1}T00:00:00.000Z`,
    data: {
      result: previous.result,
      status: previous.status ?? "succeeded",
      evaluation: {
        result: previous.evaluationResult ?? previous.result,
        score: previous.score ?? 0,
        indicatorResults: previous.indicatorResults ?? null,
      },
    },
  });
}

/** The stored history as Keptn's datastore held it, oldest first, invalidations as events. */
function storedHistory(vector: Vector): string {
  const byId = new Map<string, Vector>((vector.previous_evaluations ?? []).map((p: Vector) => [p.id, p]));
  const newestFirst: Vector[] = vector.stored_history_newest_first ?? vector.previous_evaluations ?? [];
  const oldestFirst = [...newestFirst].reverse();
  const lines = oldestFirst.map((entry, index) => historyLine({ ...entry, ...(byId.get(entry.id) ?? {}) }, index));
  for (const entry of oldestFirst) {
    if (entry.invalidated)
      lines.push(JSON.stringify({ type: "sh.keptn.event.evaluation.invalidated", triggeredid: `${entry.id}-triggered` }));
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

function run(sloYaml: string, getSli: Vector, history: string) {
  const directory = tempDir();
  writeFiles(directory, { "slo.yaml": sloYaml, "values.json": JSON.stringify(getSli), "history.jsonl": history });
  const cli = runCli(["evaluate", "--slo", "slo.yaml", "--sli-values", "values.json", "--history", "history.jsonl", "--format", "keptn"], {
    cwd: directory,
  });
  return { ...cli, data: cli.stdout.trim() === "" ? null : (JSON.parse(cli.stdout) as Vector) };
}

describe("CLI conformance: slogate evaluate --format keptn", () => {
  const full = vectors.evaluation_cases?.filter((v) => v.level === "full") ?? [];
  it.each(full.map((v) => [v.name, v] as const))("%s", (_name, vector) => {
    const getSli = {
      status: vector.get_sli.status,
      result: vector.get_sli.result,
      message: vector.get_sli.message,
      "get-sli": { indicatorValues: vector.sli_results, start: "2024-02-01T10:00:00.000Z", end: "2024-02-01T10:15:00.000Z" },
    };
    const { status, data, stdout } = run(vector.slo_yaml, getSli, storedHistory(vector));
    expect(stdout.trim().split("\n")).toHaveLength(1);
    expect(data?.status).toBe(vector.expected.event_status);
    expect(data?.result).toBe(vector.expected.event_result);
    expect(data?.evaluation.result).toBe(vector.expected.evaluation_result);
    expect(data?.evaluation.score).toBe(vector.expected.evaluation_score);
    expect(data?.evaluation.indicatorResults).toEqual(keptnIndicators(vector.expected.indicators));
    expect(data?.evaluation.comparedEvents).toHaveLength(vector.expected.compared_events_count);
    for (const excluded of vector.expected.compared_events_exclude ?? []) expect(data?.evaluation.comparedEvents).not.toContain(excluded);
    expect(data?.evaluation.timeStart).toBe("2024-02-01T10:00:00.000Z");
    expect(data?.evaluation.timeEnd).toBe("2024-02-01T10:15:00.000Z");
    expect(Buffer.from(data?.evaluation.sloFileContent, "base64").toString("utf8")).toBe(vector.slo_yaml);
    expect(status).toBe(vector.expected.event_result === "fail" ? 1 : 0);
  });

  it("passes on the project, stage, service and labels of get-sli.finished, as Keptn did", () => {
    const getSli = {
      project: "sockshop",
      stage: "staging",
      service: "carts",
      labels: { buildId: "42" },
      status: "succeeded",
      result: "pass",
      "get-sli": { indicatorValues: [{ metric: "rt", value: 1, success: true }] },
    };
    const { data } = run("objectives:\n  - sli: rt\n    pass: [{criteria: ['<2']}]\ntotal_score: {pass: '90%'}\n", getSli, "");
    expect(data).toMatchObject({
      project: "sockshop",
      stage: "staging",
      service: "carts",
      labels: { project: "sockshop", stage: "staging", service: "carts", buildId: "42" },
      result: "pass",
    });
  });

  const objectiveLevel = vectors.evaluation_cases?.filter((v) => v.level === "evaluateObjectives") ?? [];
  it.each(objectiveLevel.map((v) => [v.name, v] as const))("objectives of %s", (_name, vector) => {
    const { status, data } = run(stringify(vector.slo), vector.sli_results, storedHistory(vector));
    expect(data?.evaluation.indicatorResults).toEqual(keptnIndicators(vector.expected.indicators));
    if (vector.expected.event_result) expect(data?.result).toBe(vector.expected.event_result);
    expect([0, 1]).toContain(status);
  });

  it.each((vectors.event_flow_cases ?? []).map((v) => [v.name, v] as const))("event flow %s", (_name, vector) => {
    const getSli = vector.get_sli_finished ?? { "get-sli": { indicatorValues: [] } };
    const { status, data, stderr } = run(vector.slo_yaml, { ...getSli, "get-sli": { indicatorValues: getSli.indicatorValues ?? [] } }, "");
    expect(data?.status).toBe(vector.expected.event_status);
    expect(data?.result).toBe(vector.expected.event_result);
    if (vector.expected.message !== undefined) expect(data?.message).toBe(vector.expected.message);
    if (vector.expected.message_not_empty) expect(data?.message).toBeTruthy();
    // An SLO Keptn cannot score is invalid input: the Keptn answer is printed, the exit status is 2.
    const invalidSlo = vector.slo_yaml === "invalid" || vector.expected.message?.startsWith("could not parse");
    expect(status).toBe(invalidSlo ? 2 : 1);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
