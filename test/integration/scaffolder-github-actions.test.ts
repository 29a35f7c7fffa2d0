/**
 * The GitHub actions Backstage templates use, each run through its registered (Backstage-contracted)
 * form against the fake GitHub speaking GitHub's wire format: pull requests, repo create + push,
 * workflow dispatch, webhooks, labels, and fetch:plain of a remote tree URL read through the API.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubClient, type GithubClient } from '../../src/github/client.js';
import { silentLogger } from '../../src/logger.js';
import { builtinActions } from '../../src/scaffolder/actions/index.js';
import { runAction } from '../helpers/run-action.js';
import type { TemplateAction } from '../../src/scaffolder/actions/types.js';
import { remoteReader } from '../../src/scaffolder/remote-reader.js';
import { FakeOrg } from '../fakes/github/model.js';
import { sideEffectsOf } from '../fakes/github/read-and-hooks.js';
import { branchHead, commitObject, stateOf } from '../fakes/github/repo-state.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';

let fake: FakeGithub;
let client: GithubClient;
let dir: string;
let actions: ReturnType<typeof builtinActions>;

beforeAll(async () => {
  fake = await startFakeGithub({ org: new FakeOrg('acme'), others: [new FakeOrg('backstage')] });
  client = await createGithubClient({ token: 'test-token' }, { baseUrl: fake.apiUrl, logger: silentLogger(), serialSpacingMs: 0 });
  dir = await mkdtemp(join(tmpdir(), 'callsheet-github-actions-'));
  const github = { client: async () => client, host: 'github.com' };
  actions = builtinActions({ registrar: { register: async () => ({ entityRefs: [] }) }, publishGit: { reposDir: dir }, github, remote: remoteReader({ github, policy: { allowedHosts: [] } }) });
  fake.org.addRepo('service', { files: { 'README.md': '# service\n' } });
  fake.org.addRepo('hooks', { files: { 'README.md': 'x' } });
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(id: string, input: Record<string, unknown>, options: { files?: Record<string, string>; isDryRun?: boolean; root?: string } = {}) {
  return runAction(actions.get(id) as TemplateAction, input, { parent: dir, ...options });
}

describe('publish:github:pull-request', () => {
  it('commits the workspace under targetPath on a new branch and opens the pull request, with reviewers and assignees', async () => {
    const { outputs } = await run(
      'publish:github:pull-request',
      { repoUrl: 'github.com?owner=acme&repo=service', branchName: 'create-ledger', title: 'Create ledger', description: 'New project', targetPath: 'ledger', reviewers: ['ada'], assignees: ['bob'] },
      { files: { 'catalog-info.yaml': 'kind: Component\n', 'docs/index.md': '# Ledger\n' } },
    );
    const repo = fake.org.mustGet('service');
    const [pull] = stateOf(repo).pulls;
    expect(pull).toMatchObject({ title: 'Create ledger', body: 'New project', head: 'create-ledger', base: 'main' });
    expect(outputs).toEqual({ targetBranchName: 'main', remoteUrl: `${fake.url}/acme/service/pull/${pull.number}`, pullRequestNumber: pull.number });
    const head = commitObject(repo, branchHead(repo, 'create-ledger')!)!;
    expect([...head.files.keys()].sort()).toEqual(['README.md', 'ledger/catalog-info.yaml', 'ledger/docs/index.md']);
    expect(head.parents).toEqual([repo.head]);
    expect(sideEffectsOf(repo).reviewers.get(pull.number)).toEqual({ users: ['ada'], teams: [] });
    expect(sideEffectsOf(repo).assignees.get(pull.number)).toEqual(['bob']);
    // The same branch again, without update: refused before anything changes.
    await expect(run('publish:github:pull-request', { repoUrl: 'github.com?owner=acme&repo=service', branchName: 'create-ledger', title: 'x', description: 'y' }, { files: { a: 'b' } })).rejects.toThrow(/already exists/);
  });

  it('in a dry run says what it would do and opens nothing', async () => {
    const before = stateOf(fake.org.mustGet('service')).pulls.length;
    const { outputs, log } = await run('publish:github:pull-request', { repoUrl: 'github.com?owner=acme&repo=service', branchName: 'dry', title: 'Dry', description: '' }, { files: { a: 'b' }, isDryRun: true });
    expect(actions.get('publish:github:pull-request')!.supportsDryRun).toBe(true);
    expect(log.join('\n')).toMatch(/Dry run: would open a pull request from dry into main/);
    expect(outputs.targetBranchName).toBe('main');
    expect(stateOf(fake.org.mustGet('service')).pulls).toHaveLength(before);
    expect(branchHead(fake.org.mustGet('service'), 'dry')).toBeNull();
  });
});

describe('github:repo:create and github:repo:push', () => {
  it('create makes the repository, push makes the workspace its only commit, and a second push is refused', async () => {
    const created = await run('github:repo:create', { repoUrl: 'github.com?owner=acme&repo=fresh', description: 'Fresh', repoVisibility: 'public', topics: ['t1'] });
    expect(created.outputs).toEqual({ remoteUrl: `${fake.url}/acme/fresh.git`, repoContentsUrl: `${fake.url}/acme/fresh/blob/main` });
    const repo = fake.org.mustGet('fresh');
    expect(stateOf(repo)).toMatchObject({ description: 'Fresh', visibility: 'public', topics: ['t1'] });
    const pushed = await run('github:repo:push', { repoUrl: 'github.com?owner=acme&repo=fresh', defaultBranch: 'main', gitCommitMessage: 'first' }, { files: { 'src/index.ts': 'export {};\n', 'catalog-info.yaml': 'kind: Component\n' } });
    expect(pushed.outputs).toMatchObject({ remoteUrl: `${fake.url}/acme/fresh.git`, repoContentsUrl: `${fake.url}/acme/fresh/blob/main` });
    const head = commitObject(repo, repo.head!)!;
    expect(head).toMatchObject({ sha: pushed.outputs.commitHash, parents: [], message: 'first' });
    expect([...head.files.keys()].sort()).toEqual(['catalog-info.yaml', 'src/index.ts']);
    // Never over what is there: the pushed repository, or one with content of its own.
    await expect(run('github:repo:push', { repoUrl: 'github.com?owner=acme&repo=fresh', defaultBranch: 'main' }, { files: { a: 'b' } })).rejects.toThrow(/already has history/);
    fake.org.addRepo('busy', { files: { 'README.md': 'x', 'src/a.ts': 'y' } });
    await expect(run('github:repo:push', { repoUrl: 'github.com?owner=acme&repo=busy' }, { files: { a: 'b' } })).rejects.toThrow(/already has history/);
    expect(commitObject(repo, repo.head!)!.sha).toBe(pushed.outputs.commitHash);
  });
});

describe('github:actions:dispatch, github:webhook, github:issues:label', () => {
  it('dispatches a workflow with inputs, and returns the run when asked', async () => {
    const { outputs } = await run('github:actions:dispatch', { repoUrl: 'github.com?owner=acme&repo=hooks', workflowId: 'ci.yml', branchOrTagName: 'main', workflowInputs: { env: 'prod' }, returnWorkflowRunDetails: true });
    expect(sideEffectsOf(fake.org.mustGet('hooks')).dispatches).toEqual([{ workflowId: 'ci.yml', ref: 'main', inputs: { env: 'prod' } }]);
    expect(outputs).toMatchObject({ workflowRunId: expect.any(Number), workflowRunHtmlUrl: expect.stringContaining('/acme/hooks/actions/runs/') });
    await expect(run('github:actions:dispatch', { repoUrl: 'github.com?owner=acme&repo=hooks', workflowId: 'ci.yml', branchOrTagName: 'nope' })).rejects.toThrow(/No ref found/);
  });

  it('adds a webhook (none in a dry run) and labels an issue', async () => {
    await run('github:webhook', { repoUrl: 'github.com?owner=acme&repo=hooks', webhookUrl: 'https://ci.example.com/hook', webhookSecret: 's3cret', events: ['push', 'pull_request'], contentType: 'json' }, { isDryRun: true });
    expect(sideEffectsOf(fake.org.mustGet('hooks')).hooks).toHaveLength(0);
    await run('github:webhook', { repoUrl: 'github.com?owner=acme&repo=hooks', webhookUrl: 'https://ci.example.com/hook', webhookSecret: 's3cret', events: ['push', 'pull_request'], contentType: 'json' });
    expect(sideEffectsOf(fake.org.mustGet('hooks')).hooks).toEqual([{ id: 1000, active: true, events: ['push', 'pull_request'], config: { url: 'https://ci.example.com/hook', content_type: 'json', insecure_ssl: '0', secret: 's3cret' } }]);
    await run('github:issues:label', { repoUrl: 'github.com?owner=acme&repo=hooks', number: 7, labels: ['scaffolded', 'new'] });
    expect(sideEffectsOf(fake.org.mustGet('hooks')).labels.get(7)).toEqual(['scaffolded', 'new']);
    // Backstage's schema judges: number must be a number.
    expect(() => actions.get('github:issues:label')!.schema.parse({ repoUrl: 'github.com?owner=acme&repo=hooks', number: 'seven', labels: ['x'] })).toThrow(/number/);
  });
});

describe('fetch:plain and fetch:template with a remote url', () => {
  it('reads a GitHub tree URL through the API, and a blob URL as one file', async () => {
    fake.others[0]!.addRepo('community', { files: { 'backstage-community-sessions/README.md': '# Sessions\n', 'backstage-community-sessions/2024/notes.md': 'notes\n', 'other/x.md': 'no' } });
    const { root } = await run('fetch:plain', { url: 'https://github.com/backstage/community/tree/main/backstage-community-sessions', targetPath: './community' });
    expect(await readFile(join(root, 'community/README.md'), 'utf8')).toBe('# Sessions\n');
    expect(await readFile(join(root, 'community/2024/notes.md'), 'utf8')).toBe('notes\n');
    await expect(readFile(join(root, 'community/other/x.md'))).rejects.toThrow();
    const one = await run('fetch:template:file', { url: 'https://github.com/backstage/community/blob/main/backstage-community-sessions/README.md', targetPath: 'R.md' });
    expect(await readFile(join(one.root, 'R.md'), 'utf8')).toBe('# Sessions\n');
    await expect(run('fetch:plain', { url: 'https://gitlab.example.com/a/b/-/tree/main/x' })).rejects.toThrow(/not an allowed Git host/);
  });
});
