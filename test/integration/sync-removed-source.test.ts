/**
 * A source taken out of CATALOG_SOURCES takes its entities with it, once no replica has synced it
 * for two intervals (replicas still on the old configuration during a rolling deploy keep it alive).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { entities, relations, sources, syncProblems } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService } from '../../src/sync/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { component, syncConfig, tempDir, writeFiles } from '../helpers/sync-fixtures.js';

describe('sources removed from the configuration', () => {
  let database: TestDatabase;
  let kept: string;
  let dropped: string;
  let registered: string;
  let at = new Date('2026-03-01T00:00:00Z');
  const clock: Clock = { now: () => new Date(at) };
  const INTERVAL = 300_000;

  const service = (catalog: string[]) =>
    createSyncService({ db: database.db, config: syncConfig({ DATA_DIR: '/nonexistent', CATALOG_SOURCES: catalog, SYNC_INTERVAL: INTERVAL }), logger: silentLogger(), clock });
  const refsOf = async (sourceId: string) => (await database.db.select({ ref: entities.ref }).from(entities).where(eq(entities.sourceId, sourceId))).map((r) => r.ref).sort();

  beforeAll(async () => {
    database = await createTestDatabase();
    kept = await tempDir();
    dropped = await tempDir();
    registered = await tempDir();
    await writeFiles(kept, { 'catalog-info.yaml': component('payments-api', 'payments') });
    // A broken file too, so the source has a recorded problem to clean up.
    await writeFiles(dropped, { 'catalog-info.yaml': component('legacy-billing', 'payments'), 'broken/catalog-info.yaml': 'kind: [' });
    await writeFiles(registered, { 'catalog-info.yaml': component('added-at-run-time', 'payments') });
    const both = service([kept, dropped]);
    await both.syncAll();
    await both.addSource(registered);
    expect(await refsOf(dropped)).toEqual(['component:default/legacy-billing']);
    expect(await database.db.select().from(syncProblems).where(eq(syncProblems.sourceId, dropped))).toHaveLength(1);
  });
  afterAll(async () => database?.close());

  it('keeps a removed source while a replica may still be syncing it', async () => {
    at = new Date(at.getTime() + INTERVAL);
    expect(await service([kept]).pruneRemovedSources()).toEqual([]);
    await service([kept]).syncAll();
    expect(await refsOf(dropped)).toEqual(['component:default/legacy-billing']);
  });

  it('removes its entities, relations, problems and record two intervals after anyone last synced it', async () => {
    at = new Date(at.getTime() + 2 * INTERVAL);
    const reports = await service([kept]).syncAll();
    expect(reports.map((r) => r.sourceId)).toEqual([kept, registered]);

    expect(await refsOf(dropped)).toEqual([]);
    expect(await database.db.select().from(relations).where(eq(relations.originRef, 'component:default/legacy-billing'))).toEqual([]);
    expect(await database.db.select().from(syncProblems).where(eq(syncProblems.sourceId, dropped))).toEqual([]);
    expect(await database.db.select().from(sources).where(eq(sources.id, dropped))).toEqual([]);
    // What is still configured, and what was registered at run time, stays.
    expect(await refsOf(kept)).toEqual(['component:default/payments-api']);
    expect(await refsOf(registered)).toEqual(['component:default/added-at-run-time']);
    expect(await database.db.select().from(relations).where(eq(relations.originRef, 'component:default/payments-api'))).not.toEqual([]);
  });

  it('brings the entities back when the source is configured again', async () => {
    await service([kept, dropped]).syncAll();
    expect(await refsOf(dropped)).toEqual(['component:default/legacy-billing']);
  });
});
