import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createProvider, PROVIDERS } from "./providers.js";

const settings = { indicators: {}, labels: {}, env: {} };

describe("the provider registry", () => {
  it("lists one file (or, past ~300 lines, one folder) per provider in src/sli", () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const files = readdirSync(here);
    for (const id of PROVIDERS) {
      const found =
        files.includes(`${id}.ts`) ||
        files.includes(`${id}-provider.ts`) ||
        (files.includes(id) && readdirSync(`${here}/${id}`).includes("index.ts"));
      expect(found, id).toBe(true);
    }
  });

  it("says what each provider is missing", () => {
    expect(() => createProvider("file", settings)).toThrow("the file provider needs a values file");
    expect(() => createProvider("prometheus", settings)).toThrow("the prometheus provider needs the server's URL");
    expect(() => createProvider("prometheus", { ...settings, env: { PROMETHEUS_URL: "localhost:9090" } })).toThrow(
      'Prometheus URL "localhost:9090" is not an http(s) URL',
    );
    expect(() =>
      createProvider("prometheus", {
        ...settings,
        prometheus: { url: "http://127.0.0.1:9", auth: { type: "bearer", "token-env": "MY_TOKEN" } },
      }),
    ).toThrow("bearer auth for Prometheus needs a token");
    expect(createProvider("prometheus", { ...settings, env: { PROMETHEUS_URL: "http://127.0.0.1:9" } }).id).toBe("prometheus");
  });
});
