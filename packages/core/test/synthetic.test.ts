import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDynatrace } from "./dynatrace-server.js";
import { type LocalServer, localServer } from "./local-server.js";
import { runCliAsync, tempDir, writeFiles } from "./support.js";

const TOKEN = "dt0c01.SYNTHETIC.canary-token-9a8b7c6d5e4f";
const LOCATION = "GEOLOCATION-95196F3C9A4F4215";
const LABELS = ["--labels", "project=sockshop,stage=staging,service=carts"];

let dynatrace: LocalDynatrace;
// The new deployment answers in about 30 ms; a broken one with 503.
let deployed: LocalServer;
let broken: LocalServer;
beforeAll(async () => {
  dynatrace = await new LocalDynatrace({
    tokens: { [TOKEN]: ["ExternalSyntheticIntegration"] },
    syntheticLocations: [
      { entityId: "GEOLOCATION-0000000000000001", name: "Browser only", capabilities: ["BROWSER"] },
      { entityId: LOCATION, name: "Amazon US East (N. Virginia)" },
    ],
    syntheticDelayMs: 300,
  }).start();
  deployed = await localServer((_request, response) => setTimeout(() => response.end("ok"), 30));
  broken = await localServer((_request, response) => {
    response.statusCode = 503;
    response.end("unavailable");
  });
});
afterAll(async () => {
  await Promise.all([dynatrace?.stop(), deployed?.close(), broken?.close()]);
});

function synthetic(url: string, extra: string[] = []) {
  const cwd = tempDir();
  return runCliAsync(["synthetic", "--url", url, ...LABELS, "--format", "json", ...extra], {
    cwd,
    env: { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN },
  });
}

describe("slogate synthetic: a synthetic check of the new deployment", () => {
  it("creates the HTTP monitor, runs it on demand, waits for the result and prints the SLIs it measured", async () => {
    const run = await synthetic(`${deployed.url}/health`, ["--version", "1.4.2"]);
    expect(run.status).toBe(0);
    const slis = JSON.parse(run.stdout) as Record<string, number>;
    expect(Object.keys(slis)).toEqual(["synthetic:availability", "synthetic:response_time"]);
    expect(slis["synthetic:availability"]).toBe(100);
    expect(slis["synthetic:response_time"]).toBeGreaterThanOrEqual(30);
    expect(run.stderr).toMatch(
      /^slogate: synthetic check: success after \d+ s\nslogate: monitor "slogate carts staging" \(HTTP_CHECK-[0-9A-F]{16}\) created; 1 execution in batch \d{19}\n$/m,
    );
    const [monitor] = [...dynatrace.monitors.values()];
    expect(monitor).toMatchObject({
      name: "slogate carts staging",
      type: "HTTP",
      locations: [LOCATION],
      tags: [
        { context: "CONTEXTLESS", key: "slogate" },
        { context: "CONTEXTLESS", key: "project", value: "sockshop" },
        { context: "CONTEXTLESS", key: "stage", value: "staging" },
        { context: "CONTEXTLESS", key: "service", value: "carts" },
        { context: "CONTEXTLESS", key: "version", value: "1.4.2" },
      ],
    });
  });

  it("updates the same monitor for the next version, and a failing deployment measures 0% availability", async () => {
    const before = dynatrace.monitors.size;
    const run = await synthetic(`${broken.url}/health`, ["--version", "1.4.3"]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ "synthetic:availability": 0 });
    expect(run.stderr).toMatch(/monitor "slogate carts staging" \(HTTP_CHECK-[0-9A-F]{16}\) updated; 1 execution/);
    expect(run.stderr).toMatch(/execution \d{19} from GEOLOCATION-95196F3C9A4F4215 failed: HTTP status 503 matched >=400/);
    expect(dynatrace.monitors.size).toBe(before);
    const writes = dynatrace.requests.filter(
      (request) => request.method === "PUT" && request.path.startsWith("/api/v1/synthetic/monitors/"),
    );
    expect(writes).toHaveLength(1);
  });

  it("deletes the monitor after the check with --retention delete, and the SLIs gate like any values file", async () => {
    const cwd = tempDir();
    const env = { DT_URL: dynatrace.url, DT_API_TOKEN: TOKEN };
    const run = await runCliAsync(
      [
        "synthetic",
        "--url",
        `${deployed.url}/`,
        "--labels",
        "project=sockshop,stage=production,service=orders",
        "--retention",
        "delete",
        "--location",
        LOCATION,
        "--format",
        "json",
      ],
      { cwd, env },
    );
    expect(run.status).toBe(0);
    expect([...dynatrace.monitors.values()].map((monitor) => monitor.name)).not.toContain("slogate orders production");
    writeFiles(cwd, {
      "synthetic.json": run.stdout,
      "slo.yaml":
        'objectives:\n  - sli: "synthetic:availability"\n    pass:\n      - criteria: [">=99"]\n  - sli: "synthetic:response_time"\n    pass:\n      - criteria: ["<=2000"]\ntotal_score:\n  pass: "90%"\n',
    });
    const gate = await runCliAsync(["evaluate", "--slo", "slo.yaml", "--sli-values", "synthetic.json", "--format", "json"], { cwd });
    expect(JSON.parse(gate.stdout)).toMatchObject({ result: "pass", score: 100 });
  });

  it("gives up after the timeout with the reason (exit 1), and refuses a missing URL (exit 2)", async () => {
    dynatrace.seed.syntheticDelayMs = 60_000;
    try {
      const run = await synthetic(`${deployed.url}/`, ["--timeout", "1s", "--retention", "delete"]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(
        /slogate: could not evaluate: Dynatrace synthetic: the on-demand execution \(batch \d{19}\) gave no result within 1 s/,
      );
      // Retention delete holds when the check fails too: no monitor is left running.
      expect([...dynatrace.monitors.values()].map((monitor) => monitor.name)).not.toContain("slogate carts staging");
    } finally {
      dynatrace.seed.syntheticDelayMs = 300;
    }
    // A location Dynatrace cannot run the monitor from: the check could not run, exit 1 with the cause.
    const nowhere = await synthetic(`${deployed.url}/`, ["--location", "GEOLOCATION-0000000000000404"]);
    expect(nowhere.status).toBe(1);
    expect(nowhere.stderr).toContain(
      "Dynatrace synthetic: the monitor slogate carts staging could not be run: Location not found (GEOLOCATION-0000000000000404)",
    );
    const missing = await runCliAsync(["synthetic", ...LABELS], { cwd: tempDir() });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe("slogate: slogate synthetic needs the deployment's --url. Pass --url https://<the deployed service>/\n");
  }, 30_000);
});
