import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { openDatabase } from '../../src/db/client.js';
import { entities, syncRuns } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService } from '../../src/sync/service.js';
import { fileLocation, gitDriver, webBaseOf } from '../../src/sync/sources/git.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { GitRepo, component, syncConfig, tempDir } from '../helpers/sync-fixtures.js';

describe('sync of git sources', () => {
  let database: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await tempDir('callsheet-data-');
  });
  afterAll(async () => database.close());

  const service = (sources: string[], instance = 'replica-1', db = database.db) =>
    createSyncService({ db, config: syncConfig({ DATA_DIR: dataDir, CATALOG_SOURCES: sources, INSTANCE_ID: instance }), logger: silentLogger(), clock: fixedClock('2026-02-01T00:00:00Z') });

  const entity = async (ref: string) => (await database.db.select().from(entities).where(eq(entities.ref, ref)))[0];

  it('clones a file:// remote, records commit times, skips an unchanged commit, and re-reads only changed files', async () => {
    const repo = await GitRepo.create();
    await repo.commit({ 'svc/one/catalog-info.yaml': component('g-one'), 'svc/two/catalog-info.yaml': component('g-two') }, 'first', '2025-03-01T10:00:00Z');
    await repo.commit({ 'svc/two/catalog-info.yaml': component('g-two', 'team-b') }, 'second', '2025-04-01T10:00:00Z');
    const sync = service([repo.url]);
    const [first] = await sync.syncAll();
    expect(first).toMatchObject({ status: 'synced', added: 2, sourceId: repo.url, kind: 'git' });
    expect((await entity('component:default/g-one'))!.fileCommittedAt).toEqual(new Date('2025-03-01T10:00:00Z'));
    expect((await entity('component:default/g-two'))!.fileCommittedAt).toEqual(new Date('2025-04-01T10:00:00Z'));
    const annotations = ((await entity('component:default/g-one'))!.entity as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
    expect(annotations['backstage.io/managed-by-location']).toBe(`url:${repo.url}#HEAD:svc/one/catalog-info.yaml`);

    const [same] = await sync.syncAll();
    expect(same!.status).toBe('unchanged');

    const head = await repo.commit({ 'svc/two/catalog-info.yaml': component('g-two', 'team-c'), 'svc/three/catalog-info.yaml': component('g-three') }, 'third', '2025-05-01T10:00:00Z');
    const [incremental] = await sync.syncAll();
    expect(incremental).toMatchObject({ status: 'synced', revision: head, added: 1, updated: 1, removed: 0, unchanged: 1 });
    expect((await entity('component:default/g-one'))!.fileCommittedAt).toEqual(new Date('2025-03-01T10:00:00Z'));
    expect((await entity('component:default/g-two'))!.ownerRef).toBe('group:default/team-c');

    repo.remove('svc/three/catalog-info.yaml', 'drop three');
    const [afterDelete] = await sync.syncAll();
    expect(afterDelete!.removed).toBe(1);
    expect(await entity('component:default/g-one')).toBeDefined();
  });

  it('hands the reader only the changed files, and preserves the rest', async () => {
    const repo = await GitRepo.create();
    const first = await repo.commit({ 'a.yaml': component('inc-a'), 'b.yaml': component('inc-b'), 'docs/api.txt': 'v1' }, 'first');
    await repo.commit({ 'b.yaml': component('inc-b', 'team-z'), 'docs/api.txt': 'v2' }, 'second');
    const driver = gitDriver(repo.url, { dataDir });
    const snapshot = (await driver.snapshot(first, { includes: { 'a.yaml': ['docs/api.txt'] } }))!;
    try {
      expect(await snapshot.trees[0]!.entryPoints()).toEqual(['a.yaml', 'b.yaml']);
      expect(snapshot.preserve!('c.yaml')).toBe(true);
      expect(snapshot.preserve!('b.yaml')).toBe(false);
    } finally {
      await snapshot.close?.();
    }
    expect(await driver.snapshot(snapshot.revision, snapshot.state ?? null)).toBeNull();
  });

  it('follows #branch', async () => {
    const repo = await GitRepo.create();
    await repo.commit({ 'catalog-info.yaml': component('on-main') }, 'main');
    repo.git('checkout', '--quiet', '-b', 'release');
    await repo.commit({ 'catalog-info.yaml': component('on-release') }, 'release');
    repo.git('checkout', '--quiet', 'main');
    const [report] = await service([`${repo.url}#release`]).syncAll();
    expect(report!.sourceId).toBe(`${repo.url}#release`);
    expect(await entity('component:default/on-release')).toBeDefined();
    expect(await entity('component:default/on-main')).toBeUndefined();
  });

  it('lets two replicas sync at once and does the work once', async () => {
    const repo = await GitRepo.create();
    await repo.commit({ 'catalog-info.yaml': component('replicated') }, 'only');
    const second = database.url ? await openDatabase({ url: database.url, poolSize: 2 }) : undefined;
    try {
      const reports = await Promise.all([service([repo.url], 'replica-a').syncAll(), service([repo.url], 'replica-b', second?.db ?? database.db).syncAll()]);
      expect(reports.flat().map((r) => r.status).sort()).toEqual(['skipped', 'synced']);
      const runs = await database.db.select().from(syncRuns).where(eq(syncRuns.sourceId, repo.url));
      expect(runs).toHaveLength(1);
    } finally {
      await second?.close();
    }
  });

  it('reports a remote that cannot be fetched as a failed source', async () => {
    const [report] = await service(['file:///no/such/repo.git']).syncAll();
    expect(report!.status).toBe('failed');
    expect(report!.problems[0]!.message).toMatch(/could not read source file:\/\/\/no\/such\/repo\.git: git fetch failed/);
  });
});

describe('git remotes and their web URLs', () => {
  it('derives GitHub and GitLab view/edit URLs, without credentials', () => {
    expect(webBaseOf('https://x-access-token:secret@github.com/acme/catalog.git')).toBe('https://github.com/acme/catalog');
    expect(webBaseOf('git@github.com:acme/catalog.git')).toBe('https://github.com/acme/catalog');
    expect(webBaseOf('ssh://git@gitlab.example.com:2222/group/sub/repo.git')).toBe('https://gitlab.example.com/group/sub/repo');
    expect(webBaseOf('file:///tmp/repo')).toBeUndefined();
    expect(fileLocation({ url: 'https://github.com/acme/catalog' }, 'main', 'svc/catalog-info.yaml')).toEqual({
      type: 'url',
      target: 'https://github.com/acme/catalog/blob/main/svc/catalog-info.yaml',
      viewUrl: 'https://github.com/acme/catalog/blob/main/svc/catalog-info.yaml',
      editUrl: 'https://github.com/acme/catalog/edit/main/svc/catalog-info.yaml',
      sourceLocation: 'url:https://github.com/acme/catalog/tree/main/svc/',
    });
    expect(fileLocation({ url: 'https://gitlab.com/g/r.git' }, 'dev', 'catalog-info.yaml').editUrl).toBe('https://gitlab.com/g/r/-/edit/dev/catalog-info.yaml');
    expect(gitDriver('https://user:token@github.com/acme/catalog#main', { dataDir: '/tmp' }).id).toBe('https://github.com/acme/catalog#main');
  });
});
