import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { entities, relations, sources, syncProblems, syncRuns } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { registry } from '../../src/metrics.js';
import { createSyncService } from '../../src/sync/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { BILLION_LAUGHS, component, syncConfig, tempDir, writeFiles } from '../helpers/sync-fixtures.js';

describe('sync of folder sources', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.close());

  const service = (catalog: string[], extra: { templates?: string[]; allowed?: string[] } = {}) =>
    createSyncService({
      db: database.db,
      config: syncConfig({ DATA_DIR: '/nonexistent', CATALOG_SOURCES: catalog, TEMPLATE_SOURCES: extra.templates ?? [], CATALOG_ALLOWED_KINDS: extra.allowed ?? [] }),
      logger: silentLogger(),
      clock: fixedClock('2026-02-01T00:00:00Z'),
    });

  const refsOf = async (sourceId: string) =>
    (await database.db.select({ ref: entities.ref }).from(entities).where(eq(entities.sourceId, sourceId))).map((r) => r.ref).sort();

  it('reads every catalog YAML file, follows Locations and placeholders, ignores other YAML, and records the run', async () => {
    const dir = await tempDir();
    await writeFiles(dir, {
      'catalog-info.yaml': component('payments-api', 'payments', 'spec2: x\n').replace('spec2: x\n', '') + `---\n${component('ledger', 'payments')}`,
      'apis/ledger.yaml': `apiVersion: backstage.io/v1alpha1
kind: API
metadata: { name: ledger-api }
spec:
  type: openapi
  lifecycle: production
  owner: payments
  definition:
    $text: ./ledger.oas.yaml
`,
      'apis/ledger.oas.yaml': 'openapi: 3.0.0\ninfo: { title: Ledger }\n',
      'config/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n',
      '.github/workflows/ci.yml': 'on: push\njobs: {}\n',
      'node_modules/pkg/catalog-info.yaml': component('ignored'),
      'locations.yaml': `apiVersion: backstage.io/v1alpha1
kind: Location
metadata: { name: more }
spec:
  targets: [./extra/teams.txt]
`,
      'extra/teams.txt': `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: payments }
spec: { type: team, children: [] }
`,
    });
    const sync = service([dir]);
    const [report] = await sync.syncAll();
    expect(report!.status).toBe('synced');
    expect(report!.problems).toEqual([]);
    expect(report!.added).toBe(5);
    expect(await refsOf(dir)).toEqual(['api:default/ledger-api', 'component:default/ledger', 'component:default/payments-api', 'group:default/payments', 'location:default/more']);
    const [api] = await database.db.select().from(entities).where(eq(entities.ref, 'api:default/ledger-api'));
    expect((api!.entity as { spec: { definition: string } }).spec.definition).toContain('title: Ledger');
    expect(api!.filePath).toBe('apis/ledger.yaml');
    const [run] = await database.db.select().from(syncRuns).where(eq(syncRuns.sourceId, dir));
    expect(run).toMatchObject({ status: 'synced', added: 5, problems: 0 });
    const [row] = await database.db.select().from(sources).where(eq(sources.id, dir));
    expect(row).toMatchObject({ kind: 'folder', lastStatus: 'synced', trusted: false });
    expect(await sync.hasSynced()).toBe(true);
    expect(await registry.getSingleMetricAsString('callsheet_entities')).toMatch(/kind="component"/);

    // An unchanged folder is not re-read.
    const [again] = await sync.syncAll();
    expect(again!.status).toBe('unchanged');

    // A change to the included file re-reads the API that includes it.
    await writeFile(join(dir, 'apis/ledger.oas.yaml'), 'openapi: 3.0.0\ninfo: { title: Ledger v2, version: "2" }\n');
    const [changed] = await sync.syncAll();
    expect(changed!.updated).toBe(1);
  });

  it('keeps the entities of a broken file, records the problem with its line and the owner, and recovers', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'a/catalog-info.yaml': component('alpha', 'team-alpha'), 'b/catalog-info.yaml': component('beta', 'team-beta') });
    const sync = service([dir]);
    await sync.syncAll();
    await writeFiles(dir, { 'a/catalog-info.yaml': `${component('alpha', 'team-alpha')}  owner: twice\n`, 'b/catalog-info.yaml': component('beta', 'team-gamma') });
    const [report] = await sync.syncAll();
    expect(report!.problems).toHaveLength(1);
    expect(report!.problems[0]).toMatchObject({ filePath: 'a/catalog-info.yaml', line: 9 });
    expect(report!.problems[0]!.message).toMatch(/YAML error/);
    expect(report!.updated).toBe(1);
    expect(await refsOf(dir)).toEqual(['component:default/alpha', 'component:default/beta']);
    const stored = await database.db.select().from(syncProblems).where(eq(syncProblems.sourceId, dir));
    expect(stored).toEqual([expect.objectContaining({ filePath: 'a/catalog-info.yaml', line: 9, ownerRef: 'group:default/team-alpha' })]);
    const rels = await database.db.select().from(relations).where(eq(relations.originRef, 'component:default/alpha'));
    expect(rels.length).toBe(2);

    // An invalid entity (not just broken YAML) also keeps the previous version.
    await writeFiles(dir, { 'a/catalog-info.yaml': component('alpha', 'team-alpha').replace('  lifecycle: production\n', '') });
    const [invalid] = await sync.syncAll();
    expect(invalid!.problems[0]!.message).toMatch(/component:default\/alpha: .*lifecycle/);
    expect(await refsOf(dir)).toContain('component:default/alpha');

    await writeFiles(dir, { 'a/catalog-info.yaml': component('alpha', 'team-delta') });
    const [fixed] = await sync.syncAll();
    expect(fixed!.problems).toEqual([]);
    expect(fixed!.updated).toBe(1);
    expect(await database.db.select().from(syncProblems).where(eq(syncProblems.sourceId, dir))).toEqual([]);

    // Deleting a file is deliberate: its entities go.
    await rm(join(dir, 'b/catalog-info.yaml'));
    const [removed] = await sync.syncAll();
    expect(removed!.removed).toBe(1);
  });

  it('keeps what a broken Location file reached, and reports a missing target against the Location', async () => {
    const dir = await tempDir();
    const location = (targets: string[]) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: { name: all }\nspec:\n  targets: [${targets.join(', ')}]\n`;
    await writeFiles(dir, { 'all.yaml': location(['./services/one.cat', './services/two.cat']), 'services/one.cat': component('one'), 'services/two.cat': component('two') });
    const sync = service([dir]);
    expect((await sync.syncAll())[0]!.added).toBe(3);
    await writeFiles(dir, { 'all.yaml': `${location(['./services/one.cat'])}  bad: [\n` });
    const [broken] = await sync.syncAll();
    expect(broken!.problems.map((p) => p.filePath)).toEqual(['all.yaml']);
    expect(broken!.removed).toBe(0);
    expect(await refsOf(dir)).toEqual(['component:default/one', 'component:default/two', 'location:default/all']);

    await writeFiles(dir, { 'all.yaml': location(['./services/one.cat', './services/gone.cat']) });
    const [missing] = await sync.syncAll();
    expect(missing!.problems).toEqual([expect.objectContaining({ filePath: 'all.yaml', line: 1, message: expect.stringMatching(/location:default\/all: target "\.\/services\/gone\.cat" does not exist/) })]);
    // As in Backstage, a Location with a missing target fails as a whole and keeps what it emitted before.
    expect(missing!.removed).toBe(0);
    expect(await refsOf(dir)).toEqual(['component:default/one', 'component:default/two', 'location:default/all']);
  });

  it('turns a billion-laughs file and an oversized file into problems', async () => {
    const dir = await tempDir();
    await writeFiles(dir, {
      'lol/catalog-info.yaml': BILLION_LAUGHS,
      'big/catalog-info.yaml': `${component('big')}  description: "${'x'.repeat(1_100_000)}"\n`,
      'ok/catalog-info.yaml': component('fine'),
    });
    const [report] = await service([dir]).syncAll();
    const byFile = Object.fromEntries(report!.problems.map((p) => [p.filePath, p.message]));
    expect(byFile['lol/catalog-info.yaml']).toMatch(/aliases expand too much/);
    expect(byFile['big/catalog-info.yaml']).toMatch(/larger than the limit of 1048576 bytes \(MAX_FILE_BYTES\)/);
    expect(await refsOf(dir)).toEqual(['component:default/fine']);
  });

  it('lets the first source win a ref two sources define, and notes untrusted templates', async () => {
    const first = await tempDir();
    const second = await tempDir();
    const template = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: new-service }
spec: { type: service, owner: team-a, parameters: [], steps: [] }
`;
    await writeFiles(first, { 'catalog-info.yaml': component('shared', 'team-first') });
    await writeFiles(second, { 'catalog-info.yaml': `${component('shared', 'team-second')}---\n${template}` });
    const [one, two] = await service([first, second]).syncAll();
    expect(one!.added).toBe(1);
    expect(two!.problems).toEqual([expect.objectContaining({ filePath: 'catalog-info.yaml', message: expect.stringMatching(/already provided by source/) })]);
    expect(two!.notes).toEqual([expect.stringMatching(/template:default\/new-service is in the catalog but not runnable/)]);
    const [shared] = await database.db.select().from(entities).where(eq(entities.ref, 'component:default/shared'));
    expect(shared!.ownerRef).toBe('group:default/team-first');

    const [trusted] = await service([], { templates: [second] }).syncAll();
    expect(trusted!.trusted).toBe(true);
    expect(trusted!.notes).toEqual([]);
  });

  it('fails a whole file when CATALOG_ALLOWED_KINDS refuses one of its entities', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'catalog-info.yaml': `${component('svc')}---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: g }\nspec: { type: team, children: [] }\n` });
    const [report] = await service([dir], { allowed: ['Component'] }).syncAll();
    expect(report!.added).toBe(0);
    expect(report!.problems[0]!.message).toMatch(/group:default\/g .* is not of an allowed kind/);
  });

  it('reports a source that cannot be read without touching its entities', async () => {
    const [report] = await service(['/definitely/not/here']).syncAll();
    expect(report!.status).toBe('failed');
    expect(report!.problems[0]!.message).toMatch(/does not exist/);
  });
});
