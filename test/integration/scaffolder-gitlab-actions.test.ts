/** publish:gitlab and publish:gitlab:merge-request against the fake GitLab, held to Backstage's input schemas. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitlabClient } from '../../src/gitlab/client.js';
import { publishGitlabMergeRequestAction } from '../../src/scaffolder/actions/gitlab-merge-request.js';
import { publishGitlabAction } from '../../src/scaffolder/actions/publish-gitlab.js';
import { runAction } from '../helpers/run-action.js';
import type { TemplateAction } from '../../src/scaffolder/actions/types.js';
import { FakeGitlabModel } from '../fakes/gitlab/model.js';
import { startFakeGitlab, type FakeGitlab } from '../fakes/gitlab/server.js';

let gitlab: FakeGitlab;
let dir: string;
const yaml = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: ledger }\nspec: { type: service, lifecycle: experimental, owner: payments }\n';

beforeAll(async () => {
  const model = new FakeGitlabModel();
  model.addGroup('acme/platform');
  model.addProject('acme/monorepo', { files: { 'README.md': '# monorepo\n', 'svc/catalog-info.yaml': yaml } });
  model.addUser('alice');
  gitlab = await startFakeGitlab({ model });
  dir = await mkdtemp(join(tmpdir(), 'callsheet-gitlab-actions-'));
});
afterAll(async () => {
  await gitlab?.close();
  await rm(dir, { recursive: true, force: true });
});

const options = () => ({ client: () => createGitlabClient({ url: gitlab.url, token: 'test-token' }), host: 'gitlab.com' });

async function run(action: TemplateAction, input: Record<string, unknown>, files: Record<string, string> = { 'catalog-info.yaml': yaml, 'src/index.ts': 'export {};\n' }) {
  return runAction(action, input, { parent: dir, files });
}

describe('publish:gitlab', () => {
  it('creates the project in a subgroup with every file in one commit on the default branch', async () => {
    const { outputs, log } = await run(publishGitlabAction(options()), { repoUrl: 'gitlab.com?owner=acme/platform&repo=ledger', defaultBranch: 'main', repoVisibility: 'internal', settings: { description: 'Ledger', topics: ['payments'] }, ownerUsername: 'alice' });
    const project = gitlab.model.mustGet('acme/platform/ledger');
    expect([...project.branches.get('main')!.keys()].sort()).toEqual(['catalog-info.yaml', 'src/index.ts']);
    expect(project.branches.get('main')!.get('catalog-info.yaml')).toBe(yaml);
    expect(project).toMatchObject({ default_branch: 'main', visibility: 'internal', description: 'Ledger', topics: ['payments'] });
    expect(outputs).toMatchObject({ remoteUrl: `${gitlab.url}/acme/platform/ledger`, repoContentsUrl: `${gitlab.url}/acme/platform/ledger/-/blob/main`, projectId: project.id, created: true, commitHash: project.commits[0].id });
    expect(log.join('\n')).toMatch(/Ignored by Callsheet's publish:gitlab: ownerUsername/);
  });

  it('refuses an existing project unless skipExisting, and hosts other than the configured GitLab', async () => {
    const action = publishGitlabAction(options());
    await expect(run(action, { repoUrl: 'gitlab.com?owner=acme&repo=monorepo' })).rejects.toThrow(/already exists/);
    const { outputs } = await run(action, { repoUrl: 'gitlab.com?owner=acme&repo=monorepo', skipExisting: true });
    expect(outputs).toMatchObject({ created: false, remoteUrl: `${gitlab.url}/acme/monorepo` });
    await expect(run(action, { repoUrl: 'evil.example?owner=acme&repo=x' })).rejects.toThrow(/not the configured GitLab \(gitlab.com\)/);
    await expect(run(action, { repoUrl: 'gitlab.com?owner=nobody&repo=x' })).rejects.toThrow(/no GitLab group or user nobody/);
  });
});

describe('publish:gitlab:merge-request', () => {
  // As Backstage: with no sourcePath, targetPath names both the workspace folder and the repository folder.
  it('commits into targetPath on a new branch and opens a merge request with Backstage outputs', async () => {
    const action = publishGitlabMergeRequestAction(options());
    const { outputs } = await run(action, { repoUrl: 'gitlab.com?owner=acme&repo=monorepo', title: 'Add ledger', description: 'New project', branchName: 'add-ledger', targetPath: 'ledger', removeSourceBranch: true, assignee: 'alice', token: 'ignored', commitAction: 'create' }, { 'ledger/catalog-info.yaml': yaml });
    const project = gitlab.model.mustGet('acme/monorepo');
    const mr = project.mergeRequests.at(-1)!;
    expect(mr).toMatchObject({ title: 'Add ledger', description: 'New project', source_branch: 'add-ledger', target_branch: 'main', remove_source_branch: true, assignee_id: gitlab.model.users.find((u) => u.username === 'alice')!.id });
    expect(project.branches.get('add-ledger')!.get('ledger/catalog-info.yaml')).toBe(yaml);
    expect(project.branches.get('add-ledger')!.get('README.md')).toBe('# monorepo\n'); // the rest of the project kept
    expect(project.branches.get('main')!.has('ledger/catalog-info.yaml')).toBe(false);
    expect(outputs).toEqual({ projectid: 'acme/monorepo', projectPath: 'acme/monorepo', targetBranchName: 'main', mergeRequestUrl: `${gitlab.url}/acme/monorepo/-/merge_requests/${mr.iid}` });
  });

  it('with commitAction auto updates changed files, skips equal ones, and names a missing assignee', async () => {
    const action = publishGitlabMergeRequestAction(options());
    await run(action, { repoUrl: 'gitlab.com?owner=acme&repo=monorepo', title: 'Touch svc', branchName: 'touch-svc', targetPath: 'svc' }, { 'svc/catalog-info.yaml': yaml, 'svc/README.md': '# svc\n' });
    const project = gitlab.model.mustGet('acme/monorepo');
    expect(project.commits.at(-1)!.actions).toEqual([{ action: 'create', file_path: 'svc/README.md' }]);
    await expect(run(action, { repoUrl: 'gitlab.com?owner=acme&repo=monorepo', title: 'x', branchName: 'x-1', assignee: 'nobody' })).rejects.toThrow(/assignee: no GitLab user nobody/);
    await expect(run(action, { repoUrl: 'gitlab.com?owner=acme&repo=missing', title: 'x', branchName: 'x-2' })).rejects.toThrow(/no GitLab project acme\/missing/);
  });

  it('is refused by Backstage schema without a title', async () => {
    const action = publishGitlabMergeRequestAction(options());
    expect(() => action.schema.parse({ repoUrl: 'gitlab.com?owner=acme&repo=monorepo', branchName: 'b' })).toThrow(/title/);
  });
});
