/**
 * `type: url` Location targets and `$text` placeholders naming files on the configured GitLab, through
 * the real sync of a real Git repository and the fake GitLab's files API: read with GITLAB_TOKEN,
 * GitLab's location annotations (`/-/blob/`, `/-/edit/`, `/-/tree/`), a relative target inside a
 * remote file resolved against its URL, re-read when the remote file changes although the central
 * repository did not, and a URL on another host refused with the host and the setting named.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { entities, sources } from '../../src/db/schema.js';
import { gitlabUrlFiles } from '../../src/gitlab/url-files.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService, type SyncService } from '../../src/sync/service.js';
import type { FakeProject } from '../fakes/gitlab/model.js';
import { startFakeGitlab, type FakeGitlab } from '../fakes/gitlab/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { fakeGitlabClient, push } from '../helpers/gitlab-sync.js';
import { GitRepo, component, syncConfig, tempDir } from '../helpers/sync-fixtures.js';

describe('url Location targets and URL placeholders on the configured GitLab', () => {
  let database: TestDatabase;
  let fake: FakeGitlab;
  let billing: FakeProject;
  let central: GitRepo;
  let source: string;
  let dataDir: string;

  const target = (project: string, path: string) => `${fake.url}/${project}/-/blob/main/${path}`;
  const allYaml = (extra: string[] = []) => `apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: all
spec:
  type: url
  targets:
${[target('acme/payments/billing', 'catalog-info.yaml'), ...extra].map((t) => `    - ${t}`).join('\n')}
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
    $text: ${target('acme/payments/billing', 'openapi.yaml')}
`;
  // The remote catalog file names a sibling by a relative target, as Backstage resolves it against its URL.
  const billingCatalog = (owner = 'team-a') => `${component('billing', owner)}---
apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: billing-more
spec:
  type: url
  targets: [./more/worker.yaml]
`;

  const service = (): SyncService =>
    createSyncService({
      db: database.db,
      config: syncConfig({ DATA_DIR: dataDir, CATALOG_SOURCES: [source] }),
      logger: silentLogger(),
      clock: fixedClock('2026-02-01T00:00:00Z'),
      urlFiles: gitlabUrlFiles({ webUrl: fake.url, client: () => fakeGitlabClient(fake) }),
    });
  const row = async (ref: string) => (await database.db.select().from(entities).where(eq(entities.ref, ref)))[0];
  const annotationsOf = async (ref: string) => ((await row(ref))!.entity as { metadata: { annotations: Record<string, string> } }).metadata.annotations;

  beforeAll(async () => {
    database = await createTestDatabase();
    fake = await startFakeGitlab();
    billing = fake.model.addProject('acme/payments/billing', {
      files: { 'catalog-info.yaml': billingCatalog(), 'openapi.yaml': 'openapi: 3.0.0\ninfo: { title: Billing, version: "1" }\n', 'more/worker.yaml': component('billing-worker') },
    });
    dataDir = await tempDir('callsheet-data-');
    central = await GitRepo.create();
    await central.commit({ 'all.yaml': allYaml(), 'apis/billing-api.yaml': api() }, 'first', '2026-01-01T00:00:00Z');
    source = `file://${central.dir}`;
  });
  afterAll(async () => {
    await fake.close();
    await database.close();
  });

  it('reads targets (a subgroup project), a relative target inside one and a placeholder, with GitLab location annotations', async () => {
    const report = (await service().syncAll())[0]!;
    expect(report).toMatchObject({ status: 'synced', problems: [] });
    const annotations = await annotationsOf('component:default/billing');
    expect(annotations['backstage.io/managed-by-location']).toBe(`url:${target('acme/payments/billing', 'catalog-info.yaml')}`);
    expect(annotations['backstage.io/edit-url']).toBe(`${fake.url}/acme/payments/billing/-/edit/main/catalog-info.yaml`);
    expect(annotations['backstage.io/source-location']).toBe(`url:${fake.url}/acme/payments/billing/-/tree/main/`);
    expect((await annotationsOf('component:default/billing-worker'))['backstage.io/managed-by-location']).toBe(`url:${target('acme/payments/billing', 'more/worker.yaml')}`);
    expect(((await row('api:default/billing-api'))!.entity as { spec: { definition: string } }).spec.definition).toContain('title: Billing');
    // Its own last commit on GitLab, for staleness.
    expect((await row('component:default/billing'))!.fileCommittedAt?.toISOString()).toBe(new Date(billing.commits.at(-1)!.committed_date).toISOString());
  });

  it('an unchanged second sync changes nothing; a change on GitLab is picked up although the central repository did not change', async () => {
    expect((await service().syncAll())[0]).toMatchObject({ status: 'unchanged', problems: [] });
    push(billing, { 'catalog-info.yaml': billingCatalog('team-b'), 'openapi.yaml': 'openapi: 3.0.0\ninfo: { title: Billing v2, version: "2" }\n' }, fake.model as never);
    // The component and the API, and billing-more: its file has a new last commit.
    expect((await service().syncAll())[0]).toMatchObject({ status: 'synced', updated: 3, problems: [] });
    expect((await row('component:default/billing'))!.ownerRef).toBe('group:default/team-b');
    expect(((await row('api:default/billing-api'))!.entity as { spec: { definition: string } }).spec.definition).toContain('Billing v2');

    // Where a fresh sync of the same commit ends.
    const hashes = async () => Object.fromEntries((await database.db.select().from(entities).where(eq(entities.sourceId, source))).map((r) => [r.ref, r.contentHash]));
    const incremental = await hashes();
    await database.db.update(sources).set({ lastRevision: null, state: null }).where(eq(sources.id, source));
    await database.db.delete(entities).where(eq(entities.sourceId, source));
    expect((await service().syncAll())[0]).toMatchObject({ status: 'synced', problems: [] });
    expect(await hashes()).toEqual(incremental);
  });

  it('a required target that GitLab does not have, and one on another host, fail the Location with why; nothing is lost', async () => {
    const problemsWith = async (extra: string, when: string) => {
      await central.commit({ 'all.yaml': allYaml([extra]) }, 'more', when);
      const report = (await service().syncAll())[0]!;
      expect(report.removed).toBe(0);
      return report.problems.map((p) => `${p.filePath}: ${p.message}`).join('\n');
    };
    expect(await problemsWith(target('acme/payments/missing', 'catalog-info.yaml'), '2026-01-02T00:00:00Z')).toMatch(/^all\.yaml: .*acme\/payments\/missing/);
    expect(await problemsWith('https://github.com/acme/other/blob/main/catalog-info.yaml', '2026-01-02T01:00:00Z')).toMatch(/^all\.yaml: .*github\.com.*GITLAB_URL/);
    for (const ref of ['component:default/billing', 'component:default/billing-worker', 'location:default/all', 'api:default/billing-api']) expect(await row(ref)).toBeDefined();
    await central.commit({ 'all.yaml': allYaml() }, 'back', '2026-01-03T00:00:00Z');
    expect((await service().syncAll())[0]).toMatchObject({ status: 'synced', problems: [] });
  });
});
