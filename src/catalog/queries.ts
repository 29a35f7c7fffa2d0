/**
 * Read queries over the stored catalog. Every look-up by ref or name is one indexed query; nothing
 * here scans the whole table.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { entities, relations } from '../db/schema.js';

export type EntityRow = typeof entities.$inferSelect;
export type RelationRow = { sourceRef: string; type: string; targetRef: string };

const CHUNK = 1000;

export async function getEntity(db: Db, ref: string): Promise<EntityRow | undefined> {
  const [row] = await db.select().from(entities).where(eq(entities.ref, ref.toLocaleLowerCase('en-US'))).limit(1);
  return row;
}

/** Entities by ref, keyed by ref; refs that are not stored are simply absent. */
export async function getEntities(db: Db, refs: Iterable<string>): Promise<Map<string, EntityRow>> {
  const wanted = [...new Set([...refs].map((r) => r.toLocaleLowerCase('en-US')))];
  const out = new Map<string, EntityRow>();
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const part = wanted.slice(i, i + CHUNK);
    for (const row of await db.select().from(entities).where(inArray(entities.ref, part))) out.set(row.ref, row);
  }
  return out;
}

/** Entities with this (lower-cased) name, optionally in one namespace and of some kinds. */
export async function entitiesNamed(db: Db, name: string, options: { namespace?: string; kinds?: string[]; limit?: number } = {}): Promise<EntityRow[]> {
  const conditions = [eq(entities.name, name.toLocaleLowerCase('en-US'))];
  if (options.namespace) conditions.push(eq(entities.namespace, options.namespace.toLocaleLowerCase('en-US')));
  if (options.kinds?.length) conditions.push(inArray(entities.kind, options.kinds));
  return db
    .select()
    .from(entities)
    .where(and(...conditions))
    .orderBy(entities.ref)
    .limit(options.limit ?? 50);
}

/** Relations whose source is one of `refs`, optionally of some types. */
export async function relationsFrom(db: Db, refs: Iterable<string>, types?: string[]): Promise<RelationRow[]> {
  const wanted = [...new Set(refs)];
  const out: RelationRow[] = [];
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const part = wanted.slice(i, i + CHUNK);
    const where = types?.length ? and(inArray(relations.sourceRef, part), inArray(relations.type, types)) : inArray(relations.sourceRef, part);
    const rows = await db
      .selectDistinct({ sourceRef: relations.sourceRef, type: relations.type, targetRef: relations.targetRef })
      .from(relations)
      .where(where)
      .orderBy(relations.sourceRef, relations.type, relations.targetRef);
    out.push(...rows);
  }
  return out;
}

/** Targets of one relation type from one entity, sorted. */
export async function related(db: Db, ref: string, type: string): Promise<string[]> {
  return (await relationsFrom(db, [ref], [type])).map((r) => r.targetRef);
}

/** Entities owned by any of `ownerRefs`, ordered by kind then name, at most `limit`. */
export async function ownedBy(db: Db, ownerRefs: string[], limit = 500): Promise<EntityRow[]> {
  if (!ownerRefs.length) return [];
  return db.select().from(entities).where(inArray(entities.ownerRef, ownerRefs)).orderBy(entities.kind, entities.name).limit(limit);
}

/** Owned-entity counts per kind (the whole picture even when the listed rows are bounded). */
export async function ownedCounts(db: Db, ownerRefs: string[]): Promise<Map<string, number>> {
  if (!ownerRefs.length) return new Map();
  const rows = await db
    .select({ kind: entities.kind, n: sql<number>`count(*)::int` })
    .from(entities)
    .where(inArray(entities.ownerRef, ownerRefs))
    .groupBy(entities.kind);
  return new Map(rows.map((r) => [r.kind, Number(r.n)]));
}
