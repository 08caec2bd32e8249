import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSli } from "../src/config/load-sli.js";
import { parseYamlSource } from "../src/config/yaml-source.js";
import { dynatraceEndpoints } from "../src/sli/dynatrace/connection.js";
import { DynatraceSliProvider } from "../src/sli/dynatrace/index.js";
import { type DynatraceQuery, parseDynatraceQuery } from "../src/sli/dynatrace/query.js";
import { resolvePlaceholders } from "../src/sli/placeholders.js";
import { LocalDynatrace, splitSelectors } from "./dynatrace-server.js";
import { HAS_REAL_CONFIGS, REAL_CONFIGS, realConfigsSuite } from "./support.js";

// Every Dynatrace query in the 47 real sli.yaml files: read, sent over the wire as read, or refused
// where dynatrace-service refused it too.
const ROOT = REAL_CONFIGS;
const TOKEN = "dt0c01.REAL.configs";
const WINDOW = { start: "2024-05-01T10:00:00.000Z", end: "2024-05-01T10:15:00.000Z" };
const LABELS = {
  project: "sockshop",
  stage: "staging",
  service: "carts",
  deployment: "primary",
  teststrategy: "performance",
  dttag: "team:a",
  DT_RELEASE_BUILD_VERSION: "1.2.3",
  version: "1.2.3",
};

/** file → SLI → why dynatrace-service refused it too. */
const REFUSED: Record<string, Record<string, string>> = {
  "sli/013-dynatrace-sli-service-dynatrace-project-sli.yaml": {
    camp_adoption: "looks like a USQL query without the USQL; prefix",
    camp_conv: "looks like a USQL query without the USQL; prefix",
    camp_bounces: "looks like a USQL query without the USQL; prefix",
  },
  "sli/014-dynatrace-sli-service-dynatrace-service-sli.yaml": {
    camp_adoption: "looks like a USQL query without the USQL; prefix",
    camp_conv: "looks like a USQL query without the USQL; prefix",
    camp_bounces: "looks like a USQL query without the USQL; prefix",
    bounce_rate: "Keptn allowed exactly one '=' in each", // ';' where '&' was meant
  },
  // dynatrace-service's MV2 took only MicroSecond and Byte.
  "sli/055-cloud-automation-easytravel-1-easytravel-app-dynatrace-sli-e509b7d.yaml": {
    db_calls: "not 'Count'",
    error_count: "not 'Percent'",
    jvm_cpu: "not 'MilliSecond'",
    non_db_calls: "not 'Count'",
    throughput_svc: "not 'Count'",
  },
  "sli/019-performance-testing-as-selfservice-tutorial-dynatrace-sli-basic.yaml": Object.fromEntries(
    ["throughput_svc", "error_rate_svc", "rt_svc_p50", "rt_svc_p90", "rt_svc_p95"].map((sli) => [
      sli,
      "is not a 'key=value' pair; write metricSelector=",
    ]),
  ),
};

interface Case {
  file: string;
  sli: string;
  query: string;
  parsed: { query: DynatraceQuery } | { error: string };
}

function cases(): Case[] {
  if (!HAS_REAL_CONFIGS) return [];
  const manifest = JSON.parse(readFileSync(join(ROOT, "MANIFEST.json"), "utf8")) as Array<{
    file: string;
    kind: string;
    provider?: string;
  }>;
  const all: Case[] = [];
  for (const { file } of manifest.filter((e) => e.kind === "sli" && e.provider === "dynatrace")) {
    const { indicators } = readSli(parseYamlSource(readFileSync(join(ROOT, file), "utf8"), file));
    for (const [sli, written] of Object.entries(indicators ?? {})) {
      const { query, missing } = resolvePlaceholders(written, { window: WINDOW, labels: LABELS, filters: {} });
      expect(missing, `${file} ${sli}`).toEqual([]);
      all.push({ file, sli, query, parsed: parseDynatraceQuery(query) });
    }
  }
  return all;
}

let dynatrace: LocalDynatrace;
beforeAll(async () => {
  dynatrace = await new LocalDynatrace({
    tokens: { [TOKEN]: ["metrics.read", "slo.read", "problems.read", "securityProblems.read"] },
    anyMetric: [{ values: [4000] }],
    slos: Object.fromEntries(
      ["b2d0b07c-35ba-3513-9bce-6e0b4e3054bb", "ad3e3a5d-3e9c-3a8d-9a4b-b5bd4f2e7a2a"].map((id) => [id, { evaluatedPercentage: 99 }]),
    ),
    securityProblems: 1,
  }).start();
});
afterAll(async () => {
  await dynatrace?.stop();
});

describe.skipIf(!HAS_REAL_CONFIGS)(realConfigsSuite("the 47 real Dynatrace sli.yaml files"), () => {
  it("reads every query, or refuses it as dynatrace-service did", () => {
    const all = cases();
    // All files but 058 (refused for its repeated keys) are read.
    expect(new Set(all.map((c) => c.file)).size).toBe(46);
    const refused = all.filter((c) => "error" in c.parsed);
    const expected = Object.entries(REFUSED).flatMap(([file, slis]) => Object.keys(slis).map((sli) => `${file} ${sli}`));
    expect(refused.map((c) => `${c.file} ${c.sli}`).sort()).toEqual(expected.sort());
    for (const c of refused) expect("error" in c.parsed && c.parsed.error, `${c.file} ${c.sli}`).toContain(REFUSED[c.file]?.[c.sli]);
    expect([all.length, refused.length]).toEqual([1116, 17]);
  });

  it("sends each read query to Dynatrace as written", async () => {
    const all = cases().filter((c) => "query" in c.parsed);
    const byFile = new Map<string, Case[]>();
    for (const c of all) byFile.set(c.file, [...(byFile.get(c.file) ?? []), c]);
    for (const [file, list] of byFile) {
      const provider = new DynatraceSliProvider({
        endpoints: dynatraceEndpoints(dynatrace.url),
        credentials: { apiToken: TOKEN },
        indicators: Object.fromEntries(list.map((c) => [c.sli, c.query])),
        labels: LABELS,
        settleMs: 0,
      });
      const before = dynatrace.requests.length;
      const answer = await provider.fetch({ indicators: list.map((c) => c.sli), window: WINDOW, filters: {} });
      await provider.close();
      const failures = answer.indicatorValues.filter((v) => !v.success);
      expect(
        failures.map((f) => `${f.metric}: ${f.message}`),
        file,
      ).toEqual(
        list
          .filter(
            (c) =>
              "query" in c.parsed && c.parsed.query.kind === "slo" && !["b2d0b07c-35ba-3513-9bce-6e0b4e3054bb"].includes(c.parsed.query.id),
          )
          .map((c) => expect.stringContaining(`${c.sli}: Dynatrace refused the SLO request (HTTP 404`)),
      );
      const sent = dynatrace.requests.slice(before).filter((r) => r.route === "metrics");
      const metrics = list.flatMap((c) => ("query" in c.parsed && c.parsed.query.kind === "metrics" ? [c.parsed.query] : []));
      // Queries that differ only in their selector share a request: each selector reaches Dynatrace
      // once, with its own entity selector and management zone, as written.
      const unique = (rows: Array<Array<string | undefined>>) => [...new Set(rows.map((row) => JSON.stringify(row)))].sort();
      expect(
        unique(
          sent.flatMap((r) => splitSelectors(r.query.metricSelector ?? "").map((one) => [one, r.query.entitySelector, r.query.mzSelector])),
        ),
        file,
      ).toEqual(unique(metrics.map((q) => [q.parameters.metricSelector, q.parameters.entitySelector, q.parameters.mzSelector])));
      for (const c of list) {
        const value = answer.indicatorValues.find((v) => v.metric === c.sli);
        if ("query" in c.parsed && c.parsed.query.kind === "metrics") {
          expect(value?.value, `${file} ${c.sli}`).toBe(
            c.parsed.query.unit === "MicroSecond" ? 4 : c.parsed.query.unit === "Byte" ? 4000 / 1024 : 4000,
          );
        }
      }
    }
  }, 60_000);
});
