/**
 * Glob Location targets through the real sync of Git and folder sources: the files a glob reaches
 * carry its Location's origin, a file added later that matches the glob is read through the
 * Location on the incremental sync exactly as a fresh sync reads it, and a glob that matches
 * nothing is a problem on its Location's file.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { entities } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService } from '../../src/sync/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { GitRepo, component, syncConfig, tempDir, writeFiles } from '../helpers/sync-fixtures.js';

const location = (targets: string[]) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]\n`;

describe('glob Location targets in Git and folder sources', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.close());

  const sync = async (source: string) =>
    (await createSyncService({ db: database.db, config: syncConfig({ DATA_DIR: await tempDir('callsheet-data-'), CATALOG_SOURCES: [source] }), logger: silentLogger(), clock: fixedClock('2026-02-01T00:00:00Z') }).syncAll())[0]!;
  const origins = async (source: string) =>
    Object.fromEntries(
      (await database.db.select().from(entities).where(eq(entities.sourceId, source))).map((r) => [r.ref, (r.entity as { metadata: { annotations: Record<string, string> } }).metadata.annotations['backstage.io/managed-by-origin-location']!.replace(/^[^#]*#[^:]*:/, '').replace(/^.*\/callsheet-sync-[^/]+\//, '')]),
    );

  it('a file added under a glob is read through its Location, as a fresh sync reads it (Git)', async () => {
    const repo = await GitRepo.create();
    await repo.commit({ 'catalog-info.yaml': location(['./services/*/catalog-info.yaml']), 'services/billing/catalog-info.yaml': component('billing') }, 'first', '2026-01-01T00:00:00Z');
    const source = `file://${repo.dir}`;
    expect(await sync(source)).toMatchObject({ status: 'synced', added: 2, problems: [] });
    expect(await origins(source)).toEqual({ 'location:default/root': 'catalog-info.yaml', 'component:default/billing': 'catalog-info.yaml' });

    // Sorts before catalog-info.yaml, so read alone as an entry point it would be its own origin.
    await repo.commit({ 'services/aaa/catalog-info.yaml': component('aaa') }, 'second', '2026-01-02T00:00:00Z');
    expect(await sync(source)).toMatchObject({ status: 'synced', added: 1, problems: [] });
    const incremental = await origins(source);
    expect(incremental['component:default/aaa']).toBe('catalog-info.yaml');

    await database.db.delete(entities).where(eq(entities.sourceId, source));
    const fresh = await sync(`${source}#main`);
    expect(fresh.status).toBe('synced');
    expect(await origins(`${source}#main`)).toEqual(incremental);
  });

  it('in a folder source, and a glob that matches nothing fails its Location with the reason', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'all.yaml': location(['./teams/**/team.yaml']).replace('name: root', 'name: folder-root'), 'teams/a/b/team.yaml': component('deep-team'), 'other.yaml': location(['./missing/*/x.yaml']).replace('name: root', 'name: other') });
    const report = await sync(dir);
    expect((await origins(dir))['component:default/deep-team']).toBe('all.yaml');
    expect(report.problems).toEqual([expect.objectContaining({ filePath: 'other.yaml', message: expect.stringContaining('glob target "./missing/*/x.yaml" matches no file') })]);
  });
});
