import { formatNumber } from "../result/format-number.js";
import type { ObjectiveResult, SlogateResult } from "../result/result.js";
import { VERSION } from "../version.js";
import { buildHeatmap, type Heatmap, type HeatmapColumn, shortTime } from "./heatmap.js";
import type { RenderOptions, ReportRenderer } from "./report-renderer.js";
import { comparedText, objectiveName, scoredWeight, scoreShare, scoreText, targetsText, valueText, verdictWord } from "./text.js";

/**
 * Status colours, written as SVG presentation attributes rather than CSS: Jenkins serves reports
 * with a CSP that drops inline styles, and attributes still apply there. Mid-tone colours with
 * white text read on light and dark pages alike; a symbol in every cell says the same in words.
 */
export const STATUS_COLORS: Record<string, string> = {
  pass: "#2e7d32",
  warning: "#b45309",
  fail: "#c62828",
  info: "#546e7a",
  none: "#9e9e9e",
};
const SYMBOL: Record<string, string> = { pass: "✓", warning: "!", fail: "✗", info: "i", none: "–" };
const BAND_COLORS = { pass: "#2e7d32", warning: "#b45309" };

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

function statusKey(status: string | null): string {
  return status && status in STATUS_COLORS ? status : "none";
}

/** Fits a label into a fixed width, so long SLI names cannot push a chart apart. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --line: #d1d9e0; --card: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d; --card: #151b23; } }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; padding: 24px; max-width: 1200px; }
h1 { font-size: 24px; margin: 0 0 8px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 6px; } .verdict font { color: #fff; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; color: var(--muted); } dl.meta dt { font-weight: 600; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--card); } td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.status { font-weight: 600; white-space: nowrap; } code { font-size: 12px; word-break: break-all; }
.scroll { overflow-x: auto; } .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 16px; }
figure { margin: 0; padding: 8px; background: var(--card); border: 1px solid var(--line); border-radius: 6px; } figcaption { font-weight: 600; margin-bottom: 4px; }
.legend span { margin-right: 14px; white-space: nowrap; } footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
`;

function statusBadge(status: string): string {
  const key = statusKey(status);
  return `<span class="status status-${key}"><font color="${STATUS_COLORS[key]}">${SYMBOL[key]}</font> ${escapeHtml(status)}</span>`;
}

const CELL_W = 76;
const CELL_H = 30;
const LABEL_W = 230;
const HEAD_H = 48;

function columnTitle(column: HeatmapColumn): string {
  return `${column.current ? "this run" : "run"} ${column.id}${column.time ? ` (${column.time})` : ""}: ${column.result}${column.invalidated ? ", invalidated" : ""}`;
}

/** The heatmap as inline SVG: rows are objectives, columns runs, this run outlined, tooltips in <title>. */
function heatmapSvg(map: Heatmap): string {
  const width = LABEL_W + map.columns.length * CELL_W + 4;
  const height = HEAD_H + map.rows.length * CELL_H + 4;
  const parts: string[] = [
    `<svg id="heatmap" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Heatmap of the last ${map.columns.length} runs: ${map.rows.length} objectives" font-family="system-ui, sans-serif" font-size="12">`,
  ];
  map.columns.forEach((column, c) => {
    const x = LABEL_W + c * CELL_W + CELL_W / 2;
    const decoration = column.invalidated ? ' text-decoration="line-through"' : "";
    parts.push(
      `<g class="column${column.current ? " current" : ""}${column.invalidated ? " invalidated" : ""}" data-run="${escapeHtml(column.id)}"><title>${escapeHtml(columnTitle(column))}</title>` +
        `<text x="${x}" y="18" text-anchor="middle" fill="currentColor" font-size="10"${decoration}${column.current ? ' font-weight="bold"' : ""}>${escapeHtml(column.current ? "this run" : shortTime(column.time) || column.id.slice(0, 8))}</text>` +
        `<text x="${x}" y="34" text-anchor="middle" fill="currentColor" font-size="10" opacity="0.7"${decoration}>${escapeHtml(column.invalidated ? `✗ ${column.id.slice(0, 6)}` : column.id.slice(0, 8))}</text></g>`,
    );
  });
  map.rows.forEach((row, r) => {
    const y = HEAD_H + r * CELL_H;
    parts.push(
      `<g class="row" data-sli="${escapeHtml(row.sli)}"><title>${escapeHtml(row.name)}</title><text x="4" y="${y + CELL_H / 2 + 4}" fill="currentColor">${escapeHtml(clip(row.name, 32))}</text>`,
    );
    row.cells.forEach((cell, c) => {
      const column = map.columns[c] as HeatmapColumn;
      const key = cell.present ? statusKey(cell.status) : "none";
      const value = !cell.present ? "not in this run" : cell.value === null ? "no value" : formatNumber(cell.value);
      const x = LABEL_W + c * CELL_W;
      const tip = `${row.name} · ${columnTitle(column)} · ${cell.present ? (cell.status ?? "no status") : "not evaluated"} · ${value}${cell.value !== null && row.unit ? ` ${row.unit}` : ""}`;
      parts.push(
        `<g class="cell-group"><title>${escapeHtml(tip)}</title>` +
          `<rect class="cell" data-status="${key}" x="${x + 1}" y="${y + 1}" width="${CELL_W - 2}" height="${CELL_H - 2}" rx="3" fill="${STATUS_COLORS[key]}"${column.invalidated ? ' fill-opacity="0.45"' : ""}/>` +
          `<text x="${x + CELL_W / 2}" y="${y + CELL_H / 2 + 4}" text-anchor="middle" fill="#ffffff">${escapeHtml(`${SYMBOL[key]} ${clip(cell.present ? (cell.value === null ? "no value" : formatNumber(cell.value)) : "", 8)}`.trim())}</text></g>`,
      );
    });
    parts.push("</g>");
  });
  const current = map.columns.length - 1;
  parts.push(
    `<rect class="current-outline" x="${LABEL_W + current * CELL_W}" y="${HEAD_H - 6}" width="${CELL_W}" height="${map.rows.length * CELL_H + 8}" fill="none" stroke="currentColor" stroke-width="2" rx="4"/>`,
    "</svg>",
  );
  return parts.join("\n");
}

interface Band {
  low: number;
  high: number;
}

/** The region the absolute targets of this run allow: `<`/`<=` bound it above, `>`/`>=` below. */
function band(targets: ObjectiveResult["passTargets"]): Band | null {
  let low = Number.NEGATIVE_INFINITY;
  let high = Number.POSITIVE_INFINITY;
  for (const target of targets) {
    if (/^<=?/.test(target.criteria)) high = Math.min(high, target.targetValue);
    else if (/^>=?/.test(target.criteria)) low = Math.max(low, target.targetValue);
  }
  return low === Number.NEGATIVE_INFINITY && high === Number.POSITIVE_INFINITY ? null : { low, high };
}

const CHART_W = 420;
const CHART_H = 150;
const PAD = { left: 56, right: 12, top: 10, bottom: 24 };

/** One objective's values across the runs, with this run's pass and warning bands behind them. */
function trendSvg(objective: ObjectiveResult, map: Heatmap, row: Heatmap["rows"][number], index: number): string | null {
  const points = row.cells.map((cell, c) => ({ cell, column: map.columns[c] as HeatmapColumn, c })).filter((p) => p.cell.value !== null);
  if (points.length === 0) return null;
  const pass = band(objective.passTargets);
  const warning = band(objective.warningTargets);
  const values = points.map((p) => p.cell.value as number);
  const finite = [pass, warning].flatMap((b) => (b ? [b.low, b.high] : [])).filter((v) => Number.isFinite(v));
  let min = Math.min(...values, ...finite);
  let max = Math.max(...values, ...finite);
  if (min === max) {
    min -= Math.abs(min) * 0.1 || 1;
    max += Math.abs(max) * 0.1 || 1;
  }
  const span = max - min;
  min -= span * 0.08;
  max += span * 0.08;
  const plotW = CHART_W - PAD.left - PAD.right;
  const plotH = CHART_H - PAD.top - PAD.bottom;
  const x = (c: number) => PAD.left + (map.columns.length === 1 ? plotW / 2 : (c / (map.columns.length - 1)) * plotW);
  const y = (v: number) => PAD.top + plotH - ((v - min) / (max - min)) * plotH;
  const clampY = (v: number) => y(Math.min(max, Math.max(min, v)));
  const bandRect = (b: Band | null, kind: keyof typeof BAND_COLORS) =>
    b
      ? `<rect class="band band-${kind}" x="${PAD.left}" y="${clampY(b.high).toFixed(1)}" width="${plotW}" height="${(clampY(b.low) - clampY(b.high)).toFixed(1)}" fill="${BAND_COLORS[kind]}" fill-opacity="0.14"><title>${kind} band of this run: ${escapeHtml(targetsText(kind === "pass" ? objective.passTargets : objective.warningTargets, objective.comparedWith))}</title></rect>`
      : "";
  const name = objectiveName(objective);
  const parts = [
    `<svg class="trend" id="trend-${index}" xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 ${CHART_W} ${CHART_H}" role="img" aria-label="${escapeHtml(`Trend of ${name} over ${map.columns.length} runs`)}" font-family="system-ui, sans-serif" font-size="11">`,
    bandRect(warning, "warning"),
    bandRect(pass, "pass"),
    `<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${PAD.left + plotW}" y2="${PAD.top + plotH}" stroke="currentColor" stroke-opacity="0.4"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${PAD.top + plotH}" stroke="currentColor" stroke-opacity="0.4"/>`,
    `<text x="${PAD.left - 4}" y="${PAD.top + 8}" text-anchor="end" fill="currentColor">${escapeHtml(formatNumber(Number(max.toPrecision(4))))}</text>`,
    `<text x="${PAD.left - 4}" y="${PAD.top + plotH}" text-anchor="end" fill="currentColor">${escapeHtml(formatNumber(Number(min.toPrecision(4))))}</text>`,
    `<text x="${PAD.left}" y="${CHART_H - 6}" fill="currentColor" opacity="0.7">${escapeHtml(shortTime(map.columns[0]?.time ?? null))}</text>`,
    `<text x="${PAD.left + plotW}" y="${CHART_H - 6}" text-anchor="end" fill="currentColor" opacity="0.7">this run</text>`,
    `<polyline fill="none" stroke="currentColor" stroke-opacity="0.6" stroke-width="1.5" points="${points.map((p) => `${x(p.c).toFixed(1)},${y(p.cell.value as number).toFixed(1)}`).join(" ")}"/>`,
  ];
  for (const p of points) {
    const key = statusKey(p.cell.status);
    parts.push(
      `<circle class="point" data-status="${key}" cx="${x(p.c).toFixed(1)}" cy="${y(p.cell.value as number).toFixed(1)}" r="${p.column.current ? 6 : 4}" fill="${STATUS_COLORS[key]}"${p.column.current ? ' stroke="currentColor" stroke-width="2"' : ""}${p.column.invalidated ? ' fill-opacity="0.45"' : ""}><title>${escapeHtml(`${columnTitle(p.column)} · ${key} · ${formatNumber(p.cell.value as number)}${row.unit ? ` ${row.unit}` : ""}`)}</title></circle>`,
    );
  }
  parts.push("</svg>");
  return `<figure><figcaption>${escapeHtml(name)}${objective.unit ? ` (${escapeHtml(objective.unit)})` : ""}</figcaption>\n${parts.filter(Boolean).join("\n")}\n</figure>`;
}

/**
 * One self-contained HTML file: inline CSS and SVG, no script, no external asset, so it renders
 * as a CI artifact and under Jenkins' Content-Security-Policy (where the CSS is dropped and the
 * SVG attributes still carry every colour).
 */
export const htmlRenderer: ReportRenderer = {
  format: "html",
  render(result: SlogateResult, options: RenderOptions = {}): string {
    const map = buildHeatmap(result, options.recent ?? []);
    const verdict = statusKey(result.result === "pass" ? "pass" : result.result === "warning" ? "warning" : "fail");
    const labels = Object.entries(result.labels);
    const totalWeight = scoredWeight(result.objectives);
    const title = `slogate: ${verdictWord(result)} (score ${formatNumber(result.score)})`;
    const trends = result.objectives
      .map((objective, i) => trendSvg(objective, map, map.rows[i] as Heatmap["rows"][number], i))
      .filter(Boolean);
    const html = [
      "<!doctype html>",
      '<html lang="en">',
      "<head>",
      '<meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      `<title>${escapeHtml(title)}</title>`,
      `<style>${STYLE}</style>`,
      "</head>",
      "<body>",
      '<header id="summary">',
      `<h1><span class="verdict" style="background:${STATUS_COLORS[verdict]}"><font color="${STATUS_COLORS[verdict]}">${SYMBOL[verdict]} ${verdictWord(result)}</font></span> score ${escapeHtml(formatNumber(result.score))}</h1>`,
      result.message ? `<p class="message">${escapeHtml(result.message)}</p>` : "",
      '<dl class="meta">',
      `<dt>Window</dt><dd>${escapeHtml(result.window.start || "–")} → ${escapeHtml(result.window.end || "–")}</dd>`,
      labels.length > 0
        ? `<dt>Labels</dt><dd>${labels.map(([k, v]) => `<code>${escapeHtml(k)}=${escapeHtml(v)}</code>`).join(" ")}</dd>`
        : "",
      `<dt>Result id</dt><dd><code>${escapeHtml(result.id)}</code></dd>`,
      `<dt>Evaluated</dt><dd>${escapeHtml(result.time)}</dd>`,
      "</dl>",
      "</header>",
      '<section id="objectives"><h2>Objectives</h2><div class="scroll"><table>',
      "<thead><tr><th>Status</th><th>Objective</th><th>Value</th><th>Compared</th><th>Pass targets</th><th>Warning targets</th><th>Score</th></tr></thead><tbody>",
      ...result.objectives.map(
        (o) =>
          `<tr data-sli="${escapeHtml(o.sli)}"><td>${statusBadge(o.status)}${o.keySli ? " (key)" : ""}</td><td>${escapeHtml(objectiveName(o))}</td><td class="num">${escapeHtml(valueText(o))}</td><td class="num">${escapeHtml(comparedText(o))}</td><td>${escapeHtml(targetsText(o.passTargets, o.comparedWith))}</td><td>${escapeHtml(targetsText(o.warningTargets, o.comparedWith))}</td><td class="num">${escapeHtml(scoreText(o))}</td></tr>`,
      ),
      "</tbody></table></div></section>",
      `<section id="heatmap-section"><h2>Last ${map.columns.length} run${map.columns.length === 1 ? "" : "s"}</h2>`,
      `<p class="legend">${["pass", "warning", "fail", "info"].map((s) => `<span><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" rx="2" fill="${STATUS_COLORS[s]}"/></svg> ${SYMBOL[s]} ${s}</span>`).join("")}<span>struck through: invalidated run</span><span>outlined: this run</span></p>`,
      `<div class="scroll">${heatmapSvg(map)}</div></section>`,
      trends.length > 0
        ? `<section id="trends"><h2>Trends</h2><p class="legend"><span>shaded: pass (green) and warning (amber) bands of this run's targets</span></p><div class="charts">\n${trends.join("\n")}\n</div></section>`
        : "",
      '<section id="explanations"><h2>Why each objective scored as it did</h2><div class="scroll"><table>',
      "<thead><tr><th>Objective</th><th>Query</th><th>Value</th><th>Compared with</th><th>Decided by</th><th>Share of the score</th></tr></thead><tbody>",
      ...result.objectives.map(
        (o) =>
          `<tr><td>${escapeHtml(objectiveName(o))}</td><td><code>${escapeHtml(o.query ?? "–")}</code></td><td class="num">${escapeHtml(valueText(o))}${o.error ? ` (${escapeHtml(o.error)})` : ""}</td><td>${o.comparedValue === null ? "–" : `${escapeHtml(formatNumber(o.comparedValue))} from ${o.comparedWith.map((id) => `<code>${escapeHtml(id)}</code>`).join(", ")}`}</td><td>${escapeHtml(o.explanation)}</td><td>${escapeHtml(scoreShare(o, totalWeight))}</td></tr>`,
      ),
      "</tbody></table></div></section>",
      `<footer>slogate ${escapeHtml(VERSION)} · result schema ${result.schemaVersion}</footer>`,
      "</body>",
      "</html>",
    ];
    return `${html.filter(Boolean).join("\n")}\n`;
  },
};
