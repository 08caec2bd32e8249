import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HAS_REAL_CONFIGS, REAL_CONFIGS, realConfigsSuite } from "../../test/support.js";
import { readSli } from "../config/load-sli.js";
import { parseYamlSource } from "../config/yaml-source.js";
import { promDuration, resolvePlaceholders } from "./placeholders.js";

const context = {
  window: { start: "2024-03-01T10:00:00.000Z", end: "2024-03-01T10:10:00.500Z" },
  labels: { project: "sockshop", stage: "staging", service: "carts", deployment: "primary", team: "shop-a" },
  filters: { handler: "'ItemsController'" },
};

describe("Keptn's placeholders", () => {
  it("resolves each, with the window in whole seconds rounded up", () => {
    expect(
      resolvePlaceholders(
        'x{job="$SERVICE-$PROJECT-$STAGE-$DEPLOYMENT",team="$LABEL.team",h="$handler",H="$HANDLER"}[$DURATION_SECONDS] $DURATION',
        context,
      ),
    ).toEqual({
      query: 'x{job="carts-sockshop-staging-primary",team="shop-a",h="ItemsController",H="ItemsController"}[601s] 601s',
      missing: [],
    });
  });

  it("reports placeholders it has no value for instead of leaving a hole", () => {
    expect(resolvePlaceholders("x{a='$LABEL.owner',b='$PROJECT'}", { ...context, labels: {} })).toEqual({
      query: "x{a='$LABEL.owner',b='$PROJECT'}",
      missing: ["$LABEL.owner", "$PROJECT"],
    });
  });

  it("reads a name only whole, and reports any other $NAME instead of sending it", () => {
    expect(
      resolvePlaceholders("a:$SERVICE,b:$SERVICENAME,c:$DURATION_SECONDSX,d:$TESTSTRATEGY,e:$ENV.REGION", {
        ...context,
        env: { REGION: "eu-1" },
      }),
    ).toEqual({
      query: "a:carts,b:$SERVICENAME,c:$DURATION_SECONDSX,d:$TESTSTRATEGY,e:eu-1",
      missing: ["$SERVICENAME", "$DURATION_SECONDSX", "$TESTSTRATEGY"],
    });
    expect(resolvePlaceholders("x{a=~'^b$'} $ENV.HOME", context)).toEqual({ query: "x{a=~'^b$'} $ENV.HOME", missing: ["$ENV.HOME"] });
  });

  it.each([
    [600, "10m"],
    [5400, "1h30m"],
    [3600, "1h"],
    [90, "90s"],
    [0, "0m"],
  ])("writes %d seconds as %s", (seconds, text) => {
    expect(promDuration(seconds)).toBe(text);
  });

  it.skipIf(!HAS_REAL_CONFIGS)(realConfigsSuite("resolves every query of the 11 real Prometheus sli.yaml files"), () => {
    const root = REAL_CONFIGS;
    const manifest = JSON.parse(readFileSync(join(root, "MANIFEST.json"), "utf8")) as Array<{
      file: string;
      kind: string;
      provider?: string;
    }>;
    const files = manifest.filter((entry) => entry.kind === "sli" && entry.provider === "prometheus").map((entry) => entry.file);
    expect(files).toHaveLength(11);
    for (const file of files) {
      const { indicators } = readSli(parseYamlSource(readFileSync(join(root, file), "utf8"), file));
      for (const [name, query] of Object.entries(indicators ?? {})) {
        const resolved = resolvePlaceholders(query, context);
        expect(resolved.missing, `${file}: ${name}`).toEqual([]);
        expect(resolved.query, `${file}: ${name}`).not.toMatch(/\$[A-Z]/);
      }
    }
  });
});
