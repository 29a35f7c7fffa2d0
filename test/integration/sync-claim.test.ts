/**
 * Claiming a source for a sync: one run at a time even within one replica, a lease that a long
 * sync keeps by its heartbeat and a dead holder loses within its lifetime, scheduled syncs that do
 * not repeat another replica's recent sync, and `running` rows an interrupted sync left behind closed.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { acquireLease, withLease } from '../../src/db/leases.js';
import { leases, sources, syncRuns } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { INTERRUPTED_RUN } from '../../src/sync/claim.js';
import { createSyncService } from '../../src/sync/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { component, syncConfig, tempDir, writeFiles } from '../helpers/sync-fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sync claims', () => {
  let database: TestDatabase;
  let at = new Date('2026-04-01T00:00:00Z');
  const clock: Clock = { now: () => new Date(at) };
  const INTERVAL = 60_000;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.close());

  const service = (catalog: string[], instance: string) =>
    createSyncService({ db: database.db, config: syncConfig({ DATA_DIR: '/nonexistent', CATALOG_SOURCES: catalog, SYNC_INTERVAL: INTERVAL, INSTANCE_ID: instance }), logger: silentLogger(), clock });

  async function bigFolder(n: number): Promise<string> {
    const dir = await tempDir();
    const files: Record<string, string> = {};
    for (let i = 0; i < n; i++) files[`c${i}/catalog-info.yaml`] = component(`claim-svc-${i}`, 'payments');
    await writeFiles(dir, files);
    return dir;
  }

  it('never runs two syncs of one source at once in one replica (each run holds the lease by its own id)', async () => {
    const dir = await bigFolder(60);
    const sync = service([dir], 'replica-a');
    const reports = await Promise.all([sync.syncSource(dir), sync.syncSource(dir)]);
    expect(reports.map((r) => r.status).sort()).toEqual(['skipped', 'synced']);
    const runs = await database.db.select().from(syncRuns).where(eq(syncRuns.sourceId, dir));
    expect(runs).toHaveLength(1);
  });

  it('keeps the lease past its lifetime while the work runs, and frees a dead holder after it', async () => {
    const timing = { ttlMs: 1000, heartbeatMs: 200 };
    let stolen: boolean | undefined;
    const held = await withLease(database.db, 'test:long', 'run-1', timing, async () => {
      await sleep(2500);
      stolen = await acquireLease(database.db, 'test:long', 'run-2', 1000);
      return 'done';
    });
    expect(held).toEqual({ ran: true, value: 'done' });
    expect(stolen).toBe(false);
    // A holder that died (no release, no heartbeat) loses it once the lifetime ran out.
    expect(await acquireLease(database.db, 'test:dead', 'dead-run', 1000)).toBe(true);
    expect(await acquireLease(database.db, 'test:dead', 'live-run', 1000)).toBe(false);
    await sleep(1300);
    expect(await acquireLease(database.db, 'test:dead', 'live-run', 1000)).toBe(true);
    const [row] = await database.db.select().from(leases).where(eq(leases.name, 'test:dead'));
    expect(row?.holder).toBe('live-run');
  });

  it('skips a scheduled sync of a source any replica synced within SYNC_INTERVAL, and syncs it after', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'catalog-info.yaml': component('interval-svc', 'payments') });
    expect((await service([dir], 'replica-a').syncAll({ skipRecent: true }))[0]?.status).toBe('synced');
    at = new Date(at.getTime() + INTERVAL / 2);
    const second = await service([dir], 'replica-b').syncAll({ skipRecent: true });
    expect(second[0]?.status).toBe('skipped');
    // An explicit sync (a webhook, `callsheet sync`) is not held back.
    expect((await service([dir], 'replica-b').syncAll())[0]?.status).not.toBe('skipped');
    at = new Date(at.getTime() + INTERVAL + 1);
    expect((await service([dir], 'replica-c').syncAll({ skipRecent: true }))[0]?.status).not.toBe('skipped');
    const runs = await database.db.select().from(syncRuns).where(eq(syncRuns.sourceId, dir));
    expect(runs).toHaveLength(3);
  });

  it('takes over a source whose lease a dead run holds as soon as the lease runs out', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'catalog-info.yaml': component('takeover-svc', 'payments') });
    expect(await acquireLease(database.db, `sync:${dir}`, 'dead-replica#run', 1500)).toBe(true);
    const sync = createSyncService({
      db: database.db,
      config: syncConfig({ DATA_DIR: '/nonexistent', CATALOG_SOURCES: [dir], SYNC_INTERVAL: 3_600_000, INSTANCE_ID: 'replica-b', SYNC_LEASE_TTL: 1500, SYNC_LEASE_HEARTBEAT: 500 }),
      logger: silentLogger(),
      clock,
    });
    const [first] = await sync.syncAll({ skipRecent: true });
    expect(first).toMatchObject({ status: 'skipped', skippedBecause: 'held' });
    // Not at the next SYNC_INTERVAL (an hour): once the dead run's lease expired.
    for (let i = 0; i < 100; i++) {
      const [row] = await database.db.select().from(sources).where(eq(sources.id, dir));
      if (row?.lastStatus === 'synced') break;
      await sleep(100);
    }
    const [row] = await database.db.select().from(sources).where(eq(sources.id, dir));
    expect(row?.lastStatus).toBe('synced');
    await sync.stop();
  });

  it('closes the running rows an interrupted sync left behind', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'catalog-info.yaml': component('stale-run-svc', 'payments') });
    await database.db.insert(sources).values({ id: dir, kind: 'folder', target: dir, trusted: false });
    const [dead] = await database.db.insert(syncRuns).values({ sourceId: dir, status: 'running', startedAt: new Date(at.getTime() - 3_600_000) }).returning();
    await service([dir], 'replica-a').syncAll();
    const [closed] = await database.db.select().from(syncRuns).where(eq(syncRuns.id, dead!.id));
    expect(closed?.status).toBe('interrupted');
    expect(closed?.error).toBe(INTERRUPTED_RUN);
    expect(closed?.finishedAt).not.toBeNull();
    const all = await database.db.select().from(syncRuns).where(eq(syncRuns.sourceId, dir));
    expect(all.filter((r) => r.status === 'running')).toEqual([]);
  });

  it('closes the running rows of a source nobody syncs any more once its lease is gone, and only then', async () => {
    const gone = '/srv/taken-out-of-the-configuration';
    const live = '/srv/being-synced-elsewhere';
    const [orphan] = await database.db.insert(syncRuns).values({ sourceId: gone, status: 'running', startedAt: new Date() }).returning();
    expect(await acquireLease(database.db, `sync:${live}`, 'other-replica#run', 60_000)).toBe(true);
    const [running] = await database.db.insert(syncRuns).values({ sourceId: live, status: 'running', startedAt: new Date() }).returning();
    await service([], 'replica-a').syncAll();
    const statusOf = async (id: number) => (await database.db.select().from(syncRuns).where(eq(syncRuns.id, id)))[0]?.status;
    expect(await statusOf(orphan!.id)).toBe('interrupted');
    expect(await statusOf(running!.id)).toBe('running');
  });
});
