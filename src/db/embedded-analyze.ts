/**
 * PGlite runs no autovacuum daemon, so the embedded database never gathers planner statistics by
 * itself; without them the planner guesses (a typo search read 200 ms instead of 10 at 50,000
 * entities). After a write this does what autovacuum's analyze would: once the rows changed since
 * the last ANALYZE pass 50 + 10% of the catalog (autovacuum's default threshold and scale factor),
 * it runs ANALYZE. Postgres has its own daemon: there this does nothing.
 */
import { sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { entities } from './schema.js';

export type AfterWrite = (changedRows: number) => Promise<void>;

export function embeddedAnalyzer(db: Db, kind: 'postgres' | 'pglite'): AfterWrite {
  let changed = 0;
  return async (rows) => {
    if (kind !== 'pglite' || rows <= 0) return;
    changed += rows;
    const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(entities);
    if (changed < 50 + 0.1 * (row?.n ?? 0)) return;
    changed = 0;
    await db.execute(sql`analyze`);
  };
}
