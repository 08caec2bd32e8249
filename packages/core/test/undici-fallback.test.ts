import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { LocalDynatrace } from "./dynatrace-server.js";
import { runCliAsync, tempDir, writeFiles } from "./support.js";

describe("undici, loaded by its parts", () => {
  it("falls back to undici's index when a release moves the modules the client loads on their own", async () => {
    const dir = tempDir("slogate-undici-moved-");
    const log = join(dir, "resolved.log");
    // A module resolution hook standing in for an undici release whose lib/ files moved: every
    // undici/lib/… specifier is not found; what the gate asks for is logged.
    writeFileSync(
      join(dir, "moved-undici.mjs"),
      `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  if (!specifier.startsWith("undici")) return next(specifier, context);
  const moved = specifier.startsWith("undici/lib/");
  appendFileSync(${JSON.stringify(log)}, \`\${moved ? "not found" : "resolved"} \${specifier}\\n\`);
  if (moved) throw Object.assign(new Error(\`Cannot find module '\${specifier}'\`), { code: "ERR_MODULE_NOT_FOUND" });
  return next(specifier, context);
}
`,
    );
    writeFileSync(
      join(dir, "register.mjs"),
      `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(dir, "moved-undici.mjs")).href)});\n`,
    );
    writeFiles(dir, {
      "sli.yaml": "indicators:\n  rt: metricSelector=builtin:service.response.time:avg\n",
      "slo.yaml": 'objectives:\n  - sli: rt\n    pass: [{criteria: ["<=300"]}]\ntotal_score: {pass: "90%"}\n',
    });
    const token = "dt0c01.MOVED.canary-token-12ab34cd56ef";
    const dynatrace = await new LocalDynatrace({
      tokens: { [token]: ["metrics.read"] },
      metrics: { "builtin:service.response.time:avg": [{ values: [250] }] },
    }).start();
    try {
      const run = await runCliAsync(
        "evaluate --provider dynatrace --sli sli.yaml --slo slo.yaml --start 2026-11-28T10:00:00Z --end 2026-11-28T10:15:00Z --settle 0 --format keptn".split(
          " ",
        ),
        {
          cwd: dir,
          env: { DT_URL: dynatrace.url, DT_API_TOKEN: token, NODE_OPTIONS: `--import=${pathToFileURL(join(dir, "register.mjs")).href}` },
        },
      );
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout).evaluation.indicatorResults.map((r: { value: { value: number } }) => r.value.value)).toEqual([250]);
      expect(readFileSync(log, "utf8").split("\n").filter(Boolean).sort()).toEqual([
        "not found undici/lib/api/index.js",
        "not found undici/lib/dispatcher/agent.js",
        "not found undici/lib/dispatcher/dispatcher.js",
        "not found undici/lib/dispatcher/env-http-proxy-agent.js",
        "resolved undici",
      ]);
    } finally {
      await dynatrace.stop();
    }
  });
});
