import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "core",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    env: { TZ: "UTC" },
    testTimeout: 30_000,
    globalSetup: [fileURLToPath(new URL("./test/global-setup.ts", import.meta.url))],
  },
});
