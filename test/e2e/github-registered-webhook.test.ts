/**
 * A repository registered at run time (catalog:register adds a just-published repository as
 * `github:<org>/<repo>`) is kept fresh by GitHub's push webhook like a configured organisation is:
 * the whole service, the fake GitHub, and signed deliveries.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { githubSourcesFor } from '../../src/cli/runtime.js';
import { startService, type RunningService } from '../../src/cli/serve.js';
import { loadConfig } from '../../src/config/index.js';
import { entities } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { componentYaml, generateOrg } from '../fakes/github/generate.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';
import { delivery, post, pushPayload } from '../fakes/github/webhooks.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/db.js';

const SECRET = 'webhook-secret-for-tests';
const catalogDir = new URL('../../catalog', import.meta.url).pathname;

describe('GitHub webhook for a repository registered at run time', () => {
  let dataDir: string;
  let database: TestDatabase | undefined;
  let fake: FakeGithub;
  let service: RunningService;
  let hook: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'callsheet-gh-registered-'));
    fake = await startFakeGithub({ org: generateOrg({ org: 'acme', repos: 3 }) });
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      CATALOG_SOURCES: catalogDir,
      TEMPLATE_SOURCES: '',
      LOG_LEVEL: 'silent',
      NUDGE_ENABLED: 'false',
      GITHUB_API_URL: fake.apiUrl,
      GITHUB_TOKEN: 'test-token',
      GITHUB_WEBHOOK_SECRET: SECRET,
    };
    if (testDatabaseUrl()) {
      database = await createTestDatabase();
      env.DATABASE_URL = database.url!;
    }
    service = await startService(loadConfig(env), { shell: false, logger: silentLogger() });
    await service.firstSync;
    hook = `http://127.0.0.1:${service.port}/github/webhook`;
  });
  afterAll(async () => {
    await service?.stop();
    await fake?.close();
    await database?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const ownerOf = async (ref: string) => {
    const [row] = await service.runtime.database.db.select({ owner: entities.ownerRef }).from(entities).where(eq(entities.ref, ref));
    return row?.owner;
  };

  it('routes a push for the registered repository to its source, and only to it', async () => {
    const report = await service.runtime.sync.addSource('github:acme/svc-00001');
    expect(report.status).toBe('synced');
    expect(await ownerOf('component:default/svc-00001')).toBe('group:default/team-1');
    expect(await githubSourcesFor(service.runtime, 'acme', 'svc-00001')).toEqual(['github:acme/svc-00001']);
    expect(await githubSourcesFor(service.runtime, 'acme', 'svc-00002')).toEqual([]);

    fake.org.commit('svc-00001', { 'catalog-info.yaml': componentYaml('svc-00001', 'team-new') });
    const res = await post(hook, await delivery(SECRET, 'push', pushPayload('acme', 'svc-00001')));
    expect(res.status).toBe(202);
    await vi.waitFor(async () => expect(await ownerOf('component:default/svc-00001')).toBe('group:default/team-new'), { timeout: 15_000 });
  });
});
