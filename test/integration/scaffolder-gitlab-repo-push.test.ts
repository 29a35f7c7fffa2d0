/**
 * gitlab:repo:push against the fake GitLab (held to Backstage's inputs and outputs), and
 * catalog:register of a GitLab project: the project's blob URL becomes a `gitlab:` source read
 * through the API, and a webhook about it finds that registered source.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitlabSourcesFor } from '../../src/cli/gitlab-sources.js';
import { catalogRegisterAction } from '../../src/scaffolder/actions/catalog-register.js';
import { gitlabRepoPushAction } from '../../src/scaffolder/actions/gitlab-repo-push.js';
import { runAction } from '../helpers/run-action.js';
import type { TemplateAction } from '../../src/scaffolder/actions/types.js';
import { gitlabSpecOf, syncRegistrar } from '../../src/scaffolder/registrar.js';
import { FakeGitlabModel } from '../fakes/gitlab/model.js';
import { startFakeGitlab, type FakeGitlab } from '../fakes/gitlab/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { fakeGitlabClient, gitlabSyncService } from '../helpers/gitlab-sync.js';
import { component } from '../helpers/sync-fixtures.js';

let gitlab: FakeGitlab;
let dir: string;
let database: TestDatabase;

beforeAll(async () => {
  const model = new FakeGitlabModel();
  model.addProject('acme/platform/ledger', { files: { 'README.md': '# ledger\n', 'catalog-info.yaml': component('ledger', 'team-ledger') } });
  gitlab = await startFakeGitlab({ model });
  dir = await mkdtemp(join(tmpdir(), 'callsheet-gitlab-push-'));
  database = await createTestDatabase();
});
afterAll(async () => {
  await gitlab?.close();
  await database?.close();
  await rm(dir, { recursive: true, force: true });
});

const options = () => ({ client: () => fakeGitlabClient(gitlab), host: 'gitlab.com' });

async function run(action: TemplateAction, input: Record<string, unknown>, files: Record<string, string>) {
  return runAction(action, input, { parent: dir, files });
}

describe('gitlab:repo:push', () => {
  const repoUrl = 'gitlab.com?owner=acme/platform&repo=ledger';

  it('commits the workspace into targetPath on a new branch made from the default branch', async () => {
    const { outputs } = await run(gitlabRepoPushAction(options()), { repoUrl, branchName: 'docs', commitMessage: 'Add docs', targetPath: 'docs' }, { 'index.md': '# Docs\n', 'guide/setup.md': 'setup\n' });
    const project = gitlab.model.mustGet('acme/platform/ledger');
    expect([...project.branches.get('docs')!.keys()].sort()).toEqual(['README.md', 'catalog-info.yaml', 'docs/guide/setup.md', 'docs/index.md']);
    expect(project.branches.get('main')!.has('docs/index.md')).toBe(false);
    expect(project.commits.at(-1)).toMatchObject({ branch: 'docs', message: 'Add docs' });
    expect(outputs).toEqual({ projectid: 'acme/platform/ledger', projectPath: 'acme/platform/ledger', commitHash: project.commits.at(-1)!.id });
  });

  it('with commitAction auto updates what differs and skips what is equal; nothing to commit gives no commitHash', async () => {
    const project = gitlab.model.mustGet('acme/platform/ledger');
    const before = project.commits.length;
    const { outputs } = await run(gitlabRepoPushAction(options()), { repoUrl, branchName: 'main', commitMessage: 'Refresh', commitAction: 'auto' }, { 'README.md': '# ledger\n', 'catalog-info.yaml': component('ledger', 'team-core') });
    expect(project.commits.length).toBe(before + 1);
    expect(project.commits.at(-1)!.actions).toEqual([{ action: 'update', file_path: 'catalog-info.yaml' }]);
    expect(outputs.commitHash).toBe(project.commits.at(-1)!.id);
    const again = await run(gitlabRepoPushAction(options()), { repoUrl, branchName: 'main', commitMessage: 'Refresh', commitAction: 'auto' }, { 'README.md': '# ledger\n' });
    expect(again.outputs).toEqual({ projectid: 'acme/platform/ledger', projectPath: 'acme/platform/ledger' });
    expect(project.commits.length).toBe(before + 1);
  });

  it('says why a create of an existing file fails, and refuses other hosts and paths leaving the project', async () => {
    await expect(run(gitlabRepoPushAction(options()), { repoUrl, branchName: 'main', commitMessage: 'x' }, { 'README.md': 'new\n' })).rejects.toThrow(/already exists.*use update or auto/);
    await expect(run(gitlabRepoPushAction(options()), { repoUrl: 'gitlab.evil.com?owner=acme&repo=ledger', branchName: 'main', commitMessage: 'x' }, { 'a.txt': 'a' })).rejects.toThrow(/not the configured GitLab/);
    await expect(run(gitlabRepoPushAction(options()), { repoUrl, branchName: 'main', commitMessage: 'x', targetPath: '../..' }, { 'a.txt': 'a' })).rejects.toThrow(/leaves the repository/);
    await expect(run(gitlabRepoPushAction(options()), { repoUrl: 'gitlab.com?owner=acme&repo=missing', branchName: 'main', commitMessage: 'x' }, { 'a.txt': 'a' })).rejects.toThrow(/no GitLab project acme\/missing/);
  });
});

describe('catalog:register of a GitLab project', () => {
  it('turns the blob URL into a gitlab: source of that one project, synced through the API', async () => {
    expect(gitlabSpecOf('https://gitlab.example.com/acme/platform/ledger#main', 'https://gitlab.example.com')).toBe('gitlab:acme/platform/ledger');
    expect(gitlabSpecOf('https://other.example.com/acme/ledger#main', 'https://gitlab.example.com')).toBe('https://other.example.com/acme/ledger#main');
    const sync = gitlabSyncService(database.db, gitlab, []);
    const registrar = syncRegistrar({ db: database.db, sync, gitlabWebUrl: gitlab.url, policy: { allowedHosts: [], reposDir: join(dir, 'repos') } });
    const { outputs } = await run(catalogRegisterAction(registrar), { catalogInfoUrl: `${gitlab.url}/acme/platform/ledger/-/blob/main/catalog-info.yaml` }, {});
    expect(outputs.entityRef).toBe('component:default/ledger');
    expect(await gitlabSourcesFor({ sync, database }, 'acme/platform/ledger')).toEqual(['gitlab:acme/platform/ledger']);
    expect(await gitlabSourcesFor({ sync, database }, 'acme/platform/other')).toEqual([]);
  });
});
