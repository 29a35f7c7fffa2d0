/** catalog:fetch's reader: entities by canonical ref, straight from the catalog tables. */
import { inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { entities } from '../db/schema.js';
import type { CatalogReader } from './actions/catalog-fetch.js';

export function dbCatalogReader(db: Db): CatalogReader {
  return {
    async byRefs(refs) {
      if (!refs.length) return [];
      const rows = await db.select({ ref: entities.ref, entity: entities.entity }).from(entities).where(inArray(entities.ref, [...new Set(refs)]));
      const byRef = new Map(rows.map((r) => [r.ref, r.entity as Record<string, unknown>]));
      return refs.map((r) => byRef.get(r));
    },
  };
}
