import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile, lstat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalogRegisterAction, registerTargetOf } from '../../src/scaffolder/actions/catalog-register.js';
import { catalogWriteAction } from '../../src/scaffolder/actions/catalog-write.js';
import { debugLogAction } from '../../src/scaffolder/actions/debug-log.js';
import { fetchPlainAction } from '../../src/scaffolder/actions/fetch-plain.js';
import { fetchTemplateFileAction } from '../../src/scaffolder/actions/fetch-template-file.js';
import { fetchTemplateAction } from '../../src/scaffolder/actions/fetch-template.js';
import { builtinActions } from '../../src/scaffolder/actions/index.js';
import { publishGitAction } from '../../src/scaffolder/actions/publish-git.js';
import type { TemplateAction } from '../../src/scaffolder/actions/types.js';
import { createRedactor } from '../../src/scaffolder/redact.js';
import { checkRelativePath, createWorkspace, PathRefused, type Workspace } from '../../src/scaffolder/workspace.js';

let dir: string;
let templateDir: string;
let workspace: Workspace;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callsheet-actions-'));
  templateDir = join(dir, 'template');
  await mkdir(join(dir, 'ws'));
  await mkdir(templateDir);
  workspace = createWorkspace(join(dir, 'ws'), { maxFiles: 50, maxBytes: 100_000 });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(action: TemplateAction, input: unknown) {
  const outputs: Record<string, unknown> = {};
  const log: string[] = [];
  const parsed = action.schema.parse(input);
  await action.handler({
    input: parsed,
    workspace,
    templateDir,
    templateRef: 'template:default/t',
    logger: { info: (m) => log.push(m), warn: (m) => log.push(`warn ${m}`) },
    output: (k, v) => (outputs[k] = v),
    user: {},
    task: { id: 'task' },
    secrets: {},
  });
  return { outputs, log };
}

async function put(path: string, content: string) {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, content);
}

const ws = (p: string) => readFile(join(dir, 'ws', p), 'utf8');

describe('fetch:template', () => {
  it('renders names and contents with values, copies without templating, skips empty names', async () => {
    await put(join(templateDir, 'skeleton/README.md'), '# ${{ values.name }}\n{% if values.private %}private{% endif %}\n');
    await put(join(templateDir, 'skeleton/${{ values.name }}.txt'), 'named');
    await put(join(templateDir, 'skeleton/.github/workflows/ci.yml'), 'run: ${{ github.sha }}');
    await put(join(templateDir, 'skeleton/${{ "optional.md" if values.private }}'), 'only when private');
    await put(join(templateDir, 'skeleton/bin.dat'), 'a\u0000${{ values.name }}');
    await run(fetchTemplateAction, { url: './skeleton', targetPath: 'out', values: { name: 'pay', private: false }, copyWithoutTemplating: ['.github/workflows/*'] });
    expect(await ws('out/README.md')).toBe('# pay\n\n');
    expect(await ws('out/pay.txt')).toBe('named');
    expect(await ws('out/.github/workflows/ci.yml')).toBe('run: ${{ github.sha }}');
    expect(await ws('out/bin.dat')).toBe('a\u0000${{ values.name }}');
    await expect(lstat(join(dir, 'ws/out/optional.md'))).rejects.toThrow();
  });

  it('with templateFileExtension renders only those files and strips the extension', async () => {
    await put(join(templateDir, 'sk/a.md.njk'), '${{ values.x }}');
    await put(join(templateDir, 'sk/b.md'), '${{ values.x }}');
    await run(fetchTemplateAction, { url: './sk', values: { x: 1 }, templateFileExtension: true });
    expect(await ws('a.md')).toBe('1');
    expect(await ws('b.md')).toBe('${{ values.x }}');
  });

  it('keeps existing files unless replace is set', async () => {
    await put(join(templateDir, 'sk/a.txt'), 'new ${{ values.v }}');
    await workspace.write('a.txt', 'old');
    await run(fetchTemplateAction, { url: './sk', values: { v: 1 } });
    expect(await ws('a.txt')).toBe('old');
    await run(fetchTemplateAction, { url: './sk', values: { v: 2 }, replace: true });
    expect(await ws('a.txt')).toBe('new 2');
  });

  it("holds inputs to Backstage's schema: wrong types refused, inputs not acted on reported, not refused", () => {
    expect(fetchTemplateAction.schema.parse({ url: './sk', cookiecutterCompat: true })).toMatchObject({ notActedOn: ['cookiecutterCompat'] });
    expect(() => fetchTemplateAction.schema.parse({ url: './sk', replace: 'yes' })).toThrow(/replace.*boolean/);
    expect(() => fetchTemplateAction.schema.parse({ targetPath: './x' })).toThrow(/requires property.{0,3}url/);
  });

  it('refuses a rendered path that escapes the task folder', async () => {
    await put(join(templateDir, 'sk/${{ values.name }}'), 'x');
    await expect(run(fetchTemplateAction, { url: './sk', values: { name: '../../escaped' } })).rejects.toThrow(PathRefused);
    await expect(run(fetchTemplateAction, { url: './sk', values: { name: 'x' }, targetPath: '/tmp/abs' })).rejects.toThrow(/absolute/);
    await expect(lstat(join(dir, 'escaped'))).rejects.toThrow();
  });

  it('refuses urls outside the template folder and remote urls', async () => {
    await expect(run(fetchTemplateAction, { url: '../..' })).rejects.toThrow(/leaves the template/);
    await expect(run(fetchTemplateAction, { url: 'https://github.com/a/b' })).rejects.toThrow(/remote URLs are not configured here/);
  });

  it('refuses symlinks in the skeleton and in the workspace', async () => {
    await put(join(templateDir, 'sk/a.txt'), 'x');
    await symlink('/etc/passwd', join(templateDir, 'sk/link'));
    await expect(run(fetchTemplateAction, { url: './sk' })).rejects.toThrow(/symbolic link/);
    await rm(join(templateDir, 'sk/link'));
    await mkdir(join(dir, 'outside'));
    await symlink(join(dir, 'outside'), join(dir, 'ws/sub'));
    await expect(run(fetchTemplateAction, { url: './sk', targetPath: 'sub' })).rejects.toThrow(/symbolic link/);
    await expect(lstat(join(dir, 'outside/a.txt'))).rejects.toThrow();
  });

  it('bounds the number of files and bytes', async () => {
    for (let i = 0; i < 51; i++) await put(join(templateDir, `many/f${i}.txt`), 'x');
    await expect(run(fetchTemplateAction, { url: './many' })).rejects.toThrow(/more than 50 files/);
    await put(join(templateDir, 'big/a.txt'), '${{ values.x }}');
    await expect(run(fetchTemplateAction, { url: './big', values: { x: 'y'.repeat(100_001) } })).rejects.toThrow(/too much content/);
  });
});

describe('fetch:plain and fetch:template:file', () => {
  it('copies as is, and renders one file', async () => {
    await put(join(templateDir, 'plain/a.txt'), '${{ values.x }}');
    await put(join(templateDir, 'one.txt'), 'v=${{ values.x }}');
    await run(fetchPlainAction, { url: './plain', targetPath: 'p' });
    await run(fetchTemplateFileAction, { url: './one.txt', targetPath: 'dir/one.txt', values: { x: 7 } });
    expect(await ws('p/a.txt')).toBe('${{ values.x }}');
    expect(await ws('dir/one.txt')).toBe('v=7');
    expect(fetchPlainAction.schema.parse({ url: '.', extra: 1 })).toMatchObject({ unknownToBackstage: ['extra'] });
  });
});

describe('catalog:write and debug:log', () => {
  it('writes the entity as YAML and lists the workspace', async () => {
    await run(catalogWriteAction, { entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x' }, spec: { owner: 'team-a' } } });
    expect(parse(await ws('catalog-info.yaml'))).toMatchObject({ kind: 'Component', metadata: { name: 'x' } });
    const { log } = await run(debugLogAction, { message: 'hello', listWorkspace: true });
    expect(log).toEqual(['hello', 'Workspace:\n  catalog-info.yaml']);
    await expect(run(catalogWriteAction, { filePath: '../x.yaml', entity: {} })).rejects.toThrow(PathRefused);
  });
});

describe('publish:git', () => {
  it('creates a bare repository under the repos folder and pushes one commit', async () => {
    await workspace.write('README.md', '# hi');
    await workspace.write('src/index.ts', 'export {}');
    const reposDir = join(dir, 'repos');
    const { outputs } = await run(publishGitAction({ reposDir }), { name: 'pay-api', description: 'Payments' });
    const bare = join(reposDir, 'pay-api.git');
    expect(outputs.remoteUrl).toBe(`file://${bare}`);
    expect(outputs.repoContentsUrl).toBe(`file://${bare}#main`);
    const log = execFileSync('git', ['--git-dir', bare, 'log', '--format=%H %s', 'main'], { encoding: 'utf8' }).trim().split('\n');
    expect(log).toEqual([`${outputs.commitHash} Initial commit`]);
    expect(execFileSync('git', ['--git-dir', bare, 'ls-tree', '-r', '--name-only', 'main'], { encoding: 'utf8' }).trim().split('\n')).toEqual(['README.md', 'src/index.ts']);
    await expect(run(publishGitAction({ reposDir }), { name: 'pay-api' })).rejects.toThrow(/already exists/);
  });

  it('pushes to an existing remote URL and hides credentials in outputs', async () => {
    const remote = join(dir, 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', remote]);
    await workspace.write('a.txt', 'a');
    const { outputs } = await run(publishGitAction({ reposDir: join(dir, 'repos') }), { remoteUrl: `file://${remote}`, defaultBranch: 'trunk' });
    expect(execFileSync('git', ['--git-dir', remote, 'rev-parse', 'trunk'], { encoding: 'utf8' }).trim()).toBe(outputs.commitHash);
    expect(() => publishGitAction({ reposDir: dir }).schema.parse({ remoteUrl: 'ext::sh -c touch% /tmp/pwned' })).toThrow();
    expect(() => publishGitAction({ reposDir: dir }).schema.parse({ name: '../evil' })).toThrow();
    expect(() => publishGitAction({ reposDir: dir }).schema.parse({})).toThrow(/exactly one/);
  });
});

describe('catalog:register', () => {
  it('registers the repository target and outputs the first non-location entity', async () => {
    const calls: string[] = [];
    const action = catalogRegisterAction({ register: async (t) => (calls.push(t), { entityRefs: ['location:default/generated', 'component:default/pay'] }) });
    const { outputs } = await run(action, { repoContentsUrl: 'file:///repos/pay.git#main', catalogInfoPath: '/catalog-info.yaml' });
    expect(calls).toEqual(['file:///repos/pay.git#main']);
    expect(outputs.entityRef).toBe('component:default/pay');
    expect(registerTargetOf('https://github.com/acme/pay/blob/main/catalog-info.yaml')).toBe('https://github.com/acme/pay#main');
    expect(registerTargetOf('https://github.com/acme/pay/tree/dev')).toBe('https://github.com/acme/pay#dev');
  });

  it('fails when nothing was registered unless optional', async () => {
    const empty = catalogRegisterAction({ register: async () => ({ entityRefs: [] }) });
    await expect(run(empty, { repoContentsUrl: 'file:///x.git#main' })).rejects.toThrow(/no catalog entity/);
    expect((await run(empty, { repoContentsUrl: 'file:///x.git#main', optional: true })).outputs).toEqual({});
  });
});

describe('registry, paths and redaction', () => {
  it('lists the built-in actions and refuses duplicates', () => {
    const registry = builtinActions({ registrar: { register: async () => ({ entityRefs: [] }) }, publishGit: { reposDir: dir }, rails: false });
    expect(registry.ids()).toEqual(['catalog:register', 'catalog:write', 'debug:log', 'fetch:cookiecutter', 'fetch:plain', 'fetch:template', 'fetch:template:file', 'notification:send', 'publish:git']);
    // fetch:rails joins where a rails program is given (or found on PATH).
    expect(builtinActions({ registrar: { register: async () => ({ entityRefs: [] }) }, publishGit: { reposDir: dir }, rails: { command: '/usr/bin/rails' } }).ids()).toContain('fetch:rails');
    expect(() => builtinActions({ registrar: { register: async () => ({ entityRefs: [] }) }, publishGit: { reposDir: dir }, extra: [debugLogAction] })).toThrow(/twice/);
  });

  it('refuses .., absolute and NUL paths', () => {
    expect(() => checkRelativePath('a/../../b')).toThrow(PathRefused);
    expect(() => checkRelativePath('..\\b')).toThrow(PathRefused);
    expect(() => checkRelativePath('/etc/passwd')).toThrow(PathRefused);
    expect(() => checkRelativePath('C:\\x')).toThrow(PathRefused);
    expect(() => checkRelativePath('a\0b')).toThrow(PathRefused);
    expect(checkRelativePath('./a//b/')).toEqual(['a', 'b']);
  });

  it('redacts known secrets and URL credentials', () => {
    const redact = createRedactor(['ghp_secret123', 'ab']);
    expect(redact({ a: 'token ghp_secret123 here', b: ['https://x:ghp_other@github.com/a'], c: 'ab stays' })).toEqual({ a: 'token *** here', b: ['https://***@github.com/a'], c: 'ab stays' });
  });

  it('keeps the executable bit of skeleton files', async () => {
    await put(join(templateDir, 'sk/run.sh'), '#!/bin/sh\necho ${{ values.x }}');
    await chmod(join(templateDir, 'sk/run.sh'), 0o755);
    await run(fetchTemplateAction, { url: './sk', values: { x: 1 } });
    expect((await lstat(join(dir, 'ws/run.sh'))).mode & 0o111).not.toBe(0);
  });
});
