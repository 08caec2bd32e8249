/**
 * Objects a gate owns in Dynatrace (metric events, SLOs): each named `<prefix> <sli>`, the name
 * being the gate's identity there. Pure: the changes that make Dynatrace's objects the desired ones.
 */

export type OwnedChange<V> =
  | { kind: "create"; sli: string; value: V }
  | { kind: "update"; sli: string; objectId: string; value: V }
  | { kind: "unchanged"; sli: string; objectId: string }
  | { kind: "delete"; sli: string; objectId: string }
  | { kind: "kept"; sli: string; objectId: string };

export interface OwnedKind<V> {
  /** The object's name, which carries the gate's prefix. */
  nameOf(value: Partial<V>): string | undefined;
  /** The fields slogate sets, in a fixed order: what "unchanged" compares. */
  essence(value: Partial<V>): string;
}

/**
 * Create what is missing, update what differs in the fields slogate sets, delete (with prune) or
 * keep what no objective wants any more; objects without the gate's prefix are never touched.
 */
export function planOwnedObjects<V>(
  kind: OwnedKind<V>,
  desired: ReadonlyArray<{ sli: string; value: V | null }>,
  existing: ReadonlyArray<{ objectId: string; value: Partial<V> }>,
  prefix: string,
  prune: boolean,
): Array<OwnedChange<V>> {
  const ours = existing.filter((object) => kind.nameOf(object.value)?.startsWith(`${prefix} `));
  const byName = new Map(ours.map((object) => [kind.nameOf(object.value) as string, object]));
  const changes: Array<OwnedChange<V>> = [];
  const wanted = new Set<string>();
  for (const { sli, value } of desired) {
    if (!value) continue;
    const name = kind.nameOf(value) as string;
    wanted.add(name);
    const current = byName.get(name);
    if (!current) changes.push({ kind: "create", sli, value });
    else if (kind.essence(current.value) === kind.essence(value)) changes.push({ kind: "unchanged", sli, objectId: current.objectId });
    else changes.push({ kind: "update", sli, objectId: current.objectId, value });
  }
  for (const object of ours) {
    const name = kind.nameOf(object.value) as string;
    if (wanted.has(name)) continue;
    changes.push({ kind: prune ? "delete" : "kept", sli: name.slice(prefix.length + 1), objectId: object.objectId });
  }
  return changes;
}
