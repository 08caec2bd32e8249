import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { CLI, CORE_ROOT } from "./support.js";

function newest(directory: string): number {
  let latest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** End-to-end tests run the built CLI: rebuild it when the sources are newer than the bundle. */
export default function setup(): void {
  let built = 0;
  try {
    built = statSync(CLI).mtimeMs;
  } catch {
    // not built yet
  }
  if (built < Math.max(newest(join(CORE_ROOT, "src")), newest(join(CORE_ROOT, "schemas")))) {
    execFileSync("npx", ["tsup"], { cwd: CORE_ROOT, stdio: "ignore" });
  }
}
