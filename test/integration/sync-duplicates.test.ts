/**
 * The same ref in two files of one source: the file that claimed it first keeps it, whatever the
 * reading order, a new duplicate is a conflict problem, and when the holder drops the ref the other
 * file's definition takes over (also when only the holder's file changed, in an incremental sync).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { entities, sources } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService } from '../../src/sync/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { GitRepo, component, syncConfig, tempDir, writeFiles } from '../helpers/sync-fixtures.js';

describe('duplicate refs within one source', () => {
  let database: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await tempDir('callsheet-data-');
  });
  afterAll(async () => database.close());

  const sync = async (source: string) =>
    (await createSyncService({ db: database.db, config: syncConfig({ DATA_DIR: dataDir, CATALOG_SOURCES: [source] }), logger: silentLogger(), clock: fixedClock('2026-02-01T00:00:00Z') }).syncAll())[0]!;
  const row = async (ref: string) => (await database.db.select().from(entities).where(eq(entities.ref, ref)))[0];

  it('keeps the first claimant across full re-reads, whatever the alphabetical order', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'z/catalog-info.yaml': component('dup-first', 'team-z') });
    expect((await sync(dir)).added).toBe(1);
    // An earlier name in reading order claims the same ref later.
    await writeFiles(dir, { 'a/catalog-info.yaml': component('dup-first', 'team-a') });
    const second = await sync(dir);
    expect(second.problems).toEqual([expect.objectContaining({ filePath: 'a/catalog-info.yaml', entityRef: 'component:default/dup-first', message: expect.stringMatching(/already defined in z\/catalog-info\.yaml/) })]);
    expect((await row('component:default/dup-first'))!.ownerRef).toBe('group:default/team-z');
    // Re-read again (a change elsewhere): still the first claimant.
    await writeFiles(dir, { 'm/catalog-info.yaml': component('dup-other') });
    await sync(dir);
    expect((await row('component:default/dup-first'))!.filePath).toBe('z/catalog-info.yaml');
  });

  it('reports a new duplicate in an incremental sync, and hands the ref over when the holder drops it', async () => {
    const repo = await GitRepo.create();
    await repo.commit({ 'b.yaml': component('dup-git', 'team-b') }, 'first');
    expect((await sync(repo.url)).added).toBe(1);

    await repo.commit({ 'a.yaml': component('dup-git', 'team-a') }, 'duplicate');
    const dup = await sync(repo.url);
    expect(dup.problems.map((p) => [p.filePath, p.message])).toEqual([['a.yaml', expect.stringMatching(/already defined in b\.yaml/)]]);
    expect((await row('component:default/dup-git'))!.ownerRef).toBe('group:default/team-b');

    // Only the holder changes: the other file still defines the ref and takes it over.
    await repo.commit({ 'b.yaml': component('dup-git-renamed', 'team-b') }, 'holder drops it');
    const handover = await sync(repo.url);
    expect(handover.status).toBe('synced');
    expect(handover.problems).toEqual([]);
    expect((await row('component:default/dup-git'))).toMatchObject({ ownerRef: 'group:default/team-a', filePath: 'a.yaml' });
    expect(await row('component:default/dup-git-renamed')).toBeDefined();

    // And a fresh read of the same commit agrees.
    await database.db.update(sources).set({ lastRevision: null }).where(eq(sources.id, repo.url));
    const fresh = await sync(repo.url);
    expect(fresh.problems).toEqual([]);
    expect((await row('component:default/dup-git'))!.filePath).toBe('a.yaml');
  });
});
