/**
 * Location targets of any name (`child.cat`, `.json`, no extension) are re-read when they change,
 * in Git and folder sources alike, and an entity no Location reaches any more is an orphan: kept
 * and annotated `backstage.io/orphan: 'true'` by default, removed with CATALOG_ORPHAN_STRATEGY=delete.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { entities } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { evaluate } from '../../src/nudges/evaluate.js';
import { loadSnapshot } from '../../src/nudges/load-snapshot.js';
import { createSyncService } from '../../src/sync/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { GitRepo, component, syncConfig, tempDir, writeFiles } from '../helpers/sync-fixtures.js';

const location = (targets: string[], name = 'root') => `apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: ${name}
spec:
  targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]
`;
const jsonComponent = (name: string, owner: string) =>
  JSON.stringify({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name }, spec: { type: 'service', lifecycle: 'production', owner } });

describe('incremental sync of Location targets, and orphans', () => {
  let database: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await tempDir('callsheet-data-');
  });
  afterAll(async () => database.close());

  const sync = async (source: string, orphans: 'keep' | 'delete' = 'keep') =>
    (await createSyncService({ db: database.db, config: syncConfig({ DATA_DIR: dataDir, CATALOG_SOURCES: [source], CATALOG_ORPHAN_STRATEGY: orphans }), logger: silentLogger(), clock: fixedClock('2026-02-01T00:00:00Z') }).syncAll())[0]!;
  const row = async (ref: string) => (await database.db.select().from(entities).where(eq(entities.ref, ref)))[0];
  const orphanMark = async (ref: string) => ((await row(ref))?.entity as { metadata: { annotations: Record<string, string> } } | undefined)?.metadata.annotations['backstage.io/orphan'];

  it('re-reads non-YAML targets of a Git source when they change, and keeps an unreached one as an annotated orphan', async () => {
    const repo = await GitRepo.create();
    await repo.commit(
      { 'catalog-info.yaml': location(['./child.cat', './data.json', './NOEXT']), 'child.cat': component('t-cat'), 'data.json': jsonComponent('t-json', 'team-a'), NOEXT: component('t-noext') },
      'first',
    );
    expect((await sync(repo.url)).added).toBe(4);

    await repo.commit({ 'child.cat': component('t-cat', 'team-b'), 'data.json': jsonComponent('t-json', 'team-b') }, 'change targets');
    const changed = await sync(repo.url);
    expect(changed).toMatchObject({ status: 'synced', updated: 2, removed: 0 });
    expect((await row('component:default/t-cat'))!.ownerRef).toBe('group:default/team-b');
    expect((await row('component:default/t-json'))!.ownerRef).toBe('group:default/team-b');

    await repo.commit({ 'NOEXT': component('t-noext', 'team-c') }, 'change the one without extension');
    expect((await sync(repo.url)).updated).toBe(1);
    expect((await row('component:default/t-noext'))!.ownerRef).toBe('group:default/team-c');

    // The Location stops naming child.cat: an orphan, kept and annotated.
    await repo.commit({ 'catalog-info.yaml': location(['./data.json', './NOEXT']) }, 'drop child.cat');
    const dropped = await sync(repo.url);
    expect(dropped.removed).toBe(0);
    expect(await orphanMark('component:default/t-cat')).toBe('true');
    expect(await orphanMark('component:default/t-json')).toBeUndefined();

    // Named again: no longer an orphan.
    await repo.commit({ 'catalog-info.yaml': location(['./child.cat', './data.json', './NOEXT']) }, 'bring it back');
    await sync(repo.url);
    expect(await row('component:default/t-cat')).toBeDefined();
    expect(await orphanMark('component:default/t-cat')).toBeUndefined();

    // With CATALOG_ORPHAN_STRATEGY=delete it leaves the catalog.
    await repo.commit({ 'catalog-info.yaml': location(['./data.json']) }, 'drop two');
    const deleted = await sync(repo.url, 'delete');
    expect(deleted.removed).toBe(2);
    expect(await row('component:default/t-cat')).toBeUndefined();
    expect(await row('component:default/t-noext')).toBeUndefined();
  });

  it('re-reads a folder source when only a non-YAML target changed', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'catalog-info.yaml': location(['./child.cat'], 'folder-root'), 'child.cat': component('f-cat') });
    expect((await sync(dir)).added).toBe(2);
    await writeFiles(dir, { 'child.cat': component('f-cat', 'team-b', '  system: extra\n') });
    const changed = await sync(dir);
    expect(changed).toMatchObject({ status: 'synced', updated: 1 });
    expect((await row('component:default/f-cat'))!.ownerRef).toBe('group:default/team-b');

    await writeFiles(dir, { 'catalog-info.yaml': location([], 'folder-root') });
    await sync(dir);
    expect(await orphanMark('component:default/f-cat')).toBe('true');

    // The orphan is a nudge finding for its owner.
    const now = new Date('2026-02-02T00:00:00Z');
    const { teams } = evaluate(await loadSnapshot(database.db, now), { now, staleAfterDays: 180 });
    const findings = teams.get('group:default/team-b')!.findings.filter((f) => f.rule === 'orphan');
    expect(findings).toEqual([expect.objectContaining({ subject: 'component:default/f-cat', message: expect.stringMatching(/no Location names child\.cat any more/) })]);
  });
});
