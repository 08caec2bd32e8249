import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

export default defineProject({
  plugins: [
    {
      // That package ships source maps that point at sources it does not ship.
      name: "workflow-parser-without-source-maps",
      load(id) {
        if (!id.includes("@actions/workflow-parser/dist/") || !id.endsWith(".js")) return null;
        return { code: readFileSync(id, "utf8").replace(/^\/\/# sourceMappingURL=.*$/m, ""), map: null };
      },
    },
  ],
  test: {
    name: "core",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    env: { TZ: "UTC" },
    testTimeout: 30_000,
    // GitHub's workflow parser imports its schemas as JSON modules without import attributes,
    // which only a bundler accepts: let vite transform it.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
    globalSetup: [fileURLToPath(new URL("./test/global-setup.ts", import.meta.url))],
  },
});
