/**
 * The GitHub webhook's re-read as `serve` wires it (`githubResync`): pushes to several repositories of
 * one `github:` source arriving together are all followed. The second push used to find the source
 * held by the first push's re-read and was dropped until the next SYNC_INTERVAL.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubResync } from '../../src/cli/github-resync.js';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/index.js';
import { entities } from '../../src/db/schema.js';
import { createGithubClient } from '../../src/github/client.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService, type SyncService } from '../../src/sync/service.js';
import { githubDriver } from '../../src/sync/sources/github.js';
import { componentYaml, generateOrg } from '../fakes/github/generate.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const logger = silentLogger();

describe('GitHub pushes arriving together', () => {
  let fake: FakeGithub;
  let database: TestDatabase;
  let sync: SyncService;

  beforeAll(async () => {
    fake = await startFakeGithub({ org: generateOrg({ org: 'acme', repos: 6, archivedEvery: 0, missingEvery: 0, brokenEvery: 0, locationEvery: 0 }) });
    database = await createTestDatabase();
    sync = createSyncService({
      db: database.db,
      config: loadConfig({ CATALOG_SOURCES: 'github:acme', TEMPLATE_SOURCES: '', DATA_DIR: '/tmp/callsheet-github-resync' }),
      logger,
      clock: systemClock,
      drivers: { github: (rest) => githubDriver({ source: `github:${rest}`, apiUrl: fake.apiUrl, logger, client: () => createGithubClient({ token: 'test-token' }, { baseUrl: fake.apiUrl, logger, serialSpacingMs: 0 }) }) },
    });
    await sync.syncAll();
  });
  afterAll(async () => {
    await sync.stop();
    await database.close();
    await fake.close();
  });

  const ownerOf = async (name: string) => (await database.db.select({ owner: entities.ownerRef }).from(entities).where(eq(entities.ref, `component:default/${name}`)))[0]?.owner;

  it('re-reads every pushed repository, waiting for a source another re-read holds', async () => {
    const repos = ['svc-00001', 'svc-00002', 'svc-00003'];
    for (const repo of repos) fake.org.commit(repo, { 'catalog-info.yaml': componentYaml(repo, `team-${repo}`) });
    const resync = githubResync({ sync, githubSources: new Map([['acme', ['github:acme']]]), database }, { retryMs: 20 });
    await Promise.all(repos.map((repo) => resync('acme', repo)));
    for (const repo of repos) expect(await ownerOf(repo)).toBe(`group:default/team-${repo}`);
  });
});
