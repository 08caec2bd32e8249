import { SlogateError } from "./errors.js";

export interface WindowRequest {
  start?: string;
  end?: string;
  /** Keptn-style duration: `10m`, `1h30m`, `2d`. */
  timeframe?: string;
  /** Used when nothing else is given (Keptn falls back to the test's start/end). */
  fallback?: { start?: string; end?: string };
}

export interface TimeWindow {
  start: string;
  end: string;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A Keptn-style timeframe in milliseconds. */
export function parseTimeframe(text: string): number {
  const compact = text.trim();
  if (!/^(\d+(?:\.\d+)?(ms|s|m|h|d))+$/.test(compact)) {
    throw new SlogateError("INVALID_USAGE", `timeframe ${JSON.stringify(text)} is not a duration`, {
      suggestion: 'Use a number and a unit, e.g. "10m", "1h30m" or "2d"',
    });
  }
  let total = 0;
  for (const match of compact.matchAll(DURATION_PART)) total += Number(match[1]) * (UNIT_MS[match[2] ?? "ms"] ?? 0);
  return total;
}

export function parseTime(text: string, what: string): string {
  const time = Date.parse(text);
  if (Number.isNaN(time)) {
    throw new SlogateError("INVALID_USAGE", `${what} ${JSON.stringify(text)} is not a time`, {
      suggestion: "Use ISO 8601, e.g. 2024-05-01T10:00:00Z",
    });
  }
  return new Date(time).toISOString();
}

/**
 * The evaluation window, with Keptn's precedence: explicit start and end, or a timeframe (ending
 * at `end`, starting at `start`, or ending now), else the fallback (a test's start and end).
 */
export function resolveWindow(request: WindowRequest, now: Date): TimeWindow {
  let window: TimeWindow;
  if (request.timeframe !== undefined) {
    const length = parseTimeframe(request.timeframe);
    if (request.start !== undefined) {
      const start = parseTime(request.start, "start");
      window = { start, end: new Date(Date.parse(start) + length).toISOString() };
    } else {
      const end = request.end !== undefined ? Date.parse(parseTime(request.end, "end")) : now.getTime();
      window = { start: new Date(end - length).toISOString(), end: new Date(end).toISOString() };
    }
  } else if (request.start !== undefined && request.end !== undefined) {
    window = { start: parseTime(request.start, "start"), end: parseTime(request.end, "end") };
  } else if (request.start !== undefined || request.end !== undefined) {
    throw new SlogateError(
      "INVALID_USAGE",
      `a window needs both start and end (only ${request.start !== undefined ? "start" : "end"} was given)`,
      {
        suggestion: "Give both --start and --end, or --timeframe",
      },
    );
  } else if (request.fallback?.start && request.fallback.end) {
    window = { start: parseTime(request.fallback.start, "start"), end: parseTime(request.fallback.end, "end") };
  } else {
    throw new SlogateError("INVALID_USAGE", "no evaluation timeframe was given", {
      suggestion: "Give --start and --end, or --timeframe (e.g. 10m)",
    });
  }
  if (Date.parse(window.start) > Date.parse(window.end)) {
    throw new SlogateError("INVALID_USAGE", `the window starts (${window.start}) after it ends (${window.end})`, {
      suggestion: "Swap start and end",
    });
  }
  return window;
}

/**
 * The window of an evaluation: the one asked for, else the moment of evaluation — values
 * measured elsewhere may then state their own window (`windowFromValues`).
 */
export function evaluationWindow(request: WindowRequest, now: Date): { window: TimeWindow; windowFromValues: boolean } {
  const explicit = Object.keys(request).length > 0;
  const moment = now.toISOString();
  return { window: resolveWindow(explicit ? request : { fallback: { start: moment, end: moment } }, now), windowFromValues: !explicit };
}
