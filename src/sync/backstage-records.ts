/**
 * A Backstage catalog entity, as its API serves it, to a catalog record. Backstage has already
 * processed it (placeholders resolved, Locations followed, location annotations set, relations
 * emitted by its processors), so nothing is recomputed: its uid, annotations and relations are
 * kept. It is still validated with Backstage's own model, as every entity Callsheet stores is; one
 * Callsheet cannot read (a kind from a plugin it does not know, say) is a problem on that entity.
 */
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { BackstageEntity } from '../backstage/client.js';
import { refOf } from '../catalog/refs.js';
import type { Relation } from '../catalog/relations.js';
import type { CatalogRecord } from '../catalog/store.js';
import { validateEntity } from '../catalog/validate.js';
import { contentHash } from './hash.js';

const VIEW_URL = 'backstage.io/view-url';

/** The ref an entity of a listing stands for (lower case, as stored), or undefined when it names none. */
export function listedRef(entity: BackstageEntity): string | undefined {
  const { kind } = entity;
  const name = entity.metadata?.name;
  if (typeof kind !== 'string' || typeof name !== 'string' || !kind || !name) return undefined;
  const namespace = typeof entity.metadata.namespace === 'string' && entity.metadata.namespace ? entity.metadata.namespace : 'default';
  return `${kind}:${namespace}/${name}`.toLowerCase();
}

function relationsOf(self: string, raw: BackstageEntity['relations']): Relation[] | string {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return 'relations is not a list';
  const out = new Map<string, Relation>();
  for (const r of raw) {
    if (!r || typeof r.type !== 'string' || !r.type) return 'a relation has no type';
    // Older Backstages serve `target: { kind, namespace, name }` beside (or instead of) `targetRef`.
    let target: string;
    try {
      target = stringifyEntityRef(typeof r.targetRef === 'string' ? parseEntityRef(r.targetRef) : r.target!).toLowerCase();
    } catch {
      return `relation ${r.type} has no target ref Callsheet can read`;
    }
    out.set(`${r.type} ${target}`, { sourceRef: self, type: r.type, targetRef: target });
  }
  return [...out.values()];
}

/** `filePath` is where the record lives in the source: the entity's ref. */
export async function backstageRecord(raw: BackstageEntity, filePath: string): Promise<{ record: CatalogRecord } | { error: string }> {
  const { relations: rawRelations, status: _status, ...rest } = raw;
  const { uid, etag: _etag, generation: _generation, ...metadata } = (rest.metadata ?? {}) as BackstageEntity['metadata'] & { generation?: unknown };
  const validation = await validateEntity({ ...rest, metadata });
  if (!validation.ok) return { error: validation.message };
  const entity = validation.entity;
  const ref = refOf(entity);
  const relations = relationsOf(ref, rawRelations);
  if (typeof relations === 'string') return { error: `${ref}: ${relations}` };
  const viewUrl = entity.metadata.annotations?.[VIEW_URL];
  return {
    record: {
      ref,
      entity,
      relations,
      filePath,
      ...(typeof viewUrl === 'string' && /^https?:\/\//.test(viewUrl) ? { fileUrl: viewUrl } : {}),
      // Relations are part of what changed: a new owner elsewhere gives a Group a new `ownerOf`.
      contentHash: contentHash({ entity, relations, uid: uid ?? null }),
      ...(typeof uid === 'string' && uid ? { uid } : {}),
    },
  };
}
