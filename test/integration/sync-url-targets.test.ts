/**
 * `type: url` Location targets and `$text: https://…` placeholders naming files of other repositories
 * on the (fake) GitHub, through the real sync of a real Git repository: read through the contents API
 * with the token, re-checked before every sync with If-None-Match (a 304 when unchanged), re-read when
 * they change although the central repository did not, kept when a read fails, refused with the host
 * and the setting named when on another host, and re-read when a push to their repository arrives.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { entities, sources } from '../../src/db/schema.js';
import { createGithubClient } from '../../src/github/client.js';
import { githubUrlFiles } from '../../src/github/url-files.js';
import { createGithubWebhookRouter } from '../../src/http/github-webhook.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService, type SyncService } from '../../src/sync/service.js';
import { githubDriver } from '../../src/sync/sources/github.js';
import { FakeOrg } from '../fakes/github/model.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';
import { delivery, post, pushPayload } from '../fakes/github/webhooks.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { GitRepo, component, syncConfig, tempDir } from '../helpers/sync-fixtures.js';

const logger = silentLogger();
const SECRET = 'url-targets-secret';

describe('url Location targets and URL placeholders on the configured GitHub', () => {
  let database: TestDatabase;
  let fake: FakeGithub;
  let central: GitRepo;
  let source: string;
  let dataDir: string;
  let web: string;

  const allYaml = (extra: string[] = []) => `apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: all
spec:
  type: url
  targets:
${[`${web}/acme/billing/blob/main/catalog-info.yaml`, `${web}/acme/ledger/blob/main/catalog-info.yaml`, ...extra].map((t) => `    - ${t}`).join('\n')}
`;
  const api = () => `apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: billing-api
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition:
    $text: ${web}/acme/billing/blob/main/openapi.yaml
`;

  const service = (): SyncService =>
    createSyncService({
      db: database.db,
      config: syncConfig({ DATA_DIR: dataDir, CATALOG_SOURCES: [source] }),
      logger,
      clock: fixedClock('2026-02-01T00:00:00Z'),
      urlFiles: githubUrlFiles({ host: new URL(fake.url).host, client: () => createGithubClient({ token: 'test-token' }, { baseUrl: fake.apiUrl, logger, serialSpacingMs: 0 }) }),
    });
  const row = async (ref: string) => (await database.db.select().from(entities).where(eq(entities.ref, ref)))[0];
  const contentReads = () => fake.log.filter((r) => r.label === 'GET /repos/:owner/:repo/contents/*path');

  beforeAll(async () => {
    database = await createTestDatabase();
    const org = new FakeOrg('acme');
    org.addRepo('billing', { files: { 'catalog-info.yaml': component('billing'), 'openapi.yaml': 'openapi: 3.0.0\ninfo: { title: Billing, version: "1" }\n' } });
    org.addRepo('ledger', { files: { 'catalog-info.yaml': component('ledger') } });
    fake = await startFakeGithub({ org });
    web = fake.url;
    dataDir = await tempDir('callsheet-data-');
    central = await GitRepo.create();
    await central.commit({ 'all.yaml': allYaml(), 'apis/billing-api.yaml': api() }, 'first', '2026-01-01T00:00:00Z');
    source = `file://${central.dir}`;
  });
  afterAll(async () => {
    await fake.close();
    await database.close();
  });

  it('reads the targets and the placeholder through the contents API, with Backstage location annotations', async () => {
    const report = (await service().syncAll())[0]!;
    expect(report).toMatchObject({ status: 'synced', added: 4, problems: [] });
    const billing = (await row('component:default/billing'))!;
    const annotations = (billing.entity as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
    expect(annotations['backstage.io/managed-by-location']).toBe(`url:${web}/acme/billing/blob/main/catalog-info.yaml`);
    expect(annotations['backstage.io/managed-by-origin-location']).toMatch(/:all\.yaml$/);
    expect(annotations['backstage.io/edit-url']).toBe(`${web}/acme/billing/edit/main/catalog-info.yaml`);
    expect(billing.filePath).toBe(`${web}/acme/billing/blob/main/catalog-info.yaml`);
    // Its own last commit, for staleness (the commits API), not the central file's.
    expect(billing.fileCommittedAt?.toISOString()).toBe(new Date(fake.org.get('billing')!.files.get('catalog-info.yaml')!.committedAt).toISOString());
    expect(((await row('api:default/billing-api'))!.entity as { spec: { definition: string } }).spec.definition).toContain('title: Billing');
  });

  it('a second sync with nothing changed asks with If-None-Match and is answered 304', async () => {
    fake.log.length = 0;
    // A new service (as after a restart): the ETags come from the source's stored state.
    expect((await service().syncAll())[0]).toMatchObject({ status: 'unchanged', problems: [] });
    const reads = contentReads();
    expect(reads).toHaveLength(3);
    for (const r of reads) expect(r).toMatchObject({ ifNoneMatch: expect.stringMatching(/^W\/"/), status: 304 });
  });

  it('a change in a remote file is picked up although the central repository did not change, as a fresh sync reads it', async () => {
    fake.org.commit('ledger', { 'catalog-info.yaml': component('ledger', 'team-b') });
    fake.org.commit('billing', { 'openapi.yaml': 'openapi: 3.0.0\ninfo: { title: Billing v2, version: "2" }\n' });
    fake.log.length = 0;
    const sync = service();
    expect((await sync.syncAll())[0]).toMatchObject({ status: 'synced', updated: 2, problems: [] });
    expect((await row('component:default/ledger'))!.ownerRef).toBe('group:default/team-b');
    expect(((await row('api:default/billing-api'))!.entity as { spec: { definition: string } }).spec.definition).toContain('Billing v2');
    // The unchanged billing catalog file was answered 304 on the check.
    expect(contentReads().find((r) => r.path.endsWith('/billing/contents/catalog-info.yaml'))).toMatchObject({ status: 304 });
    expect((await sync.syncAll())[0]).toMatchObject({ status: 'unchanged' });

    // Where a fresh sync of the same commit ends: forget the source's state and its entities, read again.
    const hashes = async () => Object.fromEntries((await database.db.select().from(entities).where(eq(entities.sourceId, source))).map((r) => [r.ref, r.contentHash]));
    const incremental = await hashes();
    await database.db.update(sources).set({ lastRevision: null, state: null }).where(eq(sources.id, source));
    await database.db.delete(entities).where(eq(entities.sourceId, source));
    expect((await service().syncAll())[0]).toMatchObject({ status: 'synced', added: 4, problems: [] });
    expect(await hashes()).toEqual(incremental);
  });
  it('a remote read that fails (500) keeps the last good entities with a problem saying why, and the next sync lands the change', async () => {
    fake.org.commit('ledger', { 'catalog-info.yaml': component('ledger', 'team-c') });
    fake.failPath('/repos/acme/ledger/contents', 500);
    const failed = (await service().syncAll())[0]!;
    expect(failed.status).toBe('synced');
    expect(failed.removed).toBe(0);
    expect(failed.problems).toEqual(expect.arrayContaining([expect.objectContaining({ filePath: 'all.yaml', entityRef: 'location:default/all', message: expect.stringContaining('500') })]));
    expect((await row('component:default/ledger'))!.ownerRef).toBe('group:default/team-b');
    expect(await row('component:default/billing')).toBeDefined();
    expect(await row('location:default/all')).toBeDefined();
    // Still failing: tried again, still kept.
    const again = (await service().syncAll())[0]!;
    expect(again.removed).toBe(0);
    expect(again.problems).toEqual(expect.arrayContaining([expect.objectContaining({ message: expect.stringContaining('500') })]));

    fake.failPath('/repos/acme/ledger/contents', 500, 0);
    expect((await service().syncAll())[0]).toMatchObject({ status: 'synced', problems: [] });
    expect((await row('component:default/ledger'))!.ownerRef).toBe('group:default/team-c');
  });

  it('a target on a host that is not allowed fails its Location with the host and the setting named; nothing is lost', async () => {
    await central.commit({ 'all.yaml': allYaml(['https://gitlab.example.com/acme/other/blob/main/catalog-info.yaml']) }, 'other host', '2026-01-02T00:00:00Z');
    const report = (await service().syncAll())[0]!;
    expect(report.removed).toBe(0);
    expect(report.problems).toEqual([
      expect.objectContaining({ filePath: 'all.yaml', entityRef: 'location:default/all', message: expect.stringMatching(/gitlab\.example\.com.*GITHUB_API_URL/) }),
    ]);
    for (const ref of ['component:default/billing', 'component:default/ledger', 'location:default/all', 'api:default/billing-api']) expect(await row(ref)).toBeDefined();
    await central.commit({ 'all.yaml': allYaml() }, 'back', '2026-01-03T00:00:00Z');
    expect((await service().syncAll())[0]).toMatchObject({ status: 'synced', problems: [] });
  });

  it('without GitHub access a url target is refused with the variables to set', async () => {
    const sync = createSyncService({ db: database.db, config: syncConfig({ DATA_DIR: dataDir, CATALOG_SOURCES: [source] }), logger, clock: fixedClock('2026-02-01T00:00:00Z') });
    await central.commit({ 'all.yaml': allYaml().replace('name: all', 'name: all\n  description: touched') }, 'touch', '2026-01-04T00:00:00Z');
    const report = (await sync.syncAll())[0]!;
    expect(report.removed).toBe(0);
    expect(report.problems).toEqual([expect.objectContaining({ filePath: 'all.yaml', message: expect.stringContaining('GITHUB_TOKEN') })]);
    expect((await service().syncAll())[0]).toMatchObject({ problems: [] });
  });

  it('a push to a target repository re-reads its file through the webhook', async () => {
    const sync = service();
    const pending: Promise<void>[] = [];
    const host = new URL(fake.url).host;
    const app = express();
    app.use(
      createGithubWebhookRouter({
        secret: SECRET,
        db: database.db,
        logger,
        track: (p) => pending.push(p),
        onRepositoryChanged: async () => {},
        onRepositoryRemoved: async () => {},
        // serve's wiring
        onDefaultBranchPush: async (org, repo, paths) => void (await sync.syncReadersOf({ host, owner: org, repo, ...(paths ? { paths } : {}) })),
      }),
    );
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/github/webhook`;
      fake.org.commit('billing', { 'catalog-info.yaml': component('billing', 'team-d') });
      // A push touching another file of the repository is no reason to read anything.
      expect((await post(url, await delivery(SECRET, 'push', pushPayload('acme', 'billing', { modified: ['README.md'] })))).status).toBe(202);
      await Promise.all(pending);
      expect((await row('component:default/billing'))!.ownerRef).toBe('group:default/team-a');
      expect((await post(url, await delivery(SECRET, 'push', pushPayload('acme', 'billing', { modified: ['catalog-info.yaml'] })))).status).toBe(202);
      await Promise.all(pending);
      expect((await row('component:default/billing'))!.ownerRef).toBe('group:default/team-d');
    } finally {
      server.close();
    }
  });
});

describe('url targets named from a github: source', () => {
  let database: TestDatabase;
  let fake: FakeGithub;
  beforeAll(async () => {
    database = await createTestDatabase();
    const org = new FakeOrg('acme');
    fake = await startFakeGithub({ org });
    org.addRepo('catalog', { files: { 'all.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\nspec:\n  type: url\n  target: ${fake.url}/acme/ledger/blob/main/catalog-info.yaml\n` } });
    org.addRepo('ledger', { files: { 'catalog-info.yaml': component('ledger') } });
  });
  afterAll(async () => {
    await fake.close();
    await database.close();
  });

  it('keeps the target under the repository that named it and re-reads that repository when only the target changed', async () => {
    const client = () => createGithubClient({ token: 'test-token' }, { baseUrl: fake.apiUrl, logger, serialSpacingMs: 0 });
    const source = 'github:acme/catalog?path=all.yaml';
    const sync = createSyncService({
      db: database.db,
      config: syncConfig({ DATA_DIR: await tempDir('callsheet-data-'), CATALOG_SOURCES: [source] }),
      logger,
      clock: fixedClock('2026-02-01T00:00:00Z'),
      drivers: { github: (rest) => githubDriver({ source: `github:${rest}`, client, apiUrl: fake.apiUrl, logger }) },
      urlFiles: githubUrlFiles({ host: new URL(fake.url).host, client }),
    });
    expect((await sync.syncAll())[0]).toMatchObject({ status: 'synced', added: 2, problems: [] });
    const ledger = async () => (await database.db.select().from(entities).where(eq(entities.ref, 'component:default/ledger')))[0]!;
    expect((await ledger()).filePath).toBe(`acme/catalog/${fake.url}/acme/ledger/blob/main/catalog-info.yaml`);
    expect((await sync.syncAll())[0]).toMatchObject({ status: 'unchanged' });

    fake.org.commit('ledger', { 'catalog-info.yaml': component('ledger', 'team-b') });
    expect((await sync.syncAll())[0]).toMatchObject({ status: 'synced', updated: 1, removed: 0, problems: [] });
    expect((await ledger()).ownerRef).toBe('group:default/team-b');
    expect((await sync.syncAll())[0]).toMatchObject({ status: 'unchanged' });
  });
});
