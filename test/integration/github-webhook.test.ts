import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGithubClient } from '../../src/github/client.js';
import { createGithubWebhookRouter, workFor } from '../../src/http/github-webhook.js';
import { entities, inboundDeliveries } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { githubDriver } from '../../src/sync/sources/github.js';
import { componentYaml, generateOrg } from '../fakes/github/generate.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';
import { delivery, post, pushPayload, repositoryPayload } from '../fakes/github/webhooks.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { applyGithubSnapshot } from '../helpers/github-read.js';

const SECRET = 'It’s a Secret to Everybody';
const logger = silentLogger();

async function listen(app: express.Express): Promise<{ url: string; server: Server }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/github/webhook`, server };
}

describe('GitHub webhook', () => {
  let database: TestDatabase;
  let fake: FakeGithub;
  let url: string;
  let server: Server;
  let pending: Promise<void>[] = [];
  const calls: string[] = [];
  let state: { revision: string | null; state: Record<string, unknown> | null } = { revision: null, state: null };

  beforeAll(async () => {
    database = await createTestDatabase();
    fake = await startFakeGithub({ org: generateOrg({ org: 'acme', repos: 3 }) });
    const driver = githubDriver({ source: 'github:acme', apiUrl: fake.apiUrl, logger, client: () => createGithubClient({ token: 'test-token' }, { baseUrl: fake.apiUrl, logger, serialSpacingMs: 0 }) });
    // The integrator's wiring: re-sync just the named repository.
    const resync = async (org: string, repo: string, reason: string) => {
      calls.push(`${reason} ${org}/${repo}`);
      const snapshot = await driver.snapshot(state.revision, state.state, { trees: [`${org}/${repo}`] });
      if (!snapshot) return;
      state = { revision: snapshot.revision, state: snapshot.state ?? null };
      await applyGithubSnapshot(database.db, driver.id, snapshot);
    };
    const first = (await driver.snapshot(null, null))!;
    state = { revision: first.revision, state: first.state ?? null };
    await applyGithubSnapshot(database.db, driver.id, first);

    const app = express();
    app.use(createGithubWebhookRouter({ secret: SECRET, db: database.db, logger, onRepositoryChanged: resync, onRepositoryRemoved: resync, track: (p) => pending.push(p) }));
    ({ url, server } = await listen(app));
  });
  afterAll(async () => {
    server?.close();
    await fake.close();
    await database.close();
  });
  beforeEach(() => {
    calls.length = 0;
    pending = [];
  });
  const settle = () => Promise.all(pending);
  const ownerOf = async (ref: string) => (await database.db.select({ owner: entities.ownerRef }).from(entities).where(eq(entities.ref, ref)))[0]?.owner;

  it('refuses deliveries with a missing or wrong signature', async () => {
    const good = await delivery(SECRET, 'push', pushPayload('acme', 'svc-00000'));
    expect((await post(url, { ...good, headers: { ...good.headers, 'x-hub-signature-256': '' } })).status).toBe(401);
    const wrong = await delivery('another secret', 'push', pushPayload('acme', 'svc-00000'));
    expect((await post(url, wrong)).status).toBe(401);
    const tampered = { ...good, body: good.body.replace('svc-00000', 'svc-00001') };
    expect((await post(url, tampered)).status).toBe(401);
    await settle();
    expect(calls).toEqual([]);
    expect(await database.db.select().from(inboundDeliveries)).toEqual([]);
  });

  it('refuses everything when no secret is configured', async () => {
    const app = express();
    app.use(createGithubWebhookRouter({ secret: undefined, db: database.db, logger, onRepositoryChanged: async () => {}, onRepositoryRemoved: async () => {} }));
    const open = await listen(app);
    try {
      expect((await post(open.url, await delivery(undefined, 'ping', { zen: 'hi' }))).status).toBe(401);
      expect((await post(open.url, await delivery('any', 'ping', { zen: 'hi' }))).status).toBe(401);
    } finally {
      open.server.close();
    }
  });

  it('answers ping', async () => {
    expect((await post(url, await delivery(SECRET, 'ping', { zen: 'Keep it logically awesome.' }))).status).toBe(200);
  });

  it('re-syncs the repository on a push to the default branch, so the new owner is in the catalog', async () => {
    fake.org.commit('svc-00001', { 'catalog-info.yaml': componentYaml('svc-00001', 'team-new') });
    const res = await post(url, await delivery(SECRET, 'push', pushPayload('acme', 'svc-00001')));
    expect(res.status).toBe(202);
    await settle();
    expect(calls).toEqual(['push acme/svc-00001']);
    expect(await ownerOf('component:default/svc-00001')).toBe('group:default/team-new');
  });

  it('ignores pushes to other branches and pushes that touch no catalog file', async () => {
    expect((await post(url, await delivery(SECRET, 'push', pushPayload('acme', 'svc-00001', { branch: 'feature' })))).status).toBe(202);
    expect((await post(url, await delivery(SECRET, 'push', pushPayload('acme', 'svc-00001', { modified: ['src/index.ts'] })))).status).toBe(202);
    await settle();
    expect(calls).toEqual([]);
  });

  it('handles a delivery id once, however often GitHub redelivers it', async () => {
    const d = await delivery(SECRET, 'push', pushPayload('acme', 'svc-00002'), 'delivery-42');
    expect((await post(url, d)).status).toBe(202);
    const again = await post(url, d);
    expect(again).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    await settle();
    expect(calls).toEqual(['push acme/svc-00002']);
  });

  it('removes an archived or deleted repository’s entities and adds a created one', async () => {
    fake.org.archive('svc-00000');
    await post(url, await delivery(SECRET, 'repository', repositoryPayload('acme', 'svc-00000', 'archived')));
    await settle();
    expect(await ownerOf('component:default/svc-00000')).toBeUndefined();

    fake.org.remove('svc-00002');
    await post(url, await delivery(SECRET, 'repository', repositoryPayload('acme', 'svc-00002', 'deleted')));
    await settle();
    expect(await ownerOf('component:default/svc-00002')).toBeUndefined();

    fake.org.addRepo('brand-new', { files: { 'catalog-info.yaml': componentYaml('brand-new', 'team-x') } });
    await post(url, await delivery(SECRET, 'repository', repositoryPayload('acme', 'brand-new', 'created')));
    await settle();
    expect(await ownerOf('component:default/brand-new')).toBe('group:default/team-x');
    expect(calls).toEqual(['repository archived acme/svc-00000', 'repository deleted acme/svc-00002', 'repository created acme/brand-new']);
  });

  it('maps renames and transfers to removing the old name and reading the new one', () => {
    expect(workFor('repository', repositoryPayload('acme', 'new-name', 'renamed', { repository: { name: { from: 'old-name' } } }))).toEqual([
      { kind: 'removed', org: 'acme', repo: 'old-name', reason: 'repository renamed' },
      { kind: 'changed', org: 'acme', repo: 'new-name', reason: 'repository renamed' },
    ]);
    expect(workFor('repository', repositoryPayload('acme', 'moved', 'transferred', { owner: { from: { organization: { login: 'globex' } } } })).map((w) => `${w.kind} ${w.org}/${w.repo}`)).toEqual([
      'removed globex/moved',
      'changed acme/moved',
    ]);
    expect(workFor('push', { ...pushPayload('acme', 'x'), deleted: true })).toEqual([]);
  });
});
