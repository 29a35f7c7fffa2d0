import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGithubClient, type GithubClient } from '../../src/github/client.js';
import { openFilePullRequest, type FilePullRequestOptions } from '../../src/github/pull-request.js';
import { StaleFileError } from '../../src/github/write-errors.js';
import { silentLogger } from '../../src/logger.js';
import { FakeOrg, type FakeRepo } from '../fakes/github/model.js';
import { branchHead, commitObject, filesAt, stateOf } from '../fakes/github/repo-state.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';

const logger = silentLogger();
const before = `# The payments API
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
spec:
  type: service
  lifecycle: production
  owner: group:default/ghosts # nobody by this name
`;
const after = before.replace('group:default/ghosts', 'group:default/payments');

describe('openFilePullRequest against the fake GitHub', () => {
  let fake: FakeGithub;
  let client: GithubClient;
  let repo: FakeRepo;
  beforeAll(async () => {
    fake = await startFakeGithub({ org: new FakeOrg('acme') });
    client = await createGithubClient({ token: 'test-token' }, { baseUrl: fake.apiUrl, logger, serialSpacingMs: 0 });
  });
  afterAll(async () => fake.close());
  beforeEach(() => {
    fake.org.remove('payments');
    repo = fake.org.addRepo('payments', { files: { 'catalog-info.yaml': before, 'README.md': '# payments\n' } });
    fake.resetCounts();
  });

  const options = (overrides: Partial<FilePullRequestOptions> = {}): FilePullRequestOptions => ({
    owner: 'acme',
    repo: 'payments',
    filePath: 'catalog-info.yaml',
    newContent: after,
    branchName: 'callsheet/fix-owner-payments-api',
    title: 'Set the owner of payments-api to payments',
    body: 'Requested by Ada Lovelace from the weekly catalog digest.',
    commitMessage: 'Set the owner of payments-api',
    expectedSha: repo.files.get('catalog-info.yaml')!.sha,
    author: { name: 'Ada Lovelace', email: 'ada@example.com' },
    ...overrides,
  });

  it('opens a pull request with one commit holding the edited file', async () => {
    const baseHead = repo.head!;
    const pr = await openFilePullRequest(client, options());
    expect(pr).toEqual({ url: `${fake.url}/acme/payments/pull/1`, number: 1, branch: 'callsheet/fix-owner-payments-api' });

    const tip = commitObject(repo, branchHead(repo, pr.branch)!)!;
    expect(tip.parents).toEqual([baseHead]);
    expect(tip.message).toBe('Set the owner of payments-api');
    expect(tip.author).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(filesAt(repo, pr.branch)!.get('catalog-info.yaml')!.text).toBe(after);
    expect(filesAt(repo, pr.branch)!.get('README.md')!.text).toBe('# payments\n');
    // The base branch is untouched until someone merges.
    expect(repo.head).toBe(baseHead);
    expect(repo.files.get('catalog-info.yaml')!.text).toBe(before);

    const { data } = await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner: 'acme', repo: 'payments', pull_number: 1 });
    expect(data).toMatchObject({
      title: 'Set the owner of payments-api to payments',
      body: 'Requested by Ada Lovelace from the weekly catalog digest.',
      state: 'open',
      head: { ref: 'callsheet/fix-owner-payments-api', sha: tip.sha },
      base: { ref: 'main', sha: baseHead },
    });
  });

  it('refuses when the file changed since it was read, creating nothing', async () => {
    const read = options();
    fake.org.commit('payments', { 'catalog-info.yaml': `${before}# edited by hand\n` });
    await expect(openFilePullRequest(client, read)).rejects.toThrow(StaleFileError);
    await expect(openFilePullRequest(client, read)).rejects.toThrow(/catalog-info\.yaml in acme\/payments changed on main since it was read \(expected \w{7}, now \w{7}\); reload it and try again/);
    expect(stateOf(repo).branches.size).toBe(0);
    expect(stateOf(repo).pulls).toEqual([]);
  });

  it('returns the same pull request when retried, without a second commit', async () => {
    const first = await openFilePullRequest(client, options());
    const tip = branchHead(repo, first.branch);
    const second = await openFilePullRequest(client, options());
    expect(second).toEqual(first);
    expect(branchHead(repo, first.branch)).toBe(tip);
    expect(stateOf(repo).pulls).toHaveLength(1);
    expect(fake.requests.byRoute.get('PUT /repos/:owner/:repo/contents/*path')).toBe(1);
    expect(fake.requests.byRoute.get('POST /repos/:owner/:repo/pulls')).toBe(1);
  });

  it('finishes a retry whose first attempt stopped after creating the branch', async () => {
    await client.request('POST /repos/{owner}/{repo}/git/refs', { owner: 'acme', repo: 'payments', ref: 'refs/heads/callsheet/fix-owner-payments-api', sha: repo.head! });
    const pr = await openFilePullRequest(client, options());
    expect(pr.branch).toBe('callsheet/fix-owner-payments-api');
    expect(filesAt(repo, pr.branch)!.get('catalog-info.yaml')!.text).toBe(after);
  });

  it('opens the pull request when a retry finds the commit made but no pull request', async () => {
    await openFilePullRequest(client, options());
    stateOf(repo).pulls[0].state = 'closed';
    const pr = await openFilePullRequest(client, options());
    expect(pr.number).toBe(2);
    expect(pr.branch).toBe('callsheet/fix-owner-payments-api');
    expect(fake.requests.byRoute.get('PUT /repos/:owner/:repo/contents/*path')).toBe(1);
  });

  it("picks a unique branch when the name holds someone else's work", async () => {
    await client.request('POST /repos/{owner}/{repo}/git/refs', { owner: 'acme', repo: 'payments', ref: 'refs/heads/callsheet/fix-owner-payments-api', sha: repo.head! });
    await client.request('PUT /repos/{owner}/{repo}/contents/{path}', {
      owner: 'acme',
      repo: 'payments',
      path: 'README.md',
      branch: 'callsheet/fix-owner-payments-api',
      sha: repo.files.get('README.md')!.sha,
      message: 'unrelated work',
      content: Buffer.from('# other\n').toString('base64'),
    });
    const theirs = branchHead(repo, 'callsheet/fix-owner-payments-api');
    const pr = await openFilePullRequest(client, options());
    expect(pr.branch).toBe('callsheet/fix-owner-payments-api-2');
    expect(branchHead(repo, 'callsheet/fix-owner-payments-api')).toBe(theirs);
    expect(filesAt(repo, pr.branch)!.get('catalog-info.yaml')!.text).toBe(after);
  });

  it('targets another base branch when asked, and edits nested files', async () => {
    fake.org.commit('payments', { 'services/api/catalog-info.yaml': before });
    await client.request('POST /repos/{owner}/{repo}/git/refs', { owner: 'acme', repo: 'payments', ref: 'refs/heads/release/1.x', sha: repo.head! });
    const pr = await openFilePullRequest(client, options({ baseBranch: 'release/1.x', filePath: 'services/api/catalog-info.yaml', expectedSha: undefined }));
    const { data } = await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner: 'acme', repo: 'payments', pull_number: pr.number });
    expect(data.base.ref).toBe('release/1.x');
    expect(filesAt(repo, pr.branch)!.get('services/api/catalog-info.yaml')!.text).toBe(after);
  });

  it('explains a missing repository, branch or file, and content that is already there', async () => {
    await expect(openFilePullRequest(client, options({ repo: 'nope' }))).rejects.toThrow('repository acme/nope does not exist or the token cannot see it');
    await expect(openFilePullRequest(client, options({ baseBranch: 'develop' }))).rejects.toThrow('branch develop does not exist in acme/payments');
    await expect(openFilePullRequest(client, options({ filePath: 'missing.yaml', expectedSha: undefined }))).rejects.toThrow('missing.yaml does not exist on main in acme/payments');
    await expect(openFilePullRequest(client, options({ newContent: before }))).rejects.toThrow('catalog-info.yaml on main in acme/payments already has this content; there is nothing to propose');
    await expect(openFilePullRequest(client, options({ filePath: '../etc/passwd' }))).rejects.toThrow(/is not a file path inside a repository/);
    await expect(openFilePullRequest(client, options({ branchName: 'bad..name' }))).rejects.toThrow(/is not a valid branch name/);
    expect(stateOf(repo).branches.size).toBe(0);
  });

  it('waits out a secondary rate limit on the commit and commits once', async () => {
    fake.secondaryLimit(1, 1, 403, 'PUT /repos/:owner/:repo/contents/*path');
    const pr = await openFilePullRequest(client, options());
    expect(fake.requests.limited).toBe(1);
    const tip = commitObject(repo, branchHead(repo, pr.branch)!)!;
    expect(tip.parents).toEqual([repo.head]);
  });
});
