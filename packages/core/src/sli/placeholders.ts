import type { SliWindow } from "./sli-provider.js";

/** What Keptn's placeholders in sli.yaml queries stand for. */
export interface PlaceholderContext {
  window: SliWindow;
  /** Gate labels; `project`, `stage`, `service` and `deployment` feed the named placeholders. */
  labels: Record<string, string>;
  /** The SLO's `filter` (Keptn customFilters): `$key` and `$KEY` placeholders. */
  filters: Record<string, string>;
  /** For `$ENV.<name>`; absent means that placeholder is not offered. */
  env?: Record<string, string | undefined>;
}

export interface ResolvedQuery {
  query: string;
  /** Placeholders the context had no value for; the query is not sent with a hole in it. */
  missing: string[];
}

/** Window length in whole seconds, rounded up, as Keptn computed it. */
export function windowSeconds(window: SliWindow): number {
  return Math.ceil((Date.parse(window.end) - Date.parse(window.start)) / 1000);
}

/** A Prometheus duration for the window: `1h30m`, `10m`, or seconds when not whole minutes. */
export function promDuration(seconds: number): string {
  if (seconds % 60 !== 0) return `${seconds}s`;
  const hours = Math.floor(seconds / 3600);
  const minutes = (seconds % 3600) / 60;
  return `${hours ? `${hours}h` : ""}${minutes || !hours ? `${minutes}m` : ""}`;
}

const NAMED: Record<string, string> = {
  PROJECT: "project",
  STAGE: "stage",
  SERVICE: "service",
  DEPLOYMENT: "deployment",
  TESTSTRATEGY: "teststrategy",
};

/**
 * Resolves Keptn's placeholders: `$DURATION_SECONDS` (e.g. `600s`), `$DURATION` (e.g. `10m`),
 * `$PROJECT`, `$STAGE`, `$SERVICE`, `$DEPLOYMENT`, `$TESTSTRATEGY`, `$LABEL.<key>`, `$ENV.<name>`,
 * and the SLO filter's keys. A name only matches whole (`$SERVICE` is not read inside
 * `$SERVICENAME`, a collision Keptn's plain string replacement had). Keptn put an empty string
 * where it had no value; here every `$NAME` left over is reported instead, never sent as it is.
 */
export function resolvePlaceholders(query: string, context: PlaceholderContext): ResolvedQuery {
  const seconds = windowSeconds(context.window);
  const values = new Map<string, string>([
    ["DURATION_SECONDS", `${seconds}s`],
    ["DURATION", promDuration(seconds)],
  ]);
  for (const [placeholder, label] of Object.entries(NAMED)) {
    const value = context.labels[label];
    if (value !== undefined) values.set(placeholder, value);
  }
  for (const [key, value] of Object.entries(context.labels)) values.set(`LABEL.${key}`, value);
  for (const [key, value] of Object.entries(context.env ?? {})) if (value !== undefined) values.set(`ENV.${key}`, value);
  for (const [key, value] of Object.entries(context.filters)) {
    // Keptn stripped quotes from filter values before putting them into a query.
    const clean = value.replaceAll("'", "").replaceAll('"', "");
    values.set(key, clean);
    values.set(key.toUpperCase(), clean);
  }
  // Longest names first, and a name only matches whole: $DURATION_SECONDS is not $DURATION
  // followed by "_SECONDS", and $SERVICE is not read inside $SERVICENAME.
  const names = [...new Set([...values.keys(), ...Object.keys(NAMED)])].filter((n) => !/^(LABEL|ENV)\./.test(n));
  names.sort((a, b) => b.length - a.length);
  const known = names.map((n) => n.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  const pattern = new RegExp(`\\$(?:(${known})(?![A-Za-z0-9_])|((?:LABEL|ENV)\\.[A-Za-z0-9_.-]+)|([A-Z][A-Z0-9_]*))`, "g");
  const missing = new Set<string>();
  const resolved = query.replace(pattern, (whole, name?: string, prefixed?: string) => {
    const value = values.get(name ?? prefixed ?? "");
    if (value === undefined) {
      missing.add(whole);
      return whole;
    }
    return value;
  });
  return { query: resolved, missing: [...missing] };
}
