/**
 * A GitLab group as a source, through the sync service against the fake GitLab: discovery of every
 * non-archived project of the group and its subgroups (paged as GitLab pages), incremental syncs
 * that read only projects whose last activity moved, broken files keeping their last good entities,
 * deletion only after a complete listing, GitLab web links in the annotations, 429s waited out.
 */
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entities } from '../../src/db/schema.js';
import { FakeGitlabModel, generateGroup } from '../fakes/gitlab/model.js';
import { startFakeGitlab, type FakeGitlab } from '../fakes/gitlab/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { fakeGitlabClient, gitlabSyncService, push } from '../helpers/gitlab-sync.js';
import { component } from '../helpers/sync-fixtures.js';

const LOCATION = `apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: ledger-location
spec:
  targets: [./catalog/api.yaml]
`;
const API = `apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: ledger-api
  description:
    $text: ./description.txt
spec:
  type: openapi
  lifecycle: production
  owner: team-ledger
  definition: "openapi: 3.0.0"
`;

describe('GitLab group source', () => {
  let fake: FakeGitlab;
  let database: TestDatabase;
  const model = new FakeGitlabModel();
  const FILES = 'GET /projects/:id/repository/files/:path';
  const LIST = 'GET /groups/:id/projects';

  beforeAll(async () => {
    generateGroup(model, 'acme', 150); // 150 projects over acme, acme/platform, acme/platform/data; 15 archived
    model.addProject('acme/payments/api', { files: { 'catalog-info.yaml': component('payments-api', 'team-payments') } });
    model.addProject('acme/ledger', { files: { 'catalog-info.yaml': LOCATION, 'catalog/api.yaml': API, 'catalog/description.txt': 'The ledger API' } });
    model.addProject('acme/no-catalog', { files: { 'README.md': '# nothing' } });
    model.addProject('other/outside', { files: { 'catalog-info.yaml': component('outside') } });
    fake = await startFakeGitlab({ model });
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await fake.close();
    await database.close();
  });

  const refs = async () => (await database.db.select({ ref: entities.ref }).from(entities).where(eq(entities.sourceId, 'gitlab:acme'))).map((r) => r.ref).sort();
  const reset = () => (fake.requests.byRoute.clear(), (fake.requests.total = 0));
  const service = (client = fakeGitlabClient(fake)) => gitlabSyncService(database.db, fake, ['gitlab:acme'], client);

  it('discovers every non-archived project of the group and its subgroups, paging as GitLab pages', async () => {
    reset();
    const report = await service().syncSource('gitlab:acme');
    expect(report.status).toBe('synced');
    const all = await refs();
    expect(all).toHaveLength(135 + 3); // 150 - 15 archived, payments-api, ledger's Location and API
    expect(all).toContain('component:default/svc-0001'); // acme/platform
    expect(all).toContain('component:default/svc-0002'); // acme/platform/data
    expect(all).not.toContain('component:default/svc-0009'); // archived
    expect(all).not.toContain('component:default/outside'); // another group
    expect(all).toContain('api:default/ledger-api');
    expect(fake.requests.byRoute.get(LIST)).toBe(2); // 139 projects, 100 a page
    expect(report.problems).toEqual([]);
  });

  it('points the location annotations at GitLab and resolves Locations and $text inside the project', async () => {
    const [api] = await database.db.select().from(entities).where(eq(entities.ref, 'api:default/ledger-api'));
    const entity = api!.entity as { metadata: { description: string; annotations: Record<string, string> } };
    const web = `${fake.url}/acme/ledger`;
    expect(entity.metadata.description).toBe('The ledger API');
    expect(entity.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': `url:${web}/-/blob/main/catalog/api.yaml`,
      'backstage.io/source-location': `url:${web}/-/tree/main/catalog/`,
      'backstage.io/view-url': `${web}/-/blob/main/catalog/api.yaml`,
      'backstage.io/edit-url': `${web}/-/edit/main/catalog/api.yaml`,
    });
    const [c] = await database.db.select().from(entities).where(eq(entities.ref, 'component:default/payments-api'));
    expect(c!.fileUrl).toBe(`${fake.url}/acme/payments/api/-/blob/main/catalog-info.yaml`);
    expect((c!.entity as any).metadata.annotations['backstage.io/source-location']).toBe(`url:${fake.url}/acme/payments/api/-/tree/main/`);
    // Commit times (for staleness) from the commits API: the catalog file's, and a Location target's own.
    expect(c!.fileCommittedAt?.toISOString()).toBe(model.mustGet('acme/payments/api').commits.at(-1)!.committed_date);
    expect(api!.fileCommittedAt?.toISOString()).toBe(model.mustGet('acme/ledger').commits[0]!.committed_date);
  });

  it('an unchanged group costs only the listing', async () => {
    reset();
    const report = await service().syncSource('gitlab:acme');
    expect(report.status).toBe('unchanged');
    expect(fake.requests.total).toBe(2);
  });

  it('reads only the project whose last activity moved; a broken file keeps its last good entities', async () => {
    push(model.mustGet('acme/payments/api'), { 'catalog-info.yaml': component('payments-api', 'team-new') }, model);
    reset();
    const run = await service().syncSource('gitlab:acme');
    expect(run.updated).toBe(1);
    expect(fake.requests.byRoute.get(FILES)).toBe(1);
    expect(fake.requests.byRoute.get('GET /projects/:id/repository/commits')).toBe(1);
    const [moved] = await database.db.select({ at: entities.fileCommittedAt }).from(entities).where(eq(entities.ref, 'component:default/payments-api'));
    expect(moved!.at?.toISOString()).toBe(model.mustGet('acme/payments/api').commits.at(-1)!.committed_date);
    const owner = async () => (await database.db.select({ o: entities.ownerRef }).from(entities).where(eq(entities.ref, 'component:default/payments-api')))[0]?.o;
    expect(await owner()).toBe('group:default/team-new');

    push(model.mustGet('acme/payments/api'), { 'catalog-info.yaml': 'kind: [' }, model);
    const broken = await service().syncSource('gitlab:acme');
    expect(broken.problems.map((p) => p.filePath)).toEqual(['acme/payments/api/catalog-info.yaml']);
    expect(await owner()).toBe('group:default/team-new');
    // Still broken, still kept, on a sync where the project did not move.
    push(model.mustGet('acme/svc-0000'), { 'catalog-info.yaml': component('svc-0000', 'team-0') + '  system: s\n' }, model);
    await service().syncSource('gitlab:acme');
    expect(await owner()).toBe('group:default/team-new');
  });

  it('deletes nothing when the listing fails part-way (no proof), even after waiting out 429s', async () => {
    const before = await refs();
    fake.rateLimit(10, 0);
    const failed = await service(fakeGitlabClient(fake, { maxRetries: 2 })).syncSource('gitlab:acme');
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/429|rate limited/);
    expect(await refs()).toEqual(before);
    fake.rateLimit(0, 0);

    // A few 429s with Retry-After are waited out and the sync goes through.
    model.mustGet('acme/svc-0003').archived = true;
    fake.rateLimit(2, 0);
    const limited = fake.requests.limited;
    const ok = await service().syncSource('gitlab:acme');
    expect(ok.status).toBe('synced');
    expect(fake.requests.limited - limited).toBe(2);
    expect(await refs()).not.toContain('component:default/svc-0003');
  });

  it('removes the entities of archived, deleted and emptied projects once a complete listing proves it', async () => {
    model.projects.delete(model.mustGet('acme/svc-0006').id);
    push(model.mustGet('acme/svc-0012'), { 'catalog-info.yaml': null }, model);
    const run = await service().syncSource('gitlab:acme');
    expect(run.removed).toBe(2);
    const all = await refs();
    expect(all).not.toContain('component:default/svc-0006');
    expect(all).not.toContain('component:default/svc-0012');
    model.mustGet('acme/svc-0003').archived = false;
    const back = await service().syncSource('gitlab:acme');
    expect(back.added).toBe(1);
  });

  it('filters projects by glob in a subgroup and reads other files with ?path=', async () => {
    model.addProject('acme/platform/billing-api', { files: { 'service.yaml': component('billing-api', 'team-billing'), 'catalog-info.yaml': component('billing-other') } });
    model.addProject('acme/platform/billing-web', { files: { 'catalog-info.yaml': component('billing-web') } });
    const id = 'gitlab:acme/platform/billing-*?path=service.yaml';
    const report = await gitlabSyncService(database.db, fake, [id]).syncSource(id);
    expect(report.status).toBe('synced');
    const rows = await database.db.select({ ref: entities.ref }).from(entities).where(and(eq(entities.sourceId, id), like(entities.ref, '%')));
    expect(rows.map((r) => r.ref)).toEqual(['component:default/billing-api']);
  });
});
