import type { CatalogSnapshot, SnapshotIndex } from './types.js';

/** Relation types the rules follow (both directions are stored, so outgoing edges are enough). */
const FOLLOWED = new Set(['hasMember', 'parentOf', 'dependencyOf', 'apiConsumedBy', 'providesApi']);

export function indexSnapshot(snapshot: CatalogSnapshot): SnapshotIndex {
  const byRef = new Map(snapshot.entities.map((e) => [e.ref, e]));
  const outgoing = new Map<string, Map<string, string[]>>();
  for (const r of snapshot.relations) {
    if (!FOLLOWED.has(r.type)) continue;
    let byType = outgoing.get(r.type);
    if (!byType) outgoing.set(r.type, (byType = new Map()));
    const list = byType.get(r.sourceRef);
    if (list) list.push(r.targetRef);
    else byType.set(r.sourceRef, [r.targetRef]);
  }
  return { byRef, outgoing };
}

export function related(index: SnapshotIndex, type: string, ref: string): string[] {
  return index.outgoing.get(type)?.get(ref) ?? [];
}

/** Kinds that have an owner and are scored. */
export const OWNED_KINDS = new Set(['component', 'api', 'resource', 'system', 'domain', 'template']);
