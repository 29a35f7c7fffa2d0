/**
 * Entities as Backstage's catalog API returns them: the stored entity with metadata.uid,
 * metadata.etag and `relations: [{ type, targetRef }]`, optionally cut down to `fields`.
 */
import { createHash } from 'node:crypto';
import lodash from 'lodash';
import type { EntityRow, RelationRow } from '../catalog/queries.js';
import { redactEntity } from '../catalog/secret-annotations.js';
import { inputError } from './errors.js';

export type EntityJson = Record<string, unknown> & { metadata: { name: string; namespace?: string; uid?: string } & Record<string, unknown> };

export function entityJson(row: EntityRow, relations: RelationRow[]): EntityJson {
  // Secret annotations are dropped before anything else reads the entity: filters then cannot
  // match on them either (no guessing a key one filter at a time).
  const stored = redactEntity(row.entity as Record<string, unknown>) as Record<string, unknown> & { metadata: Record<string, unknown> };
  const rels = relations.filter((r) => r.sourceRef === row.ref).map((r) => ({ type: r.type, targetRef: r.targetRef }));
  const body = { ...stored, metadata: { ...stored.metadata, namespace: (stored.metadata.namespace as string | undefined) ?? 'default', uid: row.uid }, relations: rels };
  // The etag changes whenever what a client sees changes: content or relations.
  const etag = createHash('sha256').update(row.contentHash).update(JSON.stringify(rels)).digest('base64url').slice(0, 27);
  return { ...body, metadata: { ...body.metadata, etag } } as unknown as EntityJson;
}

/** `fields=kind,metadata.name` as Backstage applies it: dotted paths, keys that contain dots too. */
export function parseFields(params: string[] | undefined): ((entity: EntityJson) => Record<string, unknown>) | undefined {
  const fields = (params ?? [])
    .flatMap((p) => p.split(','))
    .map((f) => f.trim())
    .filter(Boolean);
  if (!fields.length) return undefined;
  if (fields.some((f) => f.includes('['))) throw inputError('invalid fields, array type fields are not supported');
  return (entity) => {
    const out: Record<string, unknown> = {};
    for (const field of fields) {
      // Walk the path, joining segments while the joined key does not exist, so
      // `metadata.annotations.backstage.io/view-url` finds the annotation key with dots in it.
      const path: string[] = [];
      let pending = '';
      for (const part of field.split('.')) {
        pending = pending ? `${pending}.${part}` : part;
        if (lodash.has(entity, [...path, pending])) {
          path.push(pending);
          pending = '';
        }
      }
      if (pending || !path.length) continue;
      const value = lodash.get(entity, path);
      if (value !== undefined) lodash.set(out, path, value);
    }
    return out;
  };
}
