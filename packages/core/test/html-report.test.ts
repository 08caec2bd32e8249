/// <reference lib="dom" />
import { mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { STATUS_COLORS } from "../src/report/html.js";
import { REPO_ROOT, runCliAsync, runInProcess, tempDir, writeFiles } from "./support.js";

const RUNS = 30;
const CHROMIUM = "/usr/bin/chromium";
const SLO = stringify({
  spec_version: "1.0",
  comparison: {
    compare_with: "single_result",
    include_result_with_score: "pass",
    number_of_comparison_results: 1,
    aggregate_function: "avg",
  },
  objectives: [
    {
      sli: "response_time_p95",
      displayName: "Response time P95 (ms)",
      pass: [{ criteria: ["<200"] }],
      warning: [{ criteria: ["<300"] }],
      weight: 2,
    },
    { sli: "error_rate", displayName: "Error rate", key_sli: true, pass: [{ criteria: ["<=0.01"] }] },
    { sli: "throughput", displayName: "Throughput", pass: [{ criteria: [">=100"] }] },
    { sli: "cpu", displayName: "CPU (%)" },
  ],
  total_score: { pass: "90%", warning: "60%" },
});

/** Run i's values: mostly fine, every 7th slow (warning), every 11th failing on errors. */
function values(i: number): Record<string, number> {
  return {
    response_time_p95: i % 7 === 3 ? 250 + i : 120 + ((i * 13) % 60),
    error_rate: i % 11 === 5 ? 0.05 : 0.001 * (i % 5),
    throughput: 150 + ((i * 17) % 40),
    cpu: 30 + (i % 9),
  };
}

function rgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

let directory: string;
let html: string;
let browser: Browser;
const expected: Array<Record<string, string>> = [];
let invalidatedId = "";

beforeAll(async () => {
  directory = tempDir();
  writeFiles(directory, { "slo.yaml": SLO });
  // 30 stored runs, written by the CLI in-process (fast), one of them invalidated afterwards.
  for (let i = 0; i < RUNS; i++) {
    writeFiles(directory, { "values.json": JSON.stringify(values(i)) });
    const start = new Date(Date.UTC(2026, 10, 1 + Math.floor(i / 3), 8 + (i % 3) * 4)).toISOString();
    const stored = await runInProcess(
      [
        "evaluate",
        "--slo",
        "slo.yaml",
        "--sli-values",
        "values.json",
        "--history",
        "h.jsonl",
        "--store",
        "--format",
        "json",
        "--start",
        start,
        "--timeframe",
        "10m",
      ],
      directory,
    );
    const result = JSON.parse(stored.stdout);
    expected.push(Object.fromEntries(result.objectives.map((o: { sli: string; status: string }) => [o.sli, o.status])));
    if (i === 12) invalidatedId = result.id;
  }
  await runInProcess(["history", "invalidate", invalidatedId, "--history", "h.jsonl", "--reason", "noisy environment"], directory);
  const run = await runCliAsync(["report", "--history", "h.jsonl", "--html", "report.html", "--format", "json"], { cwd: directory });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  html = readFileSync(join(directory, "report.html"), "utf8");
  browser = await chromium.launch({ executablePath: CHROMIUM });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

async function open(url: string, colorScheme: "light" | "dark" = "light") {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("request", (request) => requests.push(request.url()));
  await page.goto(url);
  return { page, errors, requests };
}

async function cellStatuses(page: Page) {
  return page.$$eval("svg#heatmap rect.cell", (cells) =>
    cells.map((cell) => ({ status: cell.getAttribute("data-status"), fill: getComputedStyle(cell).fill })),
  );
}

describe("HTML report in a real browser (Debian's chromium)", () => {
  it("is one self-contained file: no script, no external asset", () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(/i);
  });

  it("draws the heatmap of the last 30 runs, cells coloured by status, this run outlined and an invalidated run marked", async () => {
    const url = pathToFileURL(join(directory, "report.html")).href;
    const { page, errors, requests } = await open(url);
    expect(await page.locator("svg#heatmap g.row").count()).toBe(4);
    expect(await page.locator("svg#heatmap g.column").count()).toBe(RUNS);
    const cells = await cellStatuses(page);
    expect(cells).toHaveLength(4 * RUNS);
    // Rows are objectives, columns runs oldest first: cell (row, column) is that run's status.
    const slis = ["response_time_p95", "error_rate", "throughput", "cpu"];
    const wanted = slis.flatMap((sli) => expected.map((run) => run[sli]));
    expect(cells.map((c) => c.status)).toEqual(wanted);
    for (const cell of cells) expect(cell.fill).toBe(rgb(STATUS_COLORS[cell.status ?? "none"] ?? ""));
    expect(new Set(wanted)).toEqual(new Set(["pass", "warning", "fail", "info"]));
    expect(await page.locator("svg#heatmap g.column.current").count()).toBe(1);
    expect(await page.locator("svg#heatmap rect.current-outline").count()).toBe(1);
    const invalidated = page.locator("svg#heatmap g.column.invalidated");
    expect(await invalidated.count()).toBe(1);
    expect(await invalidated.getAttribute("data-run")).toBe(invalidatedId);
    expect(await invalidated.locator("title").textContent()).toContain("invalidated");
    // Trend charts: one per objective with values, with this run's bands behind the points.
    expect(await page.locator("svg.trend").count()).toBe(4);
    expect(await page.locator("svg#trend-0 circle.point").count()).toBe(RUNS);
    expect(await page.locator("svg#trend-0 rect.band-pass").count()).toBe(1);
    expect(await page.locator("svg#trend-0 rect.band-warning").count()).toBe(1);
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    mkdirSync(join(REPO_ROOT, "test-results"), { recursive: true });
    await page.screenshot({ path: join(REPO_ROOT, "test-results", "html-report.png"), fullPage: true });
    await page.close();
  }, 60_000);

  it("reads in dark mode: dark page, light text, the same status colours", async () => {
    const { page, errors } = await open(pathToFileURL(join(directory, "report.html")).href, "dark");
    const body = await page.evaluate(() => ({
      background: getComputedStyle(document.body).backgroundColor,
      color: getComputedStyle(document.body).color,
    }));
    expect(body).toEqual({ background: "rgb(13, 17, 23)", color: "rgb(230, 237, 243)" });
    const cells = await cellStatuses(page);
    for (const cell of cells) expect(cell.fill).toBe(rgb(STATUS_COLORS[cell.status ?? "none"] ?? ""));
    expect(errors).toEqual([]);
    await page.screenshot({ path: join(REPO_ROOT, "test-results", "html-report-dark.png"), fullPage: true });
    await page.close();
  }, 60_000);

  it("keeps its colours under Jenkins' default Content-Security-Policy (inline CSS dropped)", async () => {
    const server = createServer((_request, response) => {
      response.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": "sandbox; default-src 'none'; img-src 'self'; style-src 'self';",
      });
      response.end(html);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/report.html`;
    try {
      const { page, requests } = await open(url);
      const cells = await cellStatuses(page);
      expect(cells).toHaveLength(4 * RUNS);
      for (const cell of cells) expect(cell.fill).toBe(rgb(STATUS_COLORS[cell.status ?? "none"] ?? ""));
      expect(requests).toEqual([url]);
      await page.close();
    } finally {
      server.close();
    }
  }, 60_000);
});

describe("slogate report", () => {
  it("rebuilds the Markdown heatmap from the history, 10 runs", async () => {
    const run = await runCliAsync(["report", "--history", "h.jsonl", "--format", "markdown"], { cwd: directory });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("### Last 11 runs");
  });

  it("refuses an unknown id with what to do", async () => {
    const run = await runCliAsync(["report", "--history", "h.jsonl", "--id", "nope", "--html", "x.html"], { cwd: directory });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe("slogate: result nope is not in h.jsonl. Run `slogate history list` to see the stored result ids");
  });
});

it("the repository's screenshot of the report exists for the README", () => {
  expect(
    readFileSync(join(REPO_ROOT, "docs", "images", "html-report.png"))
      .subarray(1, 4)
      .toString(),
  ).toBe("PNG");
});
