import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadConfigFile } from "../src/config/load-config.js";
import { readSli } from "../src/config/load-sli.js";
import { readSloText } from "../src/config/load-slo.js";
import { parseYamlSource } from "../src/config/yaml-source.js";
import { parseCriteria } from "../src/engine/criteria.js";
import { isSlogateError } from "../src/errors.js";
import { FileHistoryStore } from "../src/history/file-store.js";
import { parseHistoryLine } from "../src/history/records.js";

// A fixed seed keeps CI repeatable; SLOGATE_PROPERTY_SEED and SLOGATE_PROPERTY_RUNS explore further.
fc.configureGlobal({ seed: Number(process.env.SLOGATE_PROPERTY_SEED ?? 1126) });
const RUNS = { numRuns: Number(process.env.SLOGATE_PROPERTY_RUNS ?? 400) };

/** Text that looks like criteria often enough to reach the parser's deeper branches. */
const criteriaText = fc.oneof(
  fc.string(),
  fc
    .tuple(
      fc.constantFrom("", "<", "<=", ">", ">=", "=", "==", "!=", "=<", "<<"),
      fc.constantFrom("", "+", "-", "++", "+-"),
      fc.oneof(
        fc.double({ noNaN: false }).map(String),
        fc.stringMatching(/^[0-9.eE_x+-]{0,8}$/),
        fc.constantFrom("Inf", "NaN", "0x1p3", "1_000"),
      ),
      fc.constantFrom("", "%", "%%", " ", "ms"),
    )
    .map((parts) => parts.join("")),
);

/** Every line and column a diagnostic names lies inside the text it came from. */
function positionsInside(text: string, diagnostics: ReadonlyArray<{ position: { line: number; column: number } }>): void {
  const lines = text.split("\n");
  for (const { position } of diagnostics) {
    expect(position.line).toBeGreaterThanOrEqual(1);
    expect(position.line).toBeLessThanOrEqual(lines.length + 1);
    expect(position.column).toBeGreaterThanOrEqual(1);
  }
}

/** YAML that is mostly an SLO, then damaged: a character dropped, swapped or inserted. */
const sloLike = fc
  .record({
    spec_version: fc.oneof(fc.constant("1.0"), fc.anything()),
    comparison: fc.oneof(
      fc.record({
        compare_with: fc.constantFrom("single_result", "several_results", "x"),
        number_of_comparison_results: fc.oneof(fc.integer(), fc.string()),
        include_result_with_score: fc.constantFrom("pass", "pass_or_warn", "all", "?"),
        aggregate_function: fc.constantFrom("avg", "p90", "p95", "max"),
      }),
      fc.anything(),
    ),
    objectives: fc.oneof(
      fc.array(
        fc.record(
          {
            sli: fc.oneof(fc.string(), fc.integer()),
            pass: fc.array(fc.record({ criteria: fc.array(criteriaText, { maxLength: 3 }) }), { maxLength: 2 }),
            warning: fc.array(fc.record({ criteria: fc.array(criteriaText, { maxLength: 3 }) }), { maxLength: 2 }),
            weight: fc.oneof(fc.integer(), fc.double(), fc.string()),
            key_sli: fc.oneof(fc.boolean(), fc.string()),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 4 },
      ),
      fc.anything(),
    ),
    total_score: fc.oneof(
      fc.record({ pass: fc.oneof(fc.constant("90%"), fc.string()), warning: fc.oneof(fc.constant("75%"), fc.string()) }),
      fc.anything(),
    ),
  })
  .chain((slo) =>
    fc.tuple(
      fc.constant(stringify(slo)),
      fc.nat(),
      fc.constantFrom("drop", "insert", "keep"),
      fc.constantFrom(":", "-", " ", "\t", "[", "{", '"', "\n", "&a", "*a"),
    ),
  )
  .map(([text, at, how, char]) => {
    const i = text.length === 0 ? 0 : at % text.length;
    return how === "drop" ? text.slice(0, i) + text.slice(i + 1) : how === "insert" ? text.slice(0, i) + char + text.slice(i) : text;
  });

describe("arbitrary input never breaks slogate: only typed errors, with positions", () => {
  it("criteria: a Criterion or an INVALID_CRITERIA error, nothing else", () => {
    fc.assert(
      fc.property(criteriaText, (text) => {
        try {
          const criterion = parseCriteria(text);
          expect(typeof criterion).toBe("object");
        } catch (error) {
          expect(isSlogateError(error) && error.code === "INVALID_CRITERIA").toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("slo.yaml: never throws; every diagnostic has a position inside the file", () => {
    fc.assert(
      fc.property(fc.oneof(sloLike, fc.string(), fc.string({ unit: "binary" })), (text) => {
        const reading = readSloText(text, "slo.yaml");
        positionsInside(text, reading.diagnostics);
        if (reading.slo === null) expect(reading.diagnostics.some((d) => d.severity === "error")).toBe(true);
      }),
      RUNS,
    );
  });

  it("sli.yaml: never throws; every diagnostic has a position inside the file", () => {
    const sliLike = fc
      .record({
        spec_version: fc.anything(),
        indicators: fc.oneof(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.anything())), fc.anything()),
      })
      .map((value) => stringify(value));
    fc.assert(
      fc.property(fc.oneof(sliLike, fc.string()), (text) => {
        const reading = readSli(parseYamlSource(text, "sli.yaml"));
        positionsInside(text, reading.diagnostics);
      }),
      RUNS,
    );
  });

  it("slogate.yaml: loads or reports positioned diagnostics; only typed errors escape", async () => {
    const directory = mkdtempSync(join(tmpdir(), "slogate-prop-"));
    writeFileSync(join(directory, "slo.yaml"), "objectives: []\ntotal_score: {pass: '90%'}\n");
    const configLike = fc
      .record(
        {
          version: fc.oneof(fc.constant(1), fc.anything()),
          slo: fc.oneof(fc.constant("slo.yaml"), fc.anything()),
          labels: fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.anything()),
          providers: fc.anything(),
          history: fc.oneof(fc.record({ path: fc.string(), store: fc.boolean() }), fc.anything()),
          workload: fc.oneof(
            fc.record({ type: fc.constantFrom("builtin", "k6", "jmeter", "command", "x"), vus: fc.anything() }),
            fc.anything(),
          ),
        },
        { requiredKeys: [] },
      )
      .map((value) => stringify(value));
    await fc.assert(
      fc.asyncProperty(fc.oneof(configLike, fc.string()), async (text) => {
        const file = join(directory, "slogate.yaml");
        writeFileSync(file, text);
        try {
          const config = await loadConfigFile(file);
          positionsInside(text, config.diagnostics);
        } catch (error) {
          // A file the configuration names that does not exist is the one error thrown here.
          expect(isSlogateError(error)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("history lines and Keptn events: a record, or a plain message the store turns into a position", async () => {
    const keptnLike = fc.record(
      {
        type: fc.constantFrom("sh.keptn.event.evaluation.finished", "sh.keptn.event.evaluation.invalidated", "x"),
        id: fc.oneof(fc.uuid(), fc.anything()),
        triggeredid: fc.oneof(fc.uuid(), fc.anything()),
        time: fc.oneof(
          fc.date().map((d) => (Number.isNaN(d.getTime()) ? "x" : d.toISOString())),
          fc.anything(),
        ),
        data: fc.oneof(
          fc.record(
            {
              result: fc.oneof(fc.constantFrom("pass", "warning", "fail"), fc.anything()),
              evaluation: fc.oneof(
                fc.record(
                  {
                    result: fc.anything(),
                    score: fc.anything(),
                    indicatorResults: fc.oneof(fc.array(fc.anything()), fc.anything()),
                    timeStart: fc.anything(),
                    timeEnd: fc.anything(),
                  },
                  { requiredKeys: [] },
                ),
                fc.anything(),
              ),
            },
            { requiredKeys: [] },
          ),
          fc.anything(),
        ),
      },
      { requiredKeys: [] },
    );
    const slogateLike = fc.record(
      {
        schemaVersion: fc.oneof(fc.constant(1), fc.anything()),
        id: fc.anything(),
        result: fc.anything(),
        objectives: fc.oneof(fc.array(fc.anything()), fc.anything()),
        kind: fc.anything(),
      },
      { requiredKeys: [] },
    );
    const line = fc.oneof(
      keptnLike.map((v) => JSON.stringify(v)),
      slogateLike.map((v) => JSON.stringify(v)),
      fc.json(),
      fc.string(),
    );
    fc.assert(
      fc.property(line, (text) => {
        try {
          const parsed = parseHistoryLine(text, "fallback");
          expect(["evaluation", "invalidation"]).toContain(parsed.kind);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          expect(error).not.toBeInstanceOf(TypeError);
          expect((error as Error).message.length).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
    // Through the store, a bad line is an INVALID_INPUT error at its line, or (the last line, torn) skipped.
    const directory = mkdtempSync(join(tmpdir(), "slogate-prop-history-"));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 5 }), async (lines) => {
        const file = join(directory, "history.jsonl");
        writeFileSync(file, `${lines.map((l) => l.replaceAll("\n", " ")).join("\n")}\n`);
        try {
          await new FileHistoryStore(file, { onWarning: () => {} }).list();
        } catch (error) {
          expect(isSlogateError(error) && error.code === "INVALID_INPUT").toBe(true);
          expect(isSlogateError(error) && error.position?.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 200 },
    );
  });
});
