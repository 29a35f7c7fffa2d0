/**
 * POST /gitlab/webhook end to end: X-Gitlab-Token checked (refused without, when wrong, when no
 * secret is configured), deliveries de-duplicated by X-Gitlab-Event-UUID, answered 202 before the
 * work, and a push to the default branch re-syncing the project so `owner` answers fresh.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitlabResync } from '../../src/cli/gitlab-sources.js';
import { plain } from '../../src/reply/reply.js';
import { runLine } from '../../src/commands/run.js';
import { createGitlabWebhookRouter, gitlabWorkFor } from '../../src/http/gitlab-webhook.js';
import { silentLogger } from '../../src/logger.js';
import type { SyncService } from '../../src/sync/service.js';
import { FakeGitlabModel } from '../fakes/gitlab/model.js';
import { startFakeGitlab, type FakeGitlab } from '../fakes/gitlab/server.js';
import { deliver, projectEvent, pushPayload } from '../fakes/gitlab/webhooks.js';
import { commandContext } from '../helpers/command-context.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { gitlabSyncService, push } from '../helpers/gitlab-sync.js';
import { component } from '../helpers/sync-fixtures.js';

describe('GitLab webhook', () => {
  let fake: FakeGitlab;
  let database: TestDatabase;
  let sync: SyncService;
  let server: Server;
  let unsetServer: Server;
  let url = '';
  let unsetUrl = '';
  const pending: Promise<void>[] = [];
  const calls: string[] = [];
  const model = new FakeGitlabModel();

  const listen = async (app: express.Express) => {
    const s = await new Promise<Server>((resolve) => {
      const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
    });
    return { s, url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/gitlab/webhook` };
  };
  const settle = async () => {
    while (pending.length) await pending.shift();
  };
  const owner = async (name: string) => {
    const reply = await runLine(`owner ${name}`, commandContext(database.db));
    return [reply.header ?? '', ...reply.sections.flatMap((s) => [plain(s.text ?? []), ...(s.fields ?? []).map((f) => `${f.label}: ${plain(f.value)}`)])].join('\n');
  };

  beforeAll(async () => {
    model.addProject('acme/payments-api', { files: { 'catalog-info.yaml': component('payments-api', 'team-payments') } });
    model.addProject('acme/platform/ledger', { files: { 'catalog-info.yaml': component('ledger', 'team-ledger') } });
    fake = await startFakeGitlab({ model });
    database = await createTestDatabase();
    sync = gitlabSyncService(database.db, fake, ['gitlab:acme']);
    await sync.syncSource('gitlab:acme');
    const resync = gitlabResync({ sync, database });
    const app = express();
    app.use(createGitlabWebhookRouter({ secret: 'gitlab-hook-secret', db: database.db, logger: silentLogger(), track: (p) => pending.push(p), onProjectChanged: (p, r) => (calls.push(`${r} ${p}`), resync(p)), onProjectRemoved: (p, r) => (calls.push(`${r} ${p}`), resync(p)) }));
    ({ s: server, url } = await listen(app));
    const unset = express();
    unset.use(createGitlabWebhookRouter({ secret: undefined, db: database.db, logger: silentLogger(), onProjectChanged: async () => {}, onProjectRemoved: async () => {} }));
    ({ s: unsetServer, url: unsetUrl } = await listen(unset));
  });
  afterAll(async () => {
    for (const s of [server, unsetServer]) s?.closeAllConnections(), s?.close();
    await fake.close();
    await database.close();
  });

  it('refuses deliveries without the token, with a wrong one, and when no secret is configured', async () => {
    const body = pushPayload(model.mustGet('acme/payments-api'), ['catalog-info.yaml']);
    expect((await deliver(url, body, { token: null })).status).toBe(401);
    expect((await deliver(url, body, { token: 'guess' })).status).toBe(401);
    expect((await deliver(unsetUrl, body)).status).toBe(401);
    expect((await deliver(url, body, { uuid: 'not a uuid!' })).status).toBe(400);
    expect(calls).toEqual([]);
  });

  it('a push to the default branch touching YAML re-syncs the project: owner answers fresh within seconds', async () => {
    expect(await owner('payments-api')).toContain('team-payments');
    const project = model.mustGet('acme/payments-api');
    push(project, { 'catalog-info.yaml': component('payments-api', 'team-checkout') }, model);
    const started = performance.now();
    const answer = await deliver(url, pushPayload(project, ['catalog-info.yaml']), { uuid: '5f2d1c9e-0000-4000-8000-000000000001' });
    expect(answer.status).toBe(202);
    await settle();
    expect(await owner('payments-api')).toContain('team-checkout');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(calls).toEqual(['push acme/payments-api']);
  });

  it('follows pushes to several projects arriving together (a source busy with one is re-tried for the next)', async () => {
    const a = model.mustGet('acme/payments-api');
    const b = model.mustGet('acme/platform/ledger');
    push(a, { 'catalog-info.yaml': component('payments-api', 'team-a') }, model);
    push(b, { 'catalog-info.yaml': component('ledger', 'team-b') }, model);
    const answers = await Promise.all([deliver(url, pushPayload(a, ['catalog-info.yaml'])), deliver(url, pushPayload(b, ['catalog-info.yaml']))]);
    expect(answers.map((x) => x.status)).toEqual([202, 202]);
    await settle();
    expect(await owner('payments-api')).toContain('team-a');
    expect(await owner('ledger')).toContain('team-b');
    calls.splice(0);
  });

  it('does a redelivered event once only', async () => {
    const project = model.mustGet('acme/payments-api');
    const again = await deliver(url, pushPayload(project, ['catalog-info.yaml']), { uuid: '5f2d1c9e-0000-4000-8000-000000000001' });
    expect(again).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    await settle();
    expect(calls).toHaveLength(0);
  });

  it('ignores pushes to other branches and pushes touching no YAML', async () => {
    const project = model.mustGet('acme/payments-api');
    expect((await deliver(url, pushPayload(project, ['catalog-info.yaml'], { ref: 'refs/heads/feature' }))).body.actions).toBe(0);
    expect((await deliver(url, pushPayload(project, ['src/index.ts']))).body.actions).toBe(0);
    // More commits than GitLab lists: the file may have been touched.
    expect((await deliver(url, pushPayload(project, ['src/index.ts'], { totalCommits: 40 }))).body.actions).toBe(1);
    await settle();
  });

  it('handles projects renamed, archived, deleted and created', async () => {
    const ledger = model.mustGet('acme/platform/ledger');
    model.rename(ledger, 'acme/platform/ledger-core'); // the old path still answers, with the renamed project
    expect((await deliver(url, projectEvent('project_rename', 'acme/platform/ledger-core', 'acme/platform/ledger'))).status).toBe(202);
    await settle();
    expect(await owner('ledger')).toMatch(/Code: 127\.0\.0\.1:\d+\/acme\/platform\/ledger-core$/m);

    ledger.archived = true;
    await deliver(url, projectEvent('project_update', 'acme/platform/ledger-core'));
    await settle();
    expect(await owner('ledger')).not.toContain('team-ledger');

    model.projects.delete(model.mustGet('acme/payments-api').id);
    await deliver(url, projectEvent('project_destroy', 'acme/payments-api'));
    await settle();
    expect(await owner('payments-api')).not.toContain('team-checkout');

    model.addProject('acme/new-thing', { files: { 'catalog-info.yaml': component('new-thing', 'team-new') } });
    await deliver(url, projectEvent('project_create', 'acme/new-thing'));
    await settle();
    expect(await owner('new-thing')).toContain('team-new');
    expect(calls.slice(-5)).toEqual(['project_rename acme/platform/ledger', 'project_rename acme/platform/ledger-core', 'project_update acme/platform/ledger-core', 'project_destroy acme/payments-api', 'project_create acme/new-thing']);

    // Moved to another group: the old path (which GitLab still answers) leaves this source.
    model.rename(model.mustGet('acme/new-thing'), 'elsewhere/new-thing');
    await deliver(url, projectEvent('project_transfer', 'elsewhere/new-thing', 'acme/new-thing'));
    await settle();
    expect(await owner('new-thing')).not.toContain('team-new');
  });

  it('reads events as GitLab words them', () => {
    expect(gitlabWorkFor({ object_kind: 'push', ref: 'refs/heads/main', after: '0'.repeat(40), project: { path_with_namespace: 'a/b', default_branch: 'main' }, commits: [] })).toEqual([]);
    expect(gitlabWorkFor({ event_name: 'project_transfer', path_with_namespace: 'b/x', old_path_with_namespace: 'a/x' })).toEqual([
      { kind: 'removed', project: 'a/x', reason: 'project_transfer' },
      { kind: 'changed', project: 'b/x', reason: 'project_transfer' },
    ]);
    expect(gitlabWorkFor({ event_name: 'user_create' })).toEqual([]);
  });
});
