/**
 * GET …/ancestry of an entity read through a `type: url` Location target (a file of another
 * repository on the fake GitHub): its parent is the Location that named it, as in Backstage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { createGithubClient } from '../../src/github/client.js';
import { githubUrlFiles } from '../../src/github/url-files.js';
import { entityAncestry } from '../../src/http/catalog-ancestry.js';
import { createCatalogApi } from '../../src/http/catalog-api.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService } from '../../src/sync/service.js';
import { FakeOrg } from '../fakes/github/model.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { GitRepo, component, syncConfig, tempDir } from '../helpers/sync-fixtures.js';

const logger = silentLogger();

describe('ancestry through url Location targets', () => {
  let database: TestDatabase;
  let fake: FakeGithub;

  beforeAll(async () => {
    database = await createTestDatabase();
    const org = new FakeOrg('acme');
    org.addRepo('billing', { files: { 'catalog-info.yaml': component('billing') } });
    fake = await startFakeGithub({ org });
    const central = await GitRepo.create();
    const all = `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\nspec:\n  type: url\n  targets:\n    - ${fake.url}/acme/billing/blob/main/catalog-info.yaml\n`;
    await central.commit({ 'all.yaml': all, 'local/catalog-info.yaml': component('local') }, 'first', '2026-01-01T00:00:00Z');
    const source = `file://${central.dir}`;
    const sync = createSyncService({
      db: database.db,
      config: syncConfig({ DATA_DIR: await tempDir('callsheet-data-'), CATALOG_SOURCES: [source] }),
      logger,
      clock: fixedClock('2026-02-01T00:00:00Z'),
      urlFiles: githubUrlFiles({ host: new URL(fake.url).host, client: () => createGithubClient({ token: 'test-token' }, { baseUrl: fake.apiUrl, logger, serialSpacingMs: 0 }) }),
    });
    expect((await sync.syncAll())[0]).toMatchObject({ status: 'synced', problems: [] });
  });
  afterAll(async () => {
    await fake.close();
    await database.close();
  });

  it('gives the entity the Location that named it as parent, and that Location is a root', async () => {
    const { ctx } = createCatalogApi({ db: database.db, logger });
    const ancestry = await entityAncestry(ctx, 'component:default/billing');
    expect(ancestry.items.map((i) => [(i.entity as { metadata: { name: string } }).metadata.name, i.parentEntityRefs])).toEqual([
      ['billing', ['location:default/all']],
      ['all', []],
    ]);
    // An entry file of the source itself has no Location parent.
    expect((await entityAncestry(ctx, 'component:default/local')).items.map((i) => i.parentEntityRefs)).toEqual([[]]);
  });
});
