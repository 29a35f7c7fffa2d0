/**
 * A sync deletes an entity only when a complete, successful listing of its source no longer has
 * it: a folder that moves, is replaced, or loses or breaks a file while it is read fails the sync
 * and keeps everything; so does a run that fails part-way on a database error.
 */
import { mkdir, rename, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { entities, sources, syncProblems } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService } from '../../src/sync/service.js';
import type { FolderHooks } from '../../src/sync/sources/folder.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { GitRepo, component, syncConfig, tempDir, writeFiles } from '../helpers/sync-fixtures.js';

describe('deletes only on proof', () => {
  let database: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await tempDir('callsheet-data-');
  });
  afterAll(async () => database.close());

  const service = (sourcesList: string[], folderHooks?: FolderHooks) =>
    createSyncService({
      db: database.db,
      config: syncConfig({ DATA_DIR: dataDir, CATALOG_SOURCES: sourcesList }),
      logger: silentLogger(),
      clock: fixedClock('2026-02-01T00:00:00Z'),
      ...(folderHooks ? { drivers: { folderHooks } } : {}),
    });

  const countOf = async (sourceId: string) =>
    Number((await database.db.select({ n: sql<number>`count(*)::int` }).from(entities).where(eq(entities.sourceId, sourceId)))[0]!.n);

  async function folderOf(prefix: string, n: number): Promise<string> {
    const dir = await tempDir();
    const files: Record<string, string> = {};
    for (let i = 0; i < n; i++) files[`svc/${String(i).padStart(4, '0')}/catalog-info.yaml`] = component(`${prefix}-${i}`);
    await writeFiles(dir, files);
    return dir;
  }

  /** Runs `act` once, before the `after`-th file read of the second sync. */
  const hookAt = (after: number, act: () => Promise<void>): FolderHooks => {
    let reads = 0;
    return {
      async beforeRead() {
        if (++reads === after) await act();
      },
    };
  };

  // The figures: a folder of 4,000 entities moved away after 32 reads lost 3,968 of them.
  it('fails the sync and deletes nothing when the folder is moved away mid-read', async () => {
    const dir = await folderOf('moved', 4000);
    const [first] = await service([dir]).syncAll();
    expect(first).toMatchObject({ status: 'synced', added: 4000 });
    // A change, so the second sync reads the folder again.
    await writeFiles(dir, { 'svc/0000/catalog-info.yaml': component('moved-0', 'team-b') });
    const [second] = await service([dir], hookAt(32, () => rename(dir, `${dir}-gone`))).syncAll();
    expect(second!.status).toBe('failed');
    expect(second!.removed).toBe(0);
    expect(second!.problems[0]!.message).toMatch(/failed part-way, so nothing was changed or deleted/);
    expect(await countOf(dir)).toBe(4000);
    const [row] = await database.db.select().from(entities).where(eq(entities.ref, 'component:default/moved-0'));
    expect(row!.ownerRef).toBe('group:default/team-a');
    // Once the folder is back, the change lands.
    await rename(`${dir}-gone`, dir);
    const [third] = await service([dir]).syncAll();
    expect(third).toMatchObject({ status: 'synced', removed: 0, updated: 1 });
  });

  it('fails the sync when the folder is replaced by another one mid-read', async () => {
    const dir = await folderOf('replaced', 50);
    await service([dir]).syncAll();
    await writeFiles(dir, { 'svc/0001/catalog-info.yaml': component('replaced-1', 'team-b') });
    const [second] = await service(
      [dir],
      hookAt(10, async () => {
        await rename(dir, `${dir}-old`);
        await mkdir(dir);
        // The same names in another folder: only its identity tells them apart.
        await writeFiles(dir, { 'svc/0000/catalog-info.yaml': component('replaced-0') });
      }),
    ).syncAll();
    expect(second!.status).toBe('failed');
    expect(second!.problems[0]!.message).toMatch(/moved, replaced or removed/);
    expect(await countOf(dir)).toBe(50);
  });

  it('fails the sync when a listed file disappears or becomes unreadable mid-read', async () => {
    // Files well past the reader's prefetch window, so they are read only after the change.
    const dir = await folderOf('vanish', 100);
    await service([dir]).syncAll();
    await writeFiles(dir, { 'svc/0000/catalog-info.yaml': component('vanish-0', 'team-b') });
    const [gone] = await service([dir], hookAt(2, () => rm(join(dir, 'svc/0090/catalog-info.yaml')))).syncAll();
    expect(gone!.status).toBe('failed');
    expect(gone!.problems[0]!.message).toMatch(/svc\/0090\/catalog-info\.yaml disappeared/);
    expect(await countOf(dir)).toBe(100);

    // A symbolic link loop cannot be read (tests run as root, so permissions would not stop a read).
    const [broken] = await service(
      [dir],
      hookAt(2, async () => {
        await rm(join(dir, 'svc/0095/catalog-info.yaml'));
        await symlink('catalog-info.yaml', join(dir, 'svc/0095/catalog-info.yaml'));
      }),
    ).syncAll();
    expect(broken!.status).toBe('failed');
    expect(broken!.problems[0]!.message).toMatch(/svc\/0095\/catalog-info\.yaml could not be read/);
    expect(await countOf(dir)).toBe(100);
  });

  it('leaves the previous state whole (entities, problems, revision) when the database fails part-way', async () => {
    const repo = await GitRepo.create();
    const first = await repo.commit({ 'a.yaml': component('pw-a'), 'b.yaml': component('pw-b'), 'broken.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: [\n' }, 'first');
    const [one] = await service([repo.url]).syncAll();
    expect(one).toMatchObject({ status: 'synced', added: 2 });
    expect(one!.problems).toHaveLength(1);

    await repo.commit({ 'c.yaml': component('pw-boom') }, 'second');
    repo.remove('a.yaml', 'third');
    // A real database error in the middle of the write.
    await database.db.execute(sql.raw(`create or replace function pw_boom() returns trigger language plpgsql as $$ begin if new.name = 'pw-boom' then raise exception 'disk full'; end if; return new; end $$`));
    await database.db.execute(sql.raw(`create trigger pw_boom before insert on entities for each row execute function pw_boom()`));
    try {
      const [failed] = await service([repo.url]).syncAll();
      expect(failed!.status).toBe('failed');
      expect(failed!.error).toMatch(/disk full/);
    } finally {
      await database.db.execute(sql.raw(`drop trigger pw_boom on entities`));
    }
    expect((await database.db.select().from(entities).where(eq(entities.sourceId, repo.url))).map((e) => e.name).sort()).toEqual(['pw-a', 'pw-b']);
    const problems = await database.db.select().from(syncProblems).where(eq(syncProblems.sourceId, repo.url));
    expect(problems.map((p) => p.filePath).sort()).toEqual(['', 'broken.yaml']);
    expect((await database.db.select().from(sources).where(eq(sources.id, repo.url)))[0]!.lastRevision).toBe(first);

    // The next run starts from the last good commit and lands every change.
    const [again] = await service([repo.url]).syncAll();
    expect(again).toMatchObject({ status: 'synced', added: 1, removed: 1 });
    expect((await database.db.select().from(entities).where(eq(entities.sourceId, repo.url))).map((e) => e.name).sort()).toEqual(['pw-b', 'pw-boom']);
  });
});
