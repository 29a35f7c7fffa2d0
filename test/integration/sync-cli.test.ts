import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { syncCli } from '../../src/cli/sync.js';
import { validateCli } from '../../src/cli/validate.js';
import { generateOrg } from '../fakes/github/generate.js';
import { startFakeGithub } from '../fakes/github/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { BILLION_LAUGHS, component, tempDir, writeFiles } from '../helpers/sync-fixtures.js';

function capture(env: Record<string, string | undefined> = {}): CliIo & { text(): string } {
  const lines: string[] = [];
  return { out: (t) => lines.push(t), err: (t) => lines.push(t), env, text: () => lines.join('\n') };
}

describe('callsheet sync', () => {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    // On Postgres the CLI gets its own fresh database; on PGlite it opens one under DATA_DIR.
    if (process.env.TEST_DATABASE_URL || process.env.DATABASE_URL) database = await createTestDatabase();
  });
  afterAll(async () => database?.close());

  it('prints what changed and each problem as file:line: message; --strict exits 1 on problems', async () => {
    const catalog = await tempDir();
    await writeFiles(catalog, { 'good/catalog-info.yaml': component('cli-good'), 'bad/catalog-info.yaml': `${component('cli-bad')}  owner: twice\n` });
    const env = { CATALOG_SOURCES: catalog, TEMPLATE_SOURCES: '', DATA_DIR: await tempDir('callsheet-data-'), DATABASE_URL: database?.url };
    const io = capture(env);
    expect(await syncCli([], io)).toBe(0);
    expect(io.text()).toContain(`${catalog}: synced`);
    expect(io.text()).toMatch(/1 added, 0 updated, 0 removed, 0 unchanged/);
    expect(io.text()).toContain('bad/catalog-info.yaml:9: YAML error: Map keys must be unique');

    await writeFiles(catalog, { 'bad/catalog-info.yaml': `${component('cli-bad')}  owner: thrice\n` });
    const strict = capture(env);
    expect(await syncCli(['--strict'], strict)).toBe(1);
    expect(strict.text()).toContain('bad/catalog-info.yaml:9:');

    await writeFiles(catalog, { 'bad/catalog-info.yaml': component('cli-bad') });
    const clean = capture(env);
    expect(await syncCli(['--strict'], clean)).toBe(0);
    expect(clean.text()).toMatch(/1 added, 0 updated, 0 removed, 1 unchanged/);
    expect(await syncCli(['--bogus'], capture(env))).toBe(2);
  }, 240_000);

  it('--strict fails on an unchanged source whose problems still stand, and prints them', async () => {
    const catalog = await tempDir();
    await writeFiles(catalog, { 'good/catalog-info.yaml': component('standing-good'), 'bad/catalog-info.yaml': `${component('standing-bad')}  owner: twice\n` });
    const env = { CATALOG_SOURCES: catalog, TEMPLATE_SOURCES: '', DATA_DIR: await tempDir('callsheet-data-'), DATABASE_URL: database?.url };
    expect(await syncCli([], capture(env))).toBe(0);
    const again = capture(env);
    expect(await syncCli(['--strict'], again)).toBe(1);
    expect(again.text()).toContain(`${catalog}: unchanged`);
    expect(again.text()).toContain('1 standing problem(s)');
    expect(again.text()).toContain('bad/catalog-info.yaml:9: YAML error: Map keys must be unique');
    expect(again.text()).toContain('1 source(s), 1 problem(s)');
    // Fixed: the next run reads the change and the standing problem is gone.
    await writeFiles(catalog, { 'bad/catalog-info.yaml': component('standing-bad') });
    expect(await syncCli(['--strict'], capture(env))).toBe(0);
    const clean = capture(env);
    expect(await syncCli(['--strict'], clean)).toBe(0);
    expect(clean.text()).toContain('1 source(s), 0 problem(s)');
  }, 240_000);

  it('syncs a github: source with GITHUB_TOKEN set, as serve does', async () => {
    const fake = await startFakeGithub({ org: generateOrg({ org: 'acme', repos: 3 }) });
    try {
      const env = {
        CATALOG_SOURCES: 'github:acme',
        TEMPLATE_SOURCES: '',
        GITHUB_TOKEN: 'test-token',
        GITHUB_API_URL: fake.apiUrl,
        DATA_DIR: await tempDir('callsheet-data-'),
        DATABASE_URL: database?.url,
      };
      const io = capture(env);
      expect(await syncCli([], io)).toBe(0);
      expect(io.text()).not.toContain('needs the GitHub driver');
      expect(io.text()).toMatch(/github:acme: synced.*: 3 added/);
    } finally {
      await fake.close();
    }
  }, 240_000);
});

describe('callsheet validate', () => {
  it('prints file:line: message per problem and exits 1; a clean set exits 0 with a summary', async () => {
    const dir = await tempDir();
    await writeFiles(dir, {
      'ok/catalog-info.yaml': component('v-ok'),
      'lol/catalog-info.yaml': BILLION_LAUGHS,
      'invalid/catalog-info.yaml': component('Not Valid'),
      'helm/values.yaml': 'replicas: 3\n',
    });
    const io = capture({});
    expect(await validateCli([dir], io)).toBe(1);
    const out = io.text();
    // The CLI shows paths relative to the working directory, wherever the temp folder is.
    const rel = (p: string) => relative(process.cwd(), join(dir, p));
    expect(out).toContain(`${rel('lol/catalog-info.yaml')}:1: YAML aliases expand too much`);
    expect(out).toMatch(new RegExp(`${rel('invalid/catalog-info.yaml').replace(/[.]/g, '\\.')}:1: component:default/not valid: .*metadata\\.name`));
    expect(out).not.toContain('values.yaml');
    expect(out).toMatch(/2 problem\(s\); 1 valid entities in 3 file\(s\)/);

    const clean = capture({});
    expect(await validateCli([join(dir, 'ok/catalog-info.yaml')], clean)).toBe(0);
    expect(clean.text()).toBe('OK: 1 entities in 1 file(s), no problems');

    const conformance = capture({});
    const examples = join(import.meta.dirname, '../fixtures/conformance/backstage-examples');
    expect(await validateCli([join(examples, 'all.yaml'), join(examples, 'acme-corp.yaml')], conformance)).toBe(1);
    expect(conformance.text()).toMatch(/7 problem\(s\); 60 valid entities/);
    expect(await validateCli([], capture({}))).toBe(2);
  });
});
