/**
 * TEMPLATE_SOURCES from Git, through `callsheet create` and `callsheet sync`: a real Git repository in
 * a temp folder holds a template and its skeleton; the template is offered, its skeleton is read at
 * the commit the sync last read (not the branch's newest), and after a sync to a new commit both
 * the form and the skeleton are the new ones.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCli } from '../../src/cli/create.js';
import type { CliIo } from '../../src/cli/io.js';
import { syncCli } from '../../src/cli/sync.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { GitRepo, tempDir } from '../helpers/sync-fixtures.js';

function capture(env: Record<string, string | undefined>): CliIo & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out: (t) => out_.push(t), err: (t) => err_.push(t), env, out_, err_ };
}

const template = (title: string) =>
  [
    'apiVersion: scaffolder.backstage.io/v1beta3',
    'kind: Template',
    `metadata: { name: hello, title: ${title} }`,
    'spec:',
    '  owner: group:default/platform',
    '  type: service',
    '  parameters:',
    '    - required: [name]',
    '      properties:',
    '        name: { type: string, title: Name }',
    '  steps:',
    '    - { id: fetch, name: Fetch, action: fetch:template, input: { url: ./skeleton, values: { name: "${{ parameters.name }}" } } }',
    '    - { id: publish, name: Publish, action: publish:git, input: { name: "${{ parameters.name }}" } }',
    '',
  ].join('\n');

const skeleton = (version: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: \${{ values.name }}\n  description: ${version}\nspec: { type: service, lifecycle: experimental, owner: platform }\n`;

describe('TEMPLATE_SOURCES from a Git repository', () => {
  let database: TestDatabase | undefined;
  let repo: GitRepo;
  let work: string;
  let env: Record<string, string | undefined>;
  const values = async (name: string) => {
    const file = join(work, `${name}.json`);
    await writeFile(file, JSON.stringify({ name }));
    return file;
  };
  const published = (name: string) => execFileSync('git', ['--git-dir', join(work, 'data', 'repos', `${name}.git`), 'show', 'main:catalog-info.yaml'], { encoding: 'utf8' });

  beforeAll(async () => {
    if (process.env.TEST_DATABASE_URL || process.env.DATABASE_URL) database = await createTestDatabase();
    work = await tempDir('callsheet-template-git-');
    repo = await GitRepo.create();
    await repo.commit({ 'templates/hello/template.yaml': template('Hello v1'), 'templates/hello/skeleton/catalog-info.yaml': skeleton('skeleton v1'), 'README.md': '# templates\n' }, 'v1');
    env = { CATALOG_SOURCES: '', TEMPLATE_SOURCES: `${repo.url}#main`, DATA_DIR: join(work, 'data'), DATABASE_URL: database?.url, CALLSHEET_REPOS_VOLUME: '1', LOG_LEVEL: 'error' };
  }, 120_000);
  afterAll(async () => database?.close());

  it('runs a template from the repository with its skeleton, dry run and real run', async () => {
    const dry = capture(env);
    expect(await createCli(['hello', '--values', await values('first-dry'), '--dry-run'], dry), dry.err_.join('\n')).toBe(0);
    expect(dry.out_.join('\n')).toMatch(/description: skeleton v1/);
    const run = capture(env);
    expect(await createCli(['hello', '--values', await values('first')], run), run.err_.join('\n') + run.out_.join('\n')).toBe(0);
    expect(published('first')).toContain('description: skeleton v1');
  }, 120_000);

  it('reads the skeleton at the commit last synced, and the new one after `callsheet sync`', async () => {
    await repo.commit({ 'templates/hello/template.yaml': template('Hello v2'), 'templates/hello/skeleton/catalog-info.yaml': skeleton('skeleton v2') }, 'v2');
    // Not synced yet: the form (v1) and its skeleton (v1) stay together.
    const before = capture(env);
    expect(await createCli(['hello', '--values', await values('second')], before), before.err_.join('\n')).toBe(0);
    expect(published('second')).toContain('description: skeleton v1');
    const sync = capture(env);
    expect(await syncCli([], sync), sync.err_.join('\n')).toBe(0);
    const after = capture(env);
    expect(await createCli(['hello', '--values', await values('third')], after), after.err_.join('\n')).toBe(0);
    expect(after.out_.join('\n')).toMatch(/Hello v2/);
    expect(published('third')).toContain('description: skeleton v2');
  }, 120_000);
});
