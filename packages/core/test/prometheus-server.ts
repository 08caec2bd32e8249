import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { tempDir } from "./support.js";

/** A free port on 127.0.0.1, found by binding port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface Series {
  labels: Record<string, string>;
  /** Value at t seconds after the start of the data. */
  at: (t: number) => number;
}

export interface Family {
  name: string;
  type: "counter" | "gauge" | "unknown";
  series: Series[];
}

/**
 * OpenMetrics text for promtool: each family contiguous, samples ascending, timestamps in whole
 * seconds (promtool reads milliseconds as seconds without complaint), `# EOF` at the end.
 */
export function openMetrics(families: readonly Family[], start: number, seconds: number, step: number): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# TYPE ${family.name} ${family.type}`);
    const sample = family.type === "counter" ? `${family.name}_total` : family.name;
    for (const series of family.series) {
      const labels = Object.entries(series.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(",");
      for (let t = 0; t <= seconds; t += step) lines.push(`${sample}{${labels}} ${series.at(t)} ${start + t}`);
    }
  }
  lines.push("# EOF", "");
  return lines.join("\n");
}

export interface RunningPrometheus {
  url: string;
  stop: () => Promise<void>;
}

/** Backfills the data with promtool and starts Debian's prometheus on a loopback port. */
export async function startPrometheus(data: string): Promise<RunningPrometheus> {
  const directory = tempDir("slogate-prometheus-");
  writeFileSync(join(directory, "data.om"), data);
  execFileSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", "data.om", "blocks"], { cwd: directory, stdio: "pipe" });
  // Retention deletes files in the storage path: give prometheus copies, not promtool's output.
  mkdirSync(join(directory, "storage"));
  for (const block of readdirSync(join(directory, "blocks")))
    cpSync(join(directory, "blocks", block), join(directory, "storage", block), { recursive: true });
  writeFileSync(join(directory, "prometheus.yml"), "global:\n  scrape_interval: 15s\nscrape_configs: []\n");
  const port = await freePort();
  const child: ChildProcess = spawn(
    "prometheus",
    [
      "--config.file=prometheus.yml",
      "--storage.tsdb.path=storage",
      "--storage.tsdb.retention.time=3650d",
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { cwd: directory, stdio: "ignore" },
  );
  const stopOnExit = () => child.kill("SIGKILL");
  process.once("exit", stopOnExit);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    process.removeListener("exit", stopOnExit);
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/-/ready`);
      if (response.ok) return { url, stop };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready on ${url} (exit ${child.exitCode})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
