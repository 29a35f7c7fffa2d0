import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCli } from '../../src/cli/create.js';
import type { CliIo } from '../../src/cli/io.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { templatesDir } from '../helpers/scaffolder.js';
import { tempDir } from '../helpers/sync-fixtures.js';

const catalogDir = new URL('../../catalog/', import.meta.url).pathname;

function capture(env: Record<string, string | undefined>): CliIo & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out: (t) => out_.push(t), err: (t) => err_.push(t), env, out_, err_ };
}

describe('callsheet create --values', () => {
  let database: TestDatabase | undefined;
  let env: Record<string, string | undefined>;
  let work: string;
  const values = async (name: string, v: unknown) => {
    const file = join(work, `${name}.json`);
    await writeFile(file, JSON.stringify(v));
    return file;
  };

  beforeAll(async () => {
    if (process.env.TEST_DATABASE_URL || process.env.DATABASE_URL) database = await createTestDatabase();
    work = await tempDir('callsheet-create-cli-');
    const templates = join(work, 'templates');
    await cp(join(templatesDir, 'typescript-service'), join(templates, 'typescript-service'), { recursive: true });
    // The same template, limited to the ledger team (callsheet.io/allowed-groups).
    await cp(join(templatesDir, 'typescript-service'), join(templates, 'ledger-service'), { recursive: true });
    const file = join(templates, 'ledger-service', 'template.yaml');
    const text = (await readFile(file, 'utf8')).replace('name: typescript-service', 'name: ledger-service\n  annotations:\n    callsheet.io/allowed-groups: ledger');
    await writeFile(file, text);
    // This test's data folder outlives the task, as a declared volume would: hosted repos are allowed (hosted-repos.ts).
    env = { CATALOG_SOURCES: catalogDir, TEMPLATE_SOURCES: templates, DATA_DIR: join(work, 'data'), DATABASE_URL: database?.url, CALLSHEET_REPOS_VOLUME: '1', LOG_LEVEL: 'error' };
  }, 120_000);
  afterAll(async () => database?.close());

  it('rejects values with the forms\' errors and exit 1', async () => {
    const io = capture(env);
    expect(await createCli(['typescript-service', '--values', await values('bad', { name: 'Bad Name', publishTo: 'callsheet' })], io)).toBe(1);
    expect(io.err_.join('\n')).toMatch(/The values were not accepted:\n {2}owner: is required\n {2}name: must match the pattern/);
    const usage = capture(env);
    expect(await createCli(['typescript-service'], usage)).toBe(2);
    expect(usage.err_.join('\n')).toMatch(/--values <file> is required/);
  }, 120_000);

  it('--dry-run prints steps, files and catalog-info.yaml and publishes nothing', async () => {
    const io = capture(env);
    const file = await values('ok', { name: 'cli-dry', owner: 'group:default/payments', publishTo: 'callsheet' });
    expect(await createCli(['typescript-service', '--values', file, '--dry-run'], io)).toBe(0);
    const out = io.out_.join('\n');
    expect(out).toMatch(/dry run/);
    expect(out).toMatch(/Publish to a Git repository \(publish:git\) — skipped: does not support dry run/);
    expect(out).toMatch(/catalog-info\.yaml/);
    expect(out).toMatch(/name: "cli-dry"/);
    expect(await readdir(join(work, 'data', 'repos')).catch(() => [])).toEqual([]);
  }, 120_000);

  it('runs the task without prompts, printing each step and the outputs, exit 0', async () => {
    const io = capture(env);
    const file = await values('run', { name: 'cli-run', owner: 'group:default/payments', publishTo: 'callsheet' });
    expect(await createCli(['typescript-service', '--values', file], io)).toBe(0);
    const out = io.out_.join('\n');
    expect(out).toMatch(/✓ Fetch the skeleton \(fetch:template\)/);
    expect(out).toMatch(/✓ Publish to a Git repository/);
    expect(out).toMatch(/Outputs:\n {2}Repository: /);
    expect(out).toMatch(/Completed\.$/);
  }, 120_000);

  it('--as goes through trust: a known org user runs as themselves, others are refused', async () => {
    const file = await values('ledger', { name: 'cli-ledger', owner: 'group:default/ledger', publishTo: 'callsheet' });
    const refused = capture(env);
    expect(await createCli(['ledger-service', '--values', file, '--dry-run', '--as', 'alice-nguyen'], refused)).toBe(1);
    expect(refused.err_.join('\n')).toMatch(/You may not run .* limited to members of group:default\/ledger, and user:default\/alice-nguyen is not a member/);
    const allowed = capture(env);
    expect(await createCli(['ledger-service', '--values', file, '--dry-run', '--as', 'chen.wei@acmepay.example'], allowed)).toBe(0);
    const nobody = capture(env);
    expect(await createCli(['ledger-service', '--values', file, '--dry-run', '--as', 'nobody'], nobody)).toBe(1);
    expect(nobody.err_.join('\n')).toMatch(/--as nobody: there is no catalog User/);
  }, 120_000);
});
