import type { SliWindow } from "./sli-provider.js";

/** What Keptn's placeholders in sli.yaml queries stand for. */
export interface PlaceholderContext {
  window: SliWindow;
  /** Gate labels; `project`, `stage`, `service` and `deployment` feed the named placeholders. */
  labels: Record<string, string>;
  /** The SLO's `filter` (Keptn customFilters): `$key` and `$KEY` placeholders. */
  filters: Record<string, string>;
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

const NAMED: Record<string, string> = { PROJECT: "project", STAGE: "stage", SERVICE: "service", DEPLOYMENT: "deployment" };

/**
 * Resolves Keptn's placeholders: `$DURATION_SECONDS` (e.g. `600s`), `$DURATION` (e.g. `10m`),
 * `$PROJECT`, `$STAGE`, `$SERVICE`, `$DEPLOYMENT`, `$LABEL.<key>`, and the SLO filter's keys.
 * Keptn put an empty string where it had no value; here such a placeholder is reported instead.
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
  for (const [key, value] of Object.entries(context.filters)) {
    // Keptn stripped quotes from filter values before putting them into a query.
    const clean = value.replaceAll("'", "").replaceAll('"', "");
    values.set(key, clean);
    values.set(key.toUpperCase(), clean);
  }
  // Longest names first, so $DURATION_SECONDS is not read as $DURATION followed by "_SECONDS".
  const names = [...new Set([...values.keys(), ...Object.keys(NAMED)])].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(
    `\\$(${names.map((n) => n.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")}|LABEL\\.[A-Za-z0-9_.-]+)`,
    "g",
  );
  const missing = new Set<string>();
  const resolved = query.replace(pattern, (whole, name: string) => {
    const value = values.get(name);
    if (value === undefined) {
      missing.add(whole);
      return whole;
    }
    return value;
  });
  return { query: resolved, missing: [...missing] };
}
