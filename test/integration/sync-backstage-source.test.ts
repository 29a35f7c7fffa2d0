/**
 * An existing Backstage as a source, through the real entry point (config -> runtime -> sync):
 * every entity of its catalog lands with Backstage's uids, relations and location annotations; a
 * sync re-reads only entities whose etag changed; a broken entity keeps its last good version; and
 * nothing is deleted without proof (a failed paging, a refused host or a bad token delete nothing).
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackstageClient } from '../../src/backstage/client.js';
import { openRuntime, type Runtime } from '../../src/cli/runtime.js';
import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/index.js';
import { entities, relations } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService } from '../../src/sync/service.js';
import { backstageDriver } from '../../src/sync/sources/backstage.js';
import type { Problem } from '../../src/sync/types.js';
import { startExampleBackstage } from '../fakes/backstage/examples.js';
import type { FakeBackstage } from '../fakes/backstage/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { syncConfig, tempDir } from '../helpers/sync-fixtures.js';

const TOKEN = 'backstage-static-token';
// The examples hold two Users with one e-mail (guest, in two namespaces): a real conflict, reported as such.
const own = (problems: Problem[]) => problems.filter((p) => !p.message.startsWith('identity conflict'));

describe('Backstage as a source', () => {
  let fake: FakeBackstage;
  let database: TestDatabase | undefined;
  let runtime: Runtime;
  let source: string;

  /** The sync on the runtime's database, wired as the runtime wires it but with other options. */
  const service = (options: { allowedHosts?: string[]; token?: string; pageSize?: number }) =>
    createSyncService({
      db: runtime.database.db,
      config: syncConfig({ DATA_DIR: '/nonexistent', CATALOG_SOURCES: [source] }),
      logger: silentLogger(),
      clock: fixedClock('2026-02-01T00:00:00Z'),
      drivers: {
        backstage: (spec) =>
          backstageDriver({ source: spec, allowedHosts: options.allowedHosts ?? ['127.0.0.1'], logger: silentLogger(), pageSize: options.pageSize ?? 500, client: (baseUrl) => createBackstageClient({ baseUrl, token: options.token ?? TOKEN }) }),
      },
    });

  async function open(env: Record<string, string> = {}): Promise<Runtime> {
    const config = loadConfig({
      CATALOG_SOURCES: `backstage:${fake.url}`,
      TEMPLATE_SOURCES: '',
      GIT_ALLOWED_HOSTS: '127.0.0.1',
      BACKSTAGE_TOKEN: TOKEN,
      DATA_DIR: await tempDir('callsheet-bs-'),
      ...(database?.url ? { DATABASE_URL: database.url } : {}),
      ...env,
    });
    return openRuntime(config, { logger: silentLogger(), clock: fixedClock('2026-02-01T00:00:00Z') });
  }

  beforeAll(async () => {
    fake = await startExampleBackstage(TOKEN);
    source = `backstage:${fake.url}`;
    if (process.env.TEST_DATABASE_URL || process.env.DATABASE_URL) database = await createTestDatabase();
    runtime = await open();
  });
  afterAll(async () => {
    await runtime.close();
    await fake.close();
    await database?.close();
  });

  const db = () => runtime.database.db;
  const refs = async () => (await db().select({ ref: entities.ref }).from(entities).where(eq(entities.sourceId, source))).map((r) => r.ref).sort();
  const row = async (ref: string) => (await db().select().from(entities).where(eq(entities.ref, ref)))[0];

  it('reads every entity with its uid, relations and location annotations', async () => {
    const [report] = await runtime.sync.syncAll();
    expect(report).toMatchObject({ sourceId: source, status: 'synced', added: fake.refs().length });
    expect(own(report!.problems)).toEqual([]);
    expect(await refs()).toEqual(fake.refs().sort());
    const served = (await (await fetch(`${fake.url}/api/catalog/entities/by-refs`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ entityRefs: ['component:default/artist-lookup'] }) })).json()) as { items: { metadata: { uid: string; annotations: Record<string, string> }; relations: { type: string; targetRef: string }[] }[] };
    const artist = await row('component:default/artist-lookup');
    expect(artist!.uid).toBe(served.items[0]!.metadata.uid);
    const annotations = (artist!.entity as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
    expect(annotations['backstage.io/managed-by-location']).toBe(served.items[0]!.metadata.annotations['backstage.io/managed-by-location']);
    expect(annotations['backstage.io/managed-by-location']).toMatch(/^url:https:\/\/github\.com\/acme\/catalog\//);
    expect(artist!.ownerRef).toBe('group:default/team-a');
    const stored = await db().select().from(relations).where(eq(relations.originRef, 'component:default/artist-lookup'));
    expect(stored.map((r) => `${r.type} ${r.targetRef}`).sort()).toEqual(served.items[0]!.relations.map((r) => `${r.type} ${r.targetRef}`).sort());
    // The Group lists its side as Backstage served it.
    const teamA = await db().select().from(relations).where(eq(relations.originRef, 'group:default/team-a'));
    expect(teamA.map((r) => `${r.type} ${r.targetRef}`)).toContain('ownerOf component:default/artist-lookup');
  });

  it('asks only for refs and etags when nothing changed', async () => {
    const before = fake.requests.length;
    const [report] = await runtime.sync.syncSource(source).then((r) => [r]);
    expect(report!.status).toBe('unchanged');
    const asked = fake.requests.slice(before);
    expect(asked.every((r) => r.startsWith('GET /api/catalog/entities/by-query') && r.includes('fields='))).toBe(true);
  });

  it('re-reads only what changed: an update, an addition and a deletion', async () => {
    const artist = (await row('component:default/artist-lookup'))!.entity as { metadata: Record<string, unknown> } & Record<string, unknown>;
    const { uid: _u, ...metadata } = artist.metadata;
    fake.put({ ...artist, metadata: { ...metadata, description: 'Looks up artists, now faster' } } as never);
    fake.put({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'newcomer', namespace: 'default', annotations: { 'backstage.io/managed-by-location': 'url:https://github.com/acme/newcomer/blob/main/catalog-info.yaml', 'backstage.io/managed-by-origin-location': 'url:https://github.com/acme/newcomer/blob/main/catalog-info.yaml' } }, spec: { type: 'service', lifecycle: 'experimental', owner: 'team-b' } });
    fake.remove('component:default/searcher');
    const before = fake.requests.length;
    const report = await runtime.sync.syncSource(source);
    expect(report).toMatchObject({ status: 'synced', added: 1, updated: 1, removed: 1 });
    expect(own(report.problems)).toEqual([]);
    expect(fake.requests.slice(before).filter((r) => r.startsWith('POST')).length).toBe(2);
    expect((await row('component:default/artist-lookup'))!.description).toBe('Looks up artists, now faster');
    expect(await row('component:default/searcher')).toBeUndefined();
    expect((await row('component:default/newcomer'))!.ownerRef).toBeNull();
  });

  it('keeps an entity missing from a page while Backstage still has it by ref', async () => {
    fake.hideFromListing('component:default/petstore');
    try {
      const report = await runtime.sync.syncSource(source);
      expect(report.removed).toBe(0);
      expect(await row('component:default/petstore')).toBeDefined();
    } finally {
      fake.hideFromListing(undefined);
    }
  });

  it('keeps the last good version of an entity Callsheet cannot read, naming it and why', async () => {
    const good = (await row('component:default/petstore'))!.entity as { metadata: Record<string, unknown> } & Record<string, unknown>;
    fake.put({ ...good, metadata: { ...good.metadata, uid: undefined, name: 'petstore' }, spec: { ...(good.spec as object), type: 42 } } as never);
    const report = await runtime.sync.syncSource(source);
    expect(report.status).toBe('synced');
    expect(own(report.problems)).toEqual([expect.objectContaining({ filePath: 'component:default/petstore', entityRef: 'component:default/petstore', message: expect.stringMatching(/spec\.type|type/) })]);
    expect((await row('component:default/petstore'))!.type).toBe('service');
    // Unchanged since: the problem still stands, and nothing more is fetched.
    const again = await runtime.sync.syncSource(source);
    expect(again.status).toBe('unchanged');
    expect(own(again.problems).map((p) => p.filePath)).toEqual(['component:default/petstore']);
  });

  it('deletes nothing when the paging breaks off part-way', async () => {
    const count = (await refs()).length;
    fake.remove('component:default/podcast-api');
    // Pages of 7: the third page fails, after two were read.
    fake.failPageAfter(2);
    const report = await service({ pageSize: 7 }).syncSource(source);
    expect(report.status).toBe('failed');
    expect(report.error).toMatch(/500.*database went away/);
    expect((await refs()).length).toBe(count);
    // Once Backstage answers again, the deletion lands.
    const next = await service({ pageSize: 7 }).syncSource(source);
    expect(next).toMatchObject({ status: 'synced', removed: 1 });
    expect(await row('component:default/podcast-api')).toBeUndefined();
  });

  it('refuses a host the configuration does not allow, and a bad token, keeping everything', async () => {
    const count = (await refs()).length;
    fake.remove('component:default/queue-proxy');
    const refused = await service({ allowedHosts: ['github.com'] }).syncSource(source);
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatch(/127\.0\.0\.1 is not an allowed host.*GIT_ALLOWED_HOSTS/);
    const badToken = await service({ token: 'wrong-token' }).syncSource(source);
    expect(badToken.status).toBe('failed');
    expect(badToken.error).toMatch(/401 \(check BACKSTAGE_TOKEN\)/);
    expect(badToken.error).not.toContain('wrong-token');
    expect((await refs()).length).toBe(count);
    const [{ n }] = await db().select({ n: sql<number>`count(*)::int` }).from(entities).where(eq(entities.ref, 'component:default/queue-proxy'));
    expect(n).toBe(1);
  });

  it('is refused when registered at run time (catalog:register): only configuration names a Backstage', async () => {
    const report = await runtime.sync.addSource('backstage:https://backstage.example.com');
    expect(report.status).toBe('failed');
    expect(report.error).toMatch(/not a Git URL/);
  });
});
