/**
 * Two replicas configured with the same `github:` source, syncing at the same moment on one
 * database: one does the work (and the GitHub requests), the other skips; the catalog is written once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/index.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { entities, syncRuns } from '../../src/db/schema.js';
import { createGithubClient } from '../../src/github/client.js';
import { silentLogger } from '../../src/logger.js';
import { githubDriver } from '../../src/sync/sources/github.js';
import { createSyncService } from '../../src/sync/service.js';
import { generateOrg } from '../fakes/github/generate.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const logger = silentLogger();

describe('two replicas syncing one GitHub organisation', () => {
  let fake: FakeGithub;
  let database: TestDatabase;
  let second: Database | undefined;

  beforeAll(async () => {
    fake = await startFakeGithub({ org: generateOrg({ org: 'acme', repos: 30, archivedEvery: 0, missingEvery: 0, brokenEvery: 0, locationEvery: 0 }) });
    database = await createTestDatabase();
    // On Postgres the second replica has its own connections, as a second process would.
    if (database.url) second = await openDatabase({ url: database.url, poolSize: 3 });
  });
  afterAll(async () => {
    await second?.close();
    await database.close();
    await fake.close();
  });

  function replica(db: Database['db'], name: string) {
    const config = { ...loadConfig({ CATALOG_SOURCES: 'github:acme', TEMPLATE_SOURCES: '', DATA_DIR: '/tmp/callsheet-github-replicas' }), INSTANCE_ID: name };
    return createSyncService({
      db,
      config,
      logger,
      clock: systemClock,
      drivers: {
        github: (rest) =>
          githubDriver({ source: `github:${rest}`, apiUrl: fake.apiUrl, logger, client: () => createGithubClient({ token: 'test-token' }, { baseUrl: fake.apiUrl, logger, serialSpacingMs: 0 }) }),
      },
    });
  }

  it('does the work once: one replica syncs, the other skips, GitHub is asked once', async () => {
    const a = replica(database.db, 'replica-a');
    const b = replica((second ?? database).db, 'replica-b');
    const [ra, rb] = await Promise.all([a.syncAll(), b.syncAll()]);
    const statuses = [...ra, ...rb].map((r) => r.status).sort();
    expect(statuses).toEqual(['skipped', 'synced']);
    const [{ n }] = await database.db.select({ n: sql<number>`count(*)::int` }).from(entities).where(eq(entities.sourceId, 'github:acme'));
    expect(n).toBe(30);
    const runs = await database.db.select().from(syncRuns).where(eq(syncRuns.sourceId, 'github:acme'));
    expect(runs.filter((r) => r.status !== 'skipped')).toHaveLength(1);
    // 30 repositories fit one listing page and one GraphQL page: a second sync would double these.
    expect(fake.requests.byRoute.get('POST /graphql')).toBe(1);
    await Promise.all([a.stop(), b.stop()]);
  });
});
