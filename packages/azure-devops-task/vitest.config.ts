import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "azure-devops-task",
    include: ["test/**/*.test.ts"],
    env: { TZ: "UTC" },
    testTimeout: 120_000,
  },
});
