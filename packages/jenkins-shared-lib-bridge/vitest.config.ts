import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "jenkins-shared-lib-bridge",
    include: ["test/**/*.test.ts"],
    env: { TZ: "UTC" },
    testTimeout: 60_000,
  },
});
