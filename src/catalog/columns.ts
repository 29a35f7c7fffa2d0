/** Columns of the entities table derived from a record, so queries need not dig into jsonb. */
import type { Entity } from '@backstage/catalog-model';
import type { Relation } from './relations.js';

/** What the columns are derived from (a CatalogRecord). */
interface Derivable {
  ref: string;
  entity: Entity;
  relations: Relation[];
}

/** The kind of a ref (`kind:namespace/name`), lower case. */
export const kindOfRef = (ref: string) => ref.slice(0, ref.indexOf(':')).toLowerCase();

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Templates keep their key order (see `entities.definition`); other kinds need not pay for it. */
export function definitionOf(record: Derivable): string | null {
  return record.entity.kind === 'Template' ? JSON.stringify(record.entity) : null;
}

/** Columns derived from an entity, so queries need not dig into jsonb. */
export function columnsOf(record: Derivable) {
  const e = record.entity;
  const spec = (e.spec ?? {}) as Record<string, unknown>;
  const rel = (type: string) => record.relations.find((r) => r.sourceRef === record.ref && r.type === type)?.targetRef ?? null;
  return {
    kind: e.kind.toLowerCase(),
    namespace: (e.metadata.namespace ?? 'default').toLowerCase(),
    name: e.metadata.name.toLowerCase(),
    title: str(e.metadata.title),
    description: str(e.metadata.description),
    ownerRef: rel('ownedBy'),
    type: str(spec.type),
    lifecycle: str(spec.lifecycle),
    systemRef: record.relations.find((r) => r.sourceRef === record.ref && r.type === 'partOf' && r.targetRef.startsWith('system:'))?.targetRef ?? null,
    tags: (e.metadata.tags ?? []).map((t) => String(t)),
  };
}

