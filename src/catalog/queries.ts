/**
 * Read queries over the stored catalog. Every look-up by ref or name is one indexed query; nothing
 * here scans the whole table.
 *
 * The look-ups every chat command makes are drizzle prepared statements: building a query through
 * drizzle's builder cost more CPU than Postgres spent running it (about a fifth of a Slack
 * `/owner` request's CPU), and a prepared one is built once per database handle.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { textArray } from '../db/copy.js';
import { entities, relations } from '../db/schema.js';

export type EntityRow = typeof entities.$inferSelect;
export type RelationRow = { sourceRef: string; type: string; targetRef: string };

const CHUNK = 1000;

function prepareLookups(db: Db) {
  const refs = sql.placeholder('refs');
  const relation = { sourceRef: relations.sourceRef, type: relations.type, targetRef: relations.targetRef };
  return {
    entity: db.select().from(entities).where(eq(entities.ref, sql.placeholder('ref'))).limit(1).prepare('callsheet_entity'),
    entities: db.select().from(entities).where(sql`${entities.ref} = any(${refs}::text[])`).prepare('callsheet_entities'),
    // A null namespace or kinds means any: one statement for every shape of `entitiesNamed`.
    named: db
      .select()
      .from(entities)
      .where(
        and(
          eq(entities.name, sql.placeholder('name')),
          sql`(${sql.placeholder('namespace')}::text is null or ${entities.namespace} = ${sql.placeholder('namespace')}::text)`,
          sql`(${sql.placeholder('kinds')}::text[] is null or ${entities.kind} = any(${sql.placeholder('kinds')}::text[]))`,
        ),
      )
      .orderBy(entities.ref)
      .limit(sql.placeholder('limit'))
      .prepare('callsheet_entities_named'),
    relations: db
      .selectDistinct(relation)
      .from(relations)
      .where(sql`${relations.sourceRef} = any(${refs}::text[])`)
      .orderBy(relations.sourceRef, relations.type, relations.targetRef)
      .prepare('callsheet_relations_from'),
    relationsTyped: db
      .selectDistinct(relation)
      .from(relations)
      .where(sql`${relations.sourceRef} = any(${refs}::text[]) and ${relations.type} = any(${sql.placeholder('types')}::text[])`)
      .orderBy(relations.sourceRef, relations.type, relations.targetRef)
      .prepare('callsheet_relations_from_typed'),
  };
}

const lookups = new WeakMap<Db, ReturnType<typeof prepareLookups>>();

function lookupsOf(db: Db): ReturnType<typeof prepareLookups> {
  let prepared = lookups.get(db);
  if (!prepared) {
    prepared = prepareLookups(db);
    lookups.set(db, prepared);
  }
  return prepared;
}

export async function getEntity(db: Db, ref: string): Promise<EntityRow | undefined> {
  const [row] = await lookupsOf(db).entity.execute({ ref: ref.toLocaleLowerCase('en-US') });
  return row;
}

/** Entities by ref, keyed by ref; refs that are not stored are simply absent. */
export async function getEntities(db: Db, refs: Iterable<string>): Promise<Map<string, EntityRow>> {
  const wanted = [...new Set([...refs].map((r) => r.toLocaleLowerCase('en-US')))];
  const out = new Map<string, EntityRow>();
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const part = wanted.slice(i, i + CHUNK);
    for (const row of await lookupsOf(db).entities.execute({ refs: textArray(part) })) out.set(row.ref, row);
  }
  return out;
}

/** Entities with this (lower-cased) name, optionally in one namespace and of some kinds. */
export async function entitiesNamed(db: Db, name: string, options: { namespace?: string; kinds?: string[]; limit?: number } = {}): Promise<EntityRow[]> {
  return lookupsOf(db).named.execute({
    name: name.toLocaleLowerCase('en-US'),
    namespace: options.namespace ? options.namespace.toLocaleLowerCase('en-US') : null,
    kinds: options.kinds?.length ? textArray(options.kinds) : null,
    limit: options.limit ?? 50,
  });
}

/** Relations whose source is one of `refs`, optionally of some types, in (source, type, target) order. */
export async function relationsFrom(db: Db, refs: Iterable<string>, types?: string[]): Promise<RelationRow[]> {
  const wanted = [...new Set(refs)];
  const out: RelationRow[] = [];
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const part = textArray(wanted.slice(i, i + CHUNK));
    const rows = types?.length ? await lookupsOf(db).relationsTyped.execute({ refs: part, types: textArray(types) }) : await lookupsOf(db).relations.execute({ refs: part });
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
