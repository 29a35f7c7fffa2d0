/**
 * The embedded database gathers planner statistics only when asked (PGlite runs no autovacuum):
 * the sync service asks after a sync that changed enough of the catalog.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { embeddedAnalyzer } from '../../src/db/embedded-analyze.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService } from '../../src/sync/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { component, syncConfig, tempDir, writeFiles } from '../helpers/sync-fixtures.js';

describe('ANALYZE on the embedded database', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });
  // Asked for (last_analyze), not autovacuum's own (last_autoanalyze, which a Postgres server may run at any time).
  const analyzed = async () => {
    const rows = (await database.db.execute(sql`select last_analyze from pg_stat_user_tables where schemaname = current_schema() and relname = 'entities'`)) as unknown;
    const list = Array.isArray(rows) ? rows : (rows as { rows: Array<{ last_analyze: unknown }> }).rows;
    return (list[0] as { last_analyze: unknown } | undefined)?.last_analyze != null;
  };

  it('a first sync that wrote the catalog leaves statistics; Postgres (its own autovacuum) is left alone', async () => {
    const dir = await tempDir();
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i++) files[`c${i}.yaml`] = component(`svc-${i}`);
    await writeFiles(dir, files);
    const run = (kind: 'postgres' | 'pglite') =>
      createSyncService({ db: database.db, config: syncConfig({ DATA_DIR: '/nonexistent', CATALOG_SOURCES: [dir] }), logger: silentLogger(), clock: fixedClock('2026-02-01T00:00:00Z'), afterWrite: embeddedAnalyzer(database.db, kind) }).syncAll();
    await run('postgres');
    expect(await analyzed()).toBe(false);
    await writeFiles(dir, { 'c0.yaml': component('svc-0', 'team-b') });
    await run('pglite');
    // One changed entity of 60 is under the threshold (50 + 10%): nothing yet.
    expect(await analyzed()).toBe(false);
    await database.db.execute(sql`delete from entities`);
    await database.db.execute(sql`delete from sources`);
    await run('pglite');
    expect(await analyzed()).toBe(true);
  });
});
