/**
 * Several catalog files per repository for `github:` sources: `?path=` takes a comma list and
 * globs (matched over the repository's git tree, as Backstage's GitHub reader searches); missing
 * files are skipped, a file added later under a glob is read on the next sync.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/index.js';
import { createGithubClient } from '../../src/github/client.js';
import { entities } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService } from '../../src/sync/service.js';
import { githubDriver } from '../../src/sync/sources/github.js';
import { FakeOrg } from '../fakes/github/model.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { component, syncConfig, tempDir } from '../helpers/sync-fixtures.js';

const logger = silentLogger();

describe('github: sources with several catalog files per repository', () => {
  let fake: FakeGithub;
  let org: FakeOrg;
  let database: TestDatabase;
  beforeAll(async () => {
    org = new FakeOrg('acme');
    org.addRepo('mono', { files: { 'services/billing/catalog-info.yaml': component('billing'), 'services/ledger/catalog-info.yaml': component('ledger'), 'docs/catalog-info.yaml': component('docs-site'), 'README.md': '# mono\n' } });
    org.addRepo('tools', { files: { 'extra.yaml': component('tool') } });
    org.addRepo('empty-ish', { files: { 'README.md': 'nothing here\n' } });
    fake = await startFakeGithub({ org });
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await fake.close();
    await database.close();
  });

  it('keeps a comma list of paths inside its CATALOG_SOURCES item', () => {
    const config = loadConfig({ CATALOG_SOURCES: 'github:acme?path=services/*/catalog-info.yaml,extra.yaml,./catalog', GITHUB_TOKEN: 't' });
    expect(config.CATALOG_SOURCES).toEqual(['github:acme?path=services/*/catalog-info.yaml,extra.yaml', './catalog']);
  });

  const source = 'github:acme?path=services/*/catalog-info.yaml,extra.yaml';
  const sync = async () =>
    (
      await createSyncService({
        db: database.db,
        config: syncConfig({ DATA_DIR: await tempDir('callsheet-data-'), CATALOG_SOURCES: [source] }),
        logger,
        clock: fixedClock('2026-02-01T00:00:00Z'),
        drivers: { github: (rest) => githubDriver({ source: `github:${rest}`, apiUrl: fake.apiUrl, logger, client: () => createGithubClient({ token: 'test-token' }, { baseUrl: fake.apiUrl, logger, serialSpacingMs: 0 }) }) },
      }).syncAll()
    )[0]!;
  const refs = async () => (await database.db.select({ ref: entities.ref, file: entities.filePath }).from(entities).where(eq(entities.sourceId, source))).map((r) => `${r.ref} ${r.file}`).sort();

  it('reads every listed file and every file a glob matches, skipping what is not there', async () => {
    const report = await sync();
    expect(report).toMatchObject({ status: 'synced', added: 3, problems: [] });
    expect(await refs()).toEqual([
      'component:default/billing acme/mono/services/billing/catalog-info.yaml',
      'component:default/ledger acme/mono/services/ledger/catalog-info.yaml',
      'component:default/tool acme/tools/extra.yaml',
    ]);
  });

  it('reads a file added under the glob on the next sync, and removes a deleted one', async () => {
    org.commit('mono', { 'services/audit/catalog-info.yaml': component('audit'), 'services/ledger/catalog-info.yaml': null });
    const report = await sync();
    expect(report).toMatchObject({ status: 'synced', added: 1, removed: 1 });
    expect((await refs()).map((r) => r.split(' ')[0])).toEqual(['component:default/audit', 'component:default/billing', 'component:default/tool']);
  });
});
