/**
 * Issue 18: repositories hosted by Callsheet (publish:git with `name`, bare repositories under
 * DATA_DIR/repos) are a demo feature. With a shared database and no declared volume they are
 * refused with the reason, before anything is committed; pushing to a real remote still works.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { publishGitAction } from '../../src/scaffolder/actions/publish-git.js';
import { hostedReposRefusal } from '../../src/scaffolder/hosted-repos.js';
import { createWorkspace } from '../../src/scaffolder/workspace.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'callsheet-hosted-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function run(action: ReturnType<typeof publishGitAction>, input: Record<string, unknown>, folder: string) {
  const root = join(work, folder);
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'README.md'), '# demo\n');
  const outputs: Record<string, unknown> = {};
  await action.handler({
    input: action.schema.parse(input),
    workspace: createWorkspace(root),
    templateDir: root,
    templateRef: 'template:default/demo',
    logger: { info: () => {}, warn: () => {} },
    output: (name, value) => void (outputs[name] = value),
    user: {},
    task: { id: folder },
    secrets: {},
  });
  return outputs;
}

describe('hosted repositories', () => {
  it('are allowed on the embedded database and where a volume is declared, refused with Postgres and no volume', () => {
    const base = { DATA_DIR: '/data', CALLSHEET_REPOS_VOLUME: false };
    expect(hostedReposRefusal(base)).toBeUndefined();
    expect(hostedReposRefusal({ ...base, DATABASE_URL: 'postgres://db/x', CALLSHEET_REPOS_VOLUME: true })).toBeUndefined();
    const why = hostedReposRefusal({ ...base, DATABASE_URL: 'postgres://db/x' });
    expect(why).toMatch(/DATABASE_URL is set and no volume is declared for \/data\/repos/);
    expect(why).toContain('CALLSHEET_REPOS_VOLUME=1');
  });

  it('reads CALLSHEET_REPOS_VOLUME from the environment', () => {
    const env = { DATABASE_URL: 'postgres://db/x', DATA_DIR: '/data' };
    expect(hostedReposRefusal(loadConfig(env))).toBeDefined();
    expect(hostedReposRefusal(loadConfig({ ...env, CALLSHEET_REPOS_VOLUME: '1' }))).toBeUndefined();
    expect(() => loadConfig({ ...env, CALLSHEET_REPOS_VOLUME: 'maybe' })).toThrow(/CALLSHEET_REPOS_VOLUME/);
  });

  it('publish:git with a name fails with the reason and creates no repository', async () => {
    const reposDir = join(work, 'repos-refused');
    const action = publishGitAction({ reposDir, hostedRefusal: hostedReposRefusal({ DATABASE_URL: 'postgres://db/x', DATA_DIR: '/data', CALLSHEET_REPOS_VOLUME: false })! });
    await expect(run(action, { name: 'pay-api' }, 'refused')).rejects.toThrow(/demo feature and are off/);
    expect(await readdir(reposDir).catch(() => [])).toEqual([]);
  });

  it('publish:git to an existing remote still works when hosting is refused', async () => {
    const remote = join(work, 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote]);
    const action = publishGitAction({ reposDir: join(work, 'repos-unused'), hostedRefusal: 'refused' });
    const outputs = await run(action, { remoteUrl: pathToFileURL(remote).href }, 'pushed');
    expect(outputs.remoteUrl).toBe(pathToFileURL(remote).href);
    expect(execFileSync('git', ['--git-dir', remote, 'log', '--format=%s', 'main']).toString().trim()).toBe('Initial commit');
  });

  it('publish:git with a name still hosts the repository when allowed', async () => {
    const reposDir = join(work, 'repos-allowed');
    const outputs = await run(publishGitAction({ reposDir }), { name: 'docs' }, 'hosted');
    expect(outputs.remoteUrl).toBe(pathToFileURL(join(reposDir, 'docs.git')).href);
  });
});
