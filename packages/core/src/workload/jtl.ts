import { parse } from "csv-parse/sync";
import { SlogateError } from "../errors.js";
import { percentileOfSorted, RESPONSE_TIME_PERCENTILES, Reservoir, requestMetrics } from "./request-metrics.js";
import type { WorkloadOutcome } from "./workload-runner.js";

/** Column orders JMeter writes without a header line, by column count. */
const HEADERLESS_LAYOUTS: Record<number, string[]> = {
  // JMeter 2.13's default save configuration.
  12: "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,bytes,grpThreads,allThreads,Latency".split(","),
  // JMeter 5.x's default save configuration.
  17: "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect".split(
    ",",
  ),
};

interface Sample {
  start: number;
  elapsed: number;
  label: string;
  success: boolean;
}

function jtlError(file: string, line: number, message: string): SlogateError {
  return new SlogateError("INVALID_INPUT", message, {
    position: { file, line, column: 1 },
    suggestion: "Write the JTL as CSV (jmeter.save.saveservice.output_format=csv), ideally with print_field_names=true",
  });
}

function readSamples(text: string, file: string): Sample[] {
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, relax_column_count: true, relax_quotes: true }) as string[][];
  } catch (error) {
    throw jtlError(file, (error as { lines?: number }).lines ?? 1, `JTL ${file} is not CSV: ${(error as Error).message}`);
  }
  const first = rows[0];
  if (!first) return [];
  const hasHeader = first.includes("elapsed") && first.includes("label");
  const columns = hasHeader ? first : HEADERLESS_LAYOUTS[first.length];
  if (!columns) {
    throw jtlError(file, 1, `JTL ${file} has no header line and ${first.length} columns, which is not a layout JMeter writes by default`);
  }
  const index = (name: string) => columns.indexOf(name);
  const [timeStamp, elapsed, label, success] = ["timeStamp", "elapsed", "label", "success"].map(index) as [number, number, number, number];
  if (elapsed < 0 || label < 0 || success < 0 || timeStamp < 0) {
    throw jtlError(file, 1, `JTL ${file} lacks one of the columns timeStamp, elapsed, label, success`);
  }
  return rows.slice(hasHeader ? 1 : 0).map((row, i) => {
    const line = i + (hasHeader ? 2 : 1);
    const time = row[timeStamp] ?? "";
    const start = /^\d+$/.test(time) ? Number(time) : Date.parse(time);
    const took = Number(row[elapsed]);
    if (!Number.isFinite(start) || !Number.isFinite(took)) {
      throw jtlError(
        file,
        line,
        `JTL ${file} line ${line}: timeStamp ${JSON.stringify(time)} or elapsed ${JSON.stringify(row[elapsed])} is not a number`,
      );
    }
    return { start, elapsed: took, label: row[label] ?? "", success: (row[success] ?? "").toLowerCase() === "true" };
  });
}

/** First start and last end; a loop, since a long test has more samples than a spread allows. */
function span(samples: readonly Sample[]): { first: number; last: number } {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const sample of samples) {
    first = Math.min(first, sample.start);
    last = Math.max(last, sample.start + sample.elapsed);
  }
  return { first, last };
}

function tally(samples: readonly Sample[]) {
  const sorted = Float64Array.from(samples, (s) => s.elapsed).sort();
  const { first, last } = span(samples);
  return {
    requests: samples.length,
    errors: samples.filter((s) => !s.success).length,
    durationSeconds: (last - first) / 1000,
    percentiles: Object.fromEntries(RESPONSE_TIME_PERCENTILES.map((p) => [p, percentileOfSorted(sorted, p) ?? 0])),
    meanMs: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
}

export interface JtlSummary extends Pick<WorkloadOutcome, "metrics" | "units"> {
  samples: number;
  /** A uniform sample of the elapsed times, as the response-time SLIs' samples. */
  kept: Record<string, number[]>;
  /** The window the samples cover. */
  window: { start: string; end: string } | null;
}

/**
 * A JMeter results file (CSV JTL, with or without a header line) as SLIs: `response_time_p50/
 * p90/p95/p99` (elapsed, ms), `error_rate`, `throughput`, `requests`, `errors` over all samples,
 * and the same per label as `<name>:<label>`.
 */
export function parseJtl(text: string, file: string): JtlSummary {
  const samples = readSamples(text, file);
  if (samples.length === 0) return { samples: 0, window: null, metrics: {}, units: {}, kept: {} };
  const overall = requestMetrics(tally(samples));
  const byLabel = new Map<string, Sample[]>();
  for (const sample of samples) {
    const group = byLabel.get(sample.label);
    if (group) group.push(sample);
    else byLabel.set(sample.label, [sample]);
  }
  for (const [label, group] of byLabel) {
    const perLabel = requestMetrics(tally(group), `:${label}`);
    Object.assign(overall.metrics, perLabel.metrics);
    Object.assign(overall.units, perLabel.units);
  }
  const reservoir = new Reservoir();
  for (const sample of samples) reservoir.add(sample.elapsed);
  const { first, last } = span(samples);
  return {
    kept: reservoir.responseTimeSamples(),
    samples: samples.length,
    window: { start: new Date(first).toISOString(), end: new Date(last).toISOString() },
    ...overall,
  };
}
