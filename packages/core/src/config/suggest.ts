import { distance } from "fastest-levenshtein";

function normalise(key: string): string {
  return key.toLowerCase().replaceAll(/[-_\s]/g, "");
}

/**
 * The known key a mistyped one most likely meant, or undefined when it looks like a deliberate
 * extra. Close means: the same letters apart from case, `-`/`_`, or at most two edits away
 * (one for short keys), so `fail` is not taken for `pass` but `key_sl1` is for `key_sli`.
 */
export function nearestKey(unknown: string, known: readonly string[]): string | undefined {
  const wanted = normalise(unknown);
  let best: { key: string; cost: number } | undefined;
  for (const key of known) {
    const candidate = normalise(key);
    const cost = candidate === wanted ? 0 : distance(candidate, wanted);
    const allowed = Math.min(candidate.length, wanted.length) <= 4 ? 1 : 2;
    if (cost <= allowed && (!best || cost < best.cost)) best = { key, cost };
  }
  return best?.key;
}
