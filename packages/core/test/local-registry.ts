import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { tempDir } from "./support.js";

/**
 * A real npm registry on 127.0.0.1 (verdaccio, in a process of its own so that tests may block on
 * npm) that serves the packed @slogate packages and takes everything else from the registry this
 * machine uses — what a user's `npm install` or `npx` sees once a release is published.
 */
export interface LocalRegistry {
  url: string;
  /** Environment for npm/npx to use this registry with a cache of its own (nothing from earlier runs). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const VERDACCIO = join(dirname(createRequire(import.meta.url).resolve("verdaccio/package.json")), "bin", "verdaccio");

function freePort(): Promise<number> {
  return new Promise((found, fail) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => found(port));
    });
    probe.on("error", fail);
  });
}

async function waitUntilServing(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited ${child.exitCode}: ${output()}`);
    try {
      if ((await fetch(`${url}-/ping`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((later) => setTimeout(later, 100));
  }
  throw new Error(`verdaccio did not answer on ${url}: ${output()}`);
}

export async function startLocalRegistry(tarballs: string[]): Promise<LocalRegistry> {
  const home = tempDir("slogate-registry-");
  const upstream = execFileSync("npm", ["config", "get", "registry"], { encoding: "utf8" }).trim();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  writeFileSync(
    join(home, "config.yaml"),
    `storage: ${join(home, "storage")}
auth:
  htpasswd:
    file: ${join(home, "htpasswd")}
    max_users: 10
uplinks:
  upstream:
    url: ${upstream}
    timeout: 60s
packages:
  "@slogate/*":
    access: $all
    publish: $authenticated
  "**":
    access: $all
    proxy: upstream
log: { type: stdout, format: pretty, level: warn }
web: { enable: false }
`,
  );
  let said = "";
  const child = spawn(process.execPath, [VERDACCIO, "--config", join(home, "config.yaml"), "--listen", `127.0.0.1:${port}`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => (said += chunk));
  child.stderr?.on("data", (chunk) => (said += chunk));
  await waitUntilServing(url, child, () => said);

  const user = await fetch(`${url}-/user/org.couchdb.user:release`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "release", password: "release-password" }),
  });
  const { token } = (await user.json()) as { token: string };
  const env = {
    npm_config_registry: url,
    npm_config_userconfig: join(home, "npmrc"),
    npm_config_cache: join(home, "cache"),
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
  };
  const npm = (args: string[]) => execFileSync("npm", args, { env: { ...process.env, ...env }, stdio: "pipe" });
  npm(["config", "set", `//127.0.0.1:${port}/:_authToken=${token}`]);
  for (const tarball of tarballs) npm(["publish", tarball, "--provenance=false"]);
  return {
    url,
    env,
    stop: () =>
      new Promise<void>((stopped) => {
        if (child.exitCode !== null) return stopped();
        child.once("exit", () => stopped());
        child.kill();
      }),
  };
}
