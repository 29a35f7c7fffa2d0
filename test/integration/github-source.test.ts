import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createGithubClient } from '../../src/github/client.js';
import { entities } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { githubDriver } from '../../src/sync/sources/github.js';
import type { Snapshot, SourceDriver } from '../../src/sync/types.js';
import { componentYaml, generateOrg } from '../fakes/github/generate.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { applyGithubSnapshot } from '../helpers/github-read.js';

const logger = silentLogger();

describe('GitHub organisation source', () => {
  let fake: FakeGithub;
  let database: TestDatabase;
  // Repos 0..11: every 4th (3, 7, 11) archived, every 5th (4, 9) without the file, every 6th (5) broken, every 7th (6) a Location.
  beforeAll(async () => {
    const org = generateOrg({ org: 'acme', repos: 12, archivedEvery: 4, missingEvery: 5, brokenEvery: 6, locationEvery: 7 });
    fake = await startFakeGithub({ org, enterprise: true });
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await fake.close();
    await database.close();
  });

  function driver(source = 'github:acme'): SourceDriver {
    return githubDriver({ source, apiUrl: fake.apiUrl, logger, client: () => createGithubClient({ token: 'test-token' }, { baseUrl: fake.apiUrl, logger, serialSpacingMs: 0 }) });
  }

  let state: { revision: string | null; state: Record<string, unknown> | null } = { revision: null, state: null };
  async function sync(d: SourceDriver, scope?: { trees?: string[] }) {
    const snapshot = await d.snapshot(state.revision, state.state, scope);
    if (!snapshot) return null;
    state = { revision: snapshot.revision, state: snapshot.state ?? null };
    return { snapshot, result: await applyGithubSnapshot(database.db, d.id, snapshot) };
  }
  const refs = async () => (await database.db.select({ ref: entities.ref }).from(entities).where(eq(entities.sourceId, 'github:acme'))).map((r) => r.ref).sort();

  it('discovers every non-archived repository with the file, skipping missing and archived ones', async () => {
    const first = await sync(driver());
    const names = first!.snapshot.trees.map((t) => t.name).sort();
    expect(names).toEqual(['acme/svc-00000', 'acme/svc-00001', 'acme/svc-00002', 'acme/svc-00005', 'acme/svc-00006', 'acme/svc-00008', 'acme/svc-00010']);
    expect(await refs()).toEqual([
      'api:default/svc-00006-api',
      'component:default/svc-00000',
      'component:default/svc-00001',
      'component:default/svc-00002',
      'component:default/svc-00008',
      'component:default/svc-00010',
      'location:default/svc-00006-location',
    ]);
    expect(first!.result.problems.map((p) => p.filePath)).toEqual(['acme/svc-00005/catalog-info.yaml']);
  });

  it('resolves Locations and $text inside the repository and points annotations at GitHub', async () => {
    const [api] = await database.db.select().from(entities).where(eq(entities.ref, 'api:default/svc-00006-api'));
    const entity = api.entity as { metadata: { description: string; annotations: Record<string, string> } };
    expect(entity.metadata.description).toBe('The svc-00006 API');
    const repo = `${fake.url}/acme/svc-00006`;
    expect(entity.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': `url:${repo}/blob/main/catalog/api.yaml`,
      'backstage.io/source-location': `url:${repo}/tree/main/catalog/`,
      'backstage.io/view-url': `${repo}/blob/main/catalog/api.yaml`,
      'backstage.io/edit-url': `${repo}/edit/main/catalog/api.yaml`,
    });
    expect(api.fileCommittedAt?.toISOString()).toBe(new Date(fake.org.mustGet('svc-00006').files.get('catalog/api.yaml')!.committedAt).toISOString());
    const [component] = await database.db.select().from(entities).where(eq(entities.ref, 'component:default/svc-00000'));
    expect(component.fileCommittedAt?.toISOString()).toBe(new Date(fake.org.mustGet('svc-00000').files.get('catalog-info.yaml')!.committedAt).toISOString());
    expect(component.fileUrl).toBe(`${fake.url}/acme/svc-00000/blob/main/catalog-info.yaml`);
  });

  it('costs only conditional requests when nothing changed', async () => {
    const d = driver();
    fake.resetCounts();
    // The driver's first listing after a GraphQL-only start stores ETags; from then on, 304s.
    expect(await d.snapshot(state.revision, state.state)).toBeNull();
    expect(fake.requests.total).toBe(1);
    expect(fake.requests.notModified).toBe(1);
  });

  it('re-reads only a changed repository and keeps a broken file’s last good entities', async () => {
    fake.org.commit('svc-00001', { 'catalog-info.yaml': componentYaml('svc-00001', 'team-new') });
    fake.org.pushOtherBranch('svc-00002');
    fake.resetCounts();
    const run = await sync(driver());
    expect(run!.snapshot.trees.map((t) => t.name)).toEqual(['acme/svc-00001']);
    expect(run!.result.updated).toEqual(['component:default/svc-00001']);
    expect(run!.result.removed).toEqual([]);
    expect(fake.requests.byRoute.get('POST /graphql')).toBe(1);

    fake.org.commit('svc-00001', { 'catalog-info.yaml': 'kind: [' });
    const broken = await sync(driver());
    expect(broken!.result.problems[0].filePath).toBe('acme/svc-00001/catalog-info.yaml');
    const [kept] = await database.db.select().from(entities).where(eq(entities.ref, 'component:default/svc-00001'));
    expect(kept.ownerRef).toBe('group:default/team-new');
  });

  it('removes the entities of archived, deleted and file-less repositories', async () => {
    fake.org.archive('svc-00000');
    fake.org.remove('svc-00002');
    fake.org.commit('svc-00008', { 'catalog-info.yaml': null });
    const run = await sync(driver());
    expect(run!.result.removed.sort()).toEqual(['component:default/svc-00000', 'component:default/svc-00002', 'component:default/svc-00008']);
    fake.org.archive('svc-00000', false);
    const back = await sync(driver());
    expect(back!.result.added).toEqual(['component:default/svc-00000']);
  });

  it('re-reads just the repositories a scope names and preserves the rest', async () => {
    fake.org.commit('svc-00010', { 'catalog-info.yaml': componentYaml('svc-00010', 'team-moved') });
    fake.org.commit('svc-00001', { 'catalog-info.yaml': componentYaml('svc-00001', 'team-fixed') });
    fake.resetCounts();
    const run = await sync(driver(), { trees: ['acme/svc-00010'] });
    expect(run!.snapshot.trees.map((t) => t.name)).toEqual(['acme/svc-00010']);
    expect(run!.result.updated).toEqual(['component:default/svc-00010']);
    expect(run!.result.removed).toEqual([]);
    expect(fake.requests.total).toBe(1);
    // The next full sync still notices the other push.
    const full = await sync(driver());
    expect(full!.snapshot.trees.map((t) => t.name)).toEqual(['acme/svc-00001']);
  });

  it('a deleted repository named by a scope leaves the catalog', async () => {
    fake.org.remove('svc-00010');
    const run = await sync(driver(), { trees: ['acme/svc-00010'] });
    expect(run!.result.removed).toEqual(['component:default/svc-00010']);
    expect(run!.result.updated).toEqual([]);
  });

  it('filters by repository glob and reads another file name with ?path=', async () => {
    const org = generateOrg({ org: 'globex', repos: 3 });
    org.addRepo('payments-api', { files: { 'service.yaml': componentYaml('payments-api', 'payments') } });
    org.addRepo('payments-web', { files: { 'catalog-info.yaml': componentYaml('payments-web', 'payments') } });
    const other = await startFakeGithub({ org });
    try {
      const d = githubDriver({
        source: 'github:globex/payments-*?path=service.yaml',
        apiUrl: other.apiUrl,
        logger,
        client: () => createGithubClient({ token: 'test-token' }, { baseUrl: other.apiUrl, logger, serialSpacingMs: 0 }),
      });
      expect(d.id).toBe('github:globex/payments-*?path=service.yaml');
      const snapshot = (await d.snapshot(null, null)) as Snapshot;
      expect(snapshot.trees.map((t) => t.name)).toEqual(['globex/payments-api']);
      expect(await snapshot.trees[0].entryPoints()).toEqual(['service.yaml']);
      expect(snapshot.trees[0].locationOf('service.yaml').target).toBe(`${other.url}/globex/payments-api/blob/main/service.yaml`);
    } finally {
      await other.close();
    }
  });
});
