/**
 * Backstage's own predicate code run in process, as the reference for Callsheet's: the catalog
 * backend (@backstage/plugin-catalog-backend 4.0.5) builds its `search` rows with buildEntitySearch
 * and turns a predicate into SQL with applyPredicateEntityFilterToQuery (knex, pg dialect); the SQL
 * runs here on an in-memory Postgres (PGlite). Validation is the backend's: the filter-predicates
 * zod schema, then the InputErrors its SQL builder throws.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Entity } from '@backstage/catalog-model';

const require = createRequire(import.meta.url);
const backendDir = dirname(require.resolve('@backstage/plugin-catalog-backend/package.json'));
const backendRequire = createRequire(join(backendDir, 'package.json'));
// Not exported; the package's exports block a deep import by name.
const { applyPredicateEntityFilterToQuery } = require(join(backendDir, 'dist/service/request/applyPredicateEntityFilterToQuery.cjs.js')) as {
  applyPredicateEntityFilterToQuery(options: { filter: unknown; targetQuery: unknown; onEntityIdField: string; knex: unknown }): unknown;
};
const { buildEntitySearch } = require(join(backendDir, 'dist/database/operations/stitcher/buildEntitySearch.cjs.js')) as {
  buildEntitySearch(id: string, entity: Entity): Array<{ entity_id: string; key: string; original_value: string | null; value: string | null }>;
};
const { createZodV3FilterPredicateSchema } = backendRequire('@backstage/filter-predicates') as { createZodV3FilterPredicateSchema(z: unknown): { safeParse(v: unknown): { success: boolean } } };
const { z: zodV3 } = backendRequire('zod/v3') as { z: unknown };
const knexFactory = backendRequire('knex') as (config: { client: string }) => KnexLike;

interface KnexLike {
  (table: string): { select(...c: string[]): { toSQL(): { toNative(): { sql: string; bindings: unknown[] } } } };
}

const schema = createZodV3FilterPredicateSchema(zodV3);
// A pg-dialect builder with no connection: it only writes SQL.
const knex = knexFactory({ client: 'pg' });

export interface BackstageCatalog {
  /** Refs of the entities Backstage's SQL selects, sorted; an Error when Backstage refuses the predicate. */
  select(predicate: unknown): Promise<string[] | Error>;
  close(): Promise<void>;
}

/** Whether Backstage's backend accepts the predicate (its schema, then its SQL builder's checks). */
export function backstageAccepts(predicate: unknown): boolean {
  if (!schema.safeParse(predicate).success) return false;
  try {
    const query = knex('final_entities').select('entity_id');
    applyPredicateEntityFilterToQuery({ filter: predicate, targetQuery: query, onEntityIdField: 'final_entities.entity_id', knex });
    // Nested conditions are built when the SQL is written, and so are their errors.
    query.toSQL();
    return true;
  } catch {
    return false;
  }
}

export async function backstageCatalog(entities: Array<{ ref: string; entity: Entity }>): Promise<BackstageCatalog> {
  const db = new PGlite();
  await db.exec(`create table final_entities (entity_id text primary key, final_entity text);
    create table search (entity_id text not null, key text not null, original_value text, value text);`);
  // One statement per table: rows as JSON, unpacked by Postgres.
  const rows = entities.flatMap(({ ref, entity }) => buildEntitySearch(ref, entity));
  await db.query('insert into final_entities select * from json_to_recordset($1::json) as t(entity_id text, final_entity text)', [JSON.stringify(entities.map((e) => ({ entity_id: e.ref, final_entity: JSON.stringify(e.entity) })))]);
  await db.query('insert into search select * from json_to_recordset($1::json) as t(entity_id text, key text, original_value text, value text)', [JSON.stringify(rows)]);
  return {
    async select(predicate) {
      if (!schema.safeParse(predicate).success) return new Error('schema');
      const query = knex('final_entities').select('final_entities.entity_id');
      let native: { sql: string; bindings: unknown[] };
      try {
        applyPredicateEntityFilterToQuery({ filter: predicate, targetQuery: query, onEntityIdField: 'final_entities.entity_id', knex });
        native = query.toSQL().toNative();
      } catch (e) {
        return e as Error;
      }
      const { sql, bindings } = native;
      const result = await db.query<{ entity_id: string }>(sql, bindings);
      return result.rows.map((r) => r.entity_id).sort();
    },
    close: () => db.close(),
  };
}
