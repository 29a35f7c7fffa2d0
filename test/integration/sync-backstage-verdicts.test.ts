/**
 * Backstage's verdicts through the real sync (folder and Git sources) and `callsheet validate`:
 * placeholders, directories, .git/, Location targets, and files that must never vanish silently.
 */
import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { validateCli } from '../../src/cli/validate.js';
import { fixedClock } from '../../src/clock.js';
import { entities } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService } from '../../src/sync/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { GitRepo, component, syncConfig, tempDir, writeFiles } from '../helpers/sync-fixtures.js';

const withDescription = (name: string, description: string) => component(name).replace(`name: ${name}\n`, `name: ${name}\n  description: ${description}\n`);

describe("Backstage's verdicts in a real sync", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.close());

  const sync = async (source: string) =>
    (
      await createSyncService({
        db: database.db,
        config: syncConfig({ DATA_DIR: await tempDir('callsheet-data-'), CATALOG_SOURCES: [source], TEMPLATE_SOURCES: [] }),
        logger: silentLogger(),
        clock: fixedClock('2026-02-01T00:00:00Z'),
      }).syncAll()
    )[0]!;
  const rowsOf = async (sourceId: string) => database.db.select().from(entities).where(eq(entities.sourceId, sourceId));
  const refsOf = async (sourceId: string) => (await rowsOf(sourceId)).map((r) => r.ref).sort();

  it('rejects bad placeholders on their entity only, never reads .git/, and a directory is not a source failure', async () => {
    const dir = await tempDir();
    await writeFiles(dir, {
      'a/catalog-info.yaml': [
        withDescription('non-string', '{ $text: 42 }'),
        withDescription('empty-yaml', '{ $yaml: ./empty.yaml }'),
        withDescription('git-config', '{ $text: ../.git/config }'),
        withDescription('a-directory', '{ $text: ./sub }'),
        withDescription('fine', '{ $text: ./readme.md }'),
        withDescription('schema-ref', '{ $ref: ./x, $text: ./readme.md }'),
      ].join('---\n'),
      'a/empty.yaml': '',
      'a/readme.md': 'hello',
      'a/sub/.keep': '',
      '.git/config': '[remote "origin"]\n  url = https://user:secret-token@example.com/r.git\n',
      'b/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: { name: to-dir }\nspec: { targets: [./sub] }\n',
      'b/sub/.keep': '',
    });
    const report = await sync(dir);
    expect(report.status).not.toBe('failed');
    expect(await refsOf(dir)).toEqual(['component:default/fine']);
    const byRef = Object.fromEntries(report.problems.map((p) => [p.entityRef, p.message]));
    expect(byRef['component:default/non-string']).toMatch(/\$text expected a string value/);
    expect(byRef['component:default/empty-yaml']).toMatch(/exactly one document.*found 0/);
    expect(byRef['component:default/git-config']).toMatch(/\.git\//);
    expect(byRef['component:default/a-directory']).toMatch(/could not read "\.\/sub"/);
    // An object holding a `$` key besides the placeholder is left alone, as Backstage leaves it; it is
    // then not a string, so the description is invalid.
    expect(byRef['component:default/schema-ref']).toMatch(/description/);
    expect(byRef['location:default/to-dir']).toMatch(/target "\.\/sub" is a directory/);
    expect(JSON.stringify(await rowsOf(dir))).not.toContain('secret-token');
  });

  it('keeps YAML 1.2 scalars as Backstage reads them (0b101 is a string, so the entity is valid)', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'catalog-info.yaml': component('scalars', 'team-a', '  system: 0b101\n').replace('lifecycle: production', 'lifecycle: +0x1F') });
    const report = await sync(dir);
    expect(report.problems).toEqual([]);
    const [row] = await rowsOf(dir);
    expect((row!.entity as { spec: Record<string, unknown> }).spec).toMatchObject({ system: '0b101', lifecycle: '+0x1F' });
  });

  it('never skips silently a file that declares a Backstage apiVersion or is over MAX_FILE_BYTES', async () => {
    const repo = await GitRepo.create();
    await repo.commit(
      {
        'services/payments.yaml': 'apiVersion: backstage.io/v1alpha1\nmetadata: { name: no-kind }\n',
        'services/flow.yaml': '{"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "Bad Name"}}\n',
        'helm/huge.yaml': `replicas: 3\nnote: "${'x'.repeat(1_100_000)}"\n`,
        'helm/values.yaml': 'replicas: 3\n',
        'catalog-info.yaml': component('good'),
      },
      'catalog',
    );
    const source = `file://${repo.dir}`;
    const report = await sync(source);
    const files = report.problems.map((p) => p.filePath).sort();
    expect(files).toEqual(['helm/huge.yaml', 'services/flow.yaml', 'services/payments.yaml']);
    expect(report.problems.find((p) => p.filePath === 'helm/huge.yaml')!.message).toMatch(/MAX_FILE_BYTES/);
    expect(await refsOf(source)).toEqual(['component:default/good']);
  });

  it('`validate` names the file and the entity when a target is a directory', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'docs'), { recursive: true });
    await writeFiles(dir, { 'catalog-info.yaml': withDescription('dir-text', '{ $text: ./docs }') });
    const lines: string[] = [];
    const io: CliIo = { out: (t) => lines.push(t), err: (t) => lines.push(t), env: {} };
    expect(await validateCli([dir], io)).toBe(1);
    const rel = relative(process.cwd(), join(dir, 'catalog-info.yaml'));
    expect(lines.join('\n')).toMatch(new RegExp(`${rel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: component:default/dir-text: Placeholder \\$text could not read "./docs"`));
    expect(lines.join('\n')).not.toMatch(/^EISDIR/m);
  });
});
