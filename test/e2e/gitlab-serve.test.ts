/**
 * The whole service with GitLab configured: `gitlab:` and `gitlab-org:` sources synced at start-up
 * through the runtime's wiring, `POST /gitlab/webhook` mounted and verified, a push re-syncing the
 * project, and nudges' Fix routed to GitLab merge requests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startService, type RunningService } from '../../src/cli/serve.js';
import { loadConfig } from '../../src/config/index.js';
import { entities } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { FakeGitlabModel } from '../fakes/gitlab/model.js';
import { startFakeGitlab, type FakeGitlab } from '../fakes/gitlab/server.js';
import { deliver, pushPayload } from '../fakes/gitlab/webhooks.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/db.js';
import { push } from '../helpers/gitlab-sync.js';
import { component } from '../helpers/sync-fixtures.js';

describe('serve with GitLab', () => {
  let dataDir: string;
  let database: TestDatabase | undefined;
  let fake: FakeGitlab;
  let service: RunningService;
  let hook: string;
  const model = new FakeGitlabModel();

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'callsheet-gitlab-serve-'));
    model.addProject('acme/platform/payments-api', { files: { 'catalog-info.yaml': component('payments-api', 'acme-platform') } });
    model.addMember('acme/platform', model.addUser('alice', { public_email: 'alice@acme.example' }));
    fake = await startFakeGitlab({ model });
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      CATALOG_SOURCES: 'gitlab:acme,gitlab-org:acme',
      TEMPLATE_SOURCES: '',
      LOG_LEVEL: 'silent',
      NUDGE_ENABLED: 'false',
      GITLAB_URL: fake.url,
      GITLAB_TOKEN: 'test-token',
      GITLAB_WEBHOOK_SECRET: 'gitlab-hook-secret',
    };
    if (testDatabaseUrl()) {
      database = await createTestDatabase();
      env.DATABASE_URL = database.url!;
    }
    service = await startService(loadConfig(env), { shell: false, logger: silentLogger() });
    await service.firstSync;
    hook = `http://127.0.0.1:${service.port}/gitlab/webhook`;
  });
  afterAll(async () => {
    await service?.stop();
    await fake?.close();
    await database?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const ownerOf = async (ref: string) => (await service.runtime.database.db.select({ owner: entities.ownerRef }).from(entities).where(eq(entities.ref, ref)))[0]?.owner;

  it('syncs the group and the org at start-up', async () => {
    expect(await ownerOf('component:default/payments-api')).toBe('group:default/acme-platform');
    const [alice] = await service.runtime.database.db.select().from(entities).where(eq(entities.ref, 'user:default/alice'));
    expect(alice?.sourceId).toBe('gitlab-org:acme');
  });

  it('refuses an unverified delivery and follows a verified push', async () => {
    const project = model.mustGet('acme/platform/payments-api');
    expect((await deliver(hook, pushPayload(project, ['catalog-info.yaml']), { token: 'wrong' })).status).toBe(401);
    push(project, { 'catalog-info.yaml': component('payments-api', 'acme') }, model);
    expect((await deliver(hook, pushPayload(project, ['catalog-info.yaml']))).status).toBe(202);
    await vi.waitFor(async () => expect(await ownerOf('component:default/payments-api')).toBe('group:default/acme'), { timeout: 15_000 });
  });

  it('routes Fix for GitLab files to merge requests', () => {
    expect(service.runtime.pullRequests?.handles(`${fake.url}/acme/platform/payments-api/-/blob/main/catalog-info.yaml`)).toBe(true);
    expect(service.runtime.pullRequests?.handles('https://github.com/acme/x/blob/main/catalog-info.yaml')).toBe(false);
  });
});
