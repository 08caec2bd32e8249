import type { MetricsParameters } from "./query.js";

/**
 * Dynatrace answers up to 10 metric selectors in one metrics query (comma-separated), one
 * collection per selector. SLIs whose queries differ only in their metric selector — the same
 * entity selector, management zone and resolution over the same window — can share a request.
 */
export const MAX_SELECTORS_PER_REQUEST = 10;
/** The metricSelector parameter's documented length limit. */
export const MAX_SELECTOR_LENGTH = 5000;

export interface BatchMember<T> {
  key: T;
  parameters: MetricsParameters;
}

/** What must be equal for two metrics queries to share a request: everything but the selector. */
function sharedPart(parameters: MetricsParameters): string {
  const { metricSelector: _selector, ...rest } = parameters;
  return JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Groups metrics queries into batches: queries that share everything but the selector, at most
 * MAX_SELECTORS_PER_REQUEST selectors and MAX_SELECTOR_LENGTH characters per batch, each selector
 * once. A query alone in its group stays a batch of one.
 */
export function batchMetricsQueries<T>(members: ReadonlyArray<BatchMember<T>>): Array<Array<BatchMember<T>>> {
  const groups = new Map<string, Array<BatchMember<T>>>();
  for (const member of members) {
    const shared = sharedPart(member.parameters);
    const group = groups.get(shared) ?? [];
    group.push(member);
    groups.set(shared, group);
  }
  const batches: Array<Array<BatchMember<T>>> = [];
  for (const group of groups.values()) {
    let batch: Array<BatchMember<T>> = [];
    for (const member of group) {
      const selectors = selectorsOf([...batch, member]);
      if (batch.length > 0 && (selectors.length > MAX_SELECTORS_PER_REQUEST || selectors.join(",").length > MAX_SELECTOR_LENGTH)) {
        batches.push(batch);
        batch = [];
      }
      batch.push(member);
    }
    if (batch.length > 0) batches.push(batch);
  }
  return batches;
}

/** The batch's selectors, each once, in order: the request's metricSelector list. */
export function selectorsOf<T>(batch: ReadonlyArray<BatchMember<T>>): string[] {
  return [...new Set(batch.map((member) => member.parameters.metricSelector))];
}

/**
 * Dynatrace echoes each selector as the collection's metricId, though not always in the
 * request's spelling (spaces dropped, `~` escapes); collections come in any order. Matched by
 * that echo, never by position; null when a selector has no collection of its own.
 */
export function collectionFor<C extends { metricId?: string }>(selector: string, collections: readonly C[]): C | null {
  const plain = (text: string) => text.replace(/\s+/g, "");
  const loose = (text: string) => plain(text).replace(/~(.)/g, "$1");
  const exact = collections.filter((collection) => plain(collection.metricId ?? "") === plain(selector));
  if (exact.length === 1) return exact[0] as C;
  const near = collections.filter((collection) => loose(collection.metricId ?? "") === loose(selector));
  return near.length === 1 ? (near[0] as C) : null;
}
