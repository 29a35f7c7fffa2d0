import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGithubClient, type GithubClient } from '../../src/github/client.js';
import { publishRepository, type PublishFile, type PublishOptions } from '../../src/github/publish.js';
import { fetchOrgRepos } from '../../src/github/repos.js';
import { GithubWriteError } from '../../src/github/write-errors.js';
import { silentLogger } from '../../src/logger.js';
import { FakeOrg } from '../fakes/github/model.js';
import { branchNames, commitObject, stateOf } from '../fakes/github/repo-state.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';

const logger = silentLogger();
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xfe]);
const catalogInfo = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
  description: The ledger service
spec:
  type: service
  lifecycle: experimental
  owner: group:default/payments
`;

function skeleton(): PublishFile[] {
  return [
    { path: 'catalog-info.yaml', content: Buffer.from(catalogInfo) },
    { path: 'README.md', content: Buffer.from('# ledger\n') },
    { path: 'src/index.ts', content: Buffer.from('export const hello = "wörld";\n') },
    { path: 'src/http/server.ts', content: Buffer.from('export {};\n') },
    { path: 'scripts/start.sh', content: Buffer.from('#!/bin/sh\nexec node dist/index.js\n'), executable: true },
    { path: 'docs/logo.png', content: png },
  ];
}

function options(overrides: Partial<PublishOptions> = {}): PublishOptions {
  return {
    owner: 'acme',
    repo: 'ledger',
    description: 'The ledger service',
    visibility: 'private',
    topics: ['payments', 'typescript'],
    files: skeleton(),
    commitMessage: 'Initial commit from the ledger template',
    author: { name: 'Ada Lovelace', email: 'ada@example.com' },
    ...overrides,
  };
}

describe('publishRepository against the fake GitHub', () => {
  let fake: FakeGithub;
  let client: GithubClient;
  beforeAll(async () => {
    fake = await startFakeGithub({ org: new FakeOrg('acme') });
    client = await createGithubClient({ token: 'test-token' }, { baseUrl: fake.apiUrl, logger, serialSpacingMs: 0 });
  });
  afterAll(async () => fake.close());
  beforeEach(() => {
    for (const repo of fake.org.list()) fake.org.remove(repo.name);
    for (const repo of fake.user.list()) fake.user.remove(repo.name);
    fake.resetCounts();
    fake.secondaryLimit(0, 1);
  });

  it('creates the repository with every file in one root commit and its settings', async () => {
    const result = await publishRepository(client, options());

    const repo = fake.org.mustGet('ledger');
    expect(result).toEqual({
      remoteUrl: `${fake.url}/acme/ledger.git`,
      repoContentsUrl: `${fake.url}/acme/ledger/blob/main`,
      commitHash: repo.head,
      htmlUrl: `${fake.url}/acme/ledger`,
    });
    expect(branchNames(repo)).toEqual(['main']);
    const commit = commitObject(repo, result.commitHash)!;
    expect(commit.parents).toEqual([]);
    expect(commit.message).toBe('Initial commit from the ledger template');
    expect(commit.author).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect([...repo.files.keys()].sort()).toEqual(skeleton().map((f) => f.path).sort());
    for (const file of skeleton()) expect(repo.files.get(file.path)!.bytes ?? Buffer.from(repo.files.get(file.path)!.text)).toEqual(file.content);
    expect(repo.files.get('scripts/start.sh')!.mode).toBe('100755');
    expect(repo.files.get('README.md')!.mode).toBe('100644');
    expect(repo.files.has('README.md') && repo.files.get('README.md')!.text).toBe('# ledger\n');

    const { data } = await client.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'ledger' });
    expect(data).toMatchObject({ private: true, visibility: 'private', description: 'The ledger service', default_branch: 'main', topics: ['payments', 'typescript'] });
    // Only the binary file needs its own blob; text files go inline with the tree.
    expect(fake.requests.byRoute.get('POST /repos/:owner/:repo/git/blobs')).toBe(1);
    expect(fake.requests.byRoute.get('POST /repos/:owner/:repo/git/trees')).toBe(1);
    expect(fake.requests.byRoute.get('POST /repos/:owner/:repo/git/commits')).toBe(1);
  });

  it('leaves a repository the organisation sync reads, catalog file and all', async () => {
    await publishRepository(client, options());
    const repos = await fetchOrgRepos(client, 'acme', 'catalog-info.yaml');
    expect(repos.map((r) => [r.name, r.branch, r.file?.text])).toEqual([['ledger', 'main', catalogInfo]]);
    const file = await client.request('GET /repos/{owner}/{repo}/contents/{path}', { owner: 'acme', repo: 'ledger', path: 'docs/logo.png' });
    expect(Buffer.from((file.data as { content: string }).content, 'base64')).toEqual(png);
  });

  it('uses another default branch and leaves no placeholder branch behind', async () => {
    const result = await publishRepository(client, options({ repo: 'trunk-based', defaultBranch: 'trunk', visibility: 'internal', topics: [] }));
    const repo = fake.org.mustGet('trunk-based');
    expect(repo.defaultBranch).toBe('trunk');
    expect(branchNames(repo)).toEqual(['trunk']);
    expect(repo.head).toBe(result.commitHash);
    expect(result.repoContentsUrl).toBe(`${fake.url}/acme/trunk-based/blob/trunk`);
    expect(stateOf(repo)).toMatchObject({ visibility: 'internal', topics: [] });
    expect(fake.requests.byRoute.get('PUT /repos/:owner/:repo/topics')).toBeUndefined();
  });

  it("publishes for the token's own user account through /user/repos", async () => {
    const result = await publishRepository(client, options({ owner: 'callsheet-bot', visibility: 'public' }));
    expect(result.htmlUrl).toBe(`${fake.url}/callsheet-bot/ledger`);
    expect(fake.user.mustGet('ledger').files.get('catalog-info.yaml')!.text).toBe(catalogInfo);
    expect(stateOf(fake.user.mustGet('ledger')).visibility).toBe('public');
    expect(fake.requests.byRoute.get('POST /user/repos')).toBe(1);
    expect(fake.requests.byRoute.get('POST /orgs/:org/repos')).toBeUndefined();
  });

  it('refuses internal visibility for a user account before creating anything', async () => {
    await expect(publishRepository(client, options({ owner: 'callsheet-bot', visibility: 'internal' }))).rejects.toThrow(/internal visibility needs an organisation/);
    expect(fake.user.list()).toEqual([]);
  });

  it('fails clearly over an existing repository and leaves it as it was', async () => {
    const existing = fake.org.addRepo('ledger', { files: { 'catalog-info.yaml': 'kept: true\n' } });
    const head = existing.head;
    const err = await publishRepository(client, options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GithubWriteError);
    expect((err as Error).message).toBe('repository acme/ledger already exists; choose another name (nothing was changed)');
    expect(existing.head).toBe(head);
    expect(existing.files.get('catalog-info.yaml')!.text).toBe('kept: true\n');
    expect(fake.requests.byRoute.get('POST /repos/:owner/:repo/git/trees')).toBeUndefined();
  });

  it('names an owner that is neither an organisation nor the token user', async () => {
    await expect(publishRepository(client, options({ owner: 'globex' }))).rejects.toThrow(
      "cannot create globex/ledger: globex is not an organisation the token can create repositories in, nor the token's user (callsheet-bot)",
    );
  });

  it('checks bounds and names before sending anything', async () => {
    const many = Array.from({ length: 6 }, (_, i) => ({ path: `f${i}.txt`, content: Buffer.from('x') }));
    const cases: [Partial<PublishOptions>, RegExp][] = [
      [{ files: many, limits: { maxFiles: 5 } }, /6 files exceed the limit of 5/],
      [{ files: [{ path: 'big.bin', content: Buffer.alloc(2048) }], limits: { maxFileBytes: 1024 } }, /big\.bin is 2048 bytes, over the limit of 1024 per file/],
      [{ limits: { maxTotalBytes: 100 } }, /the files total \d+ bytes, over the limit of 100/],
      [{ files: [{ path: '../escape.txt', content: Buffer.from('x') }] }, /"\.\.\/escape\.txt" is not a file path inside a repository/],
      [{ files: [{ path: '/etc/passwd', content: Buffer.from('x') }] }, /is not a file path inside a repository/],
      [{ files: [{ path: '.git/config', content: Buffer.from('x') }] }, /is not a file path inside a repository/],
      [{ files: [{ path: 'a', content: Buffer.from('x') }, { path: 'a/b', content: Buffer.from('y') }] }, /a is both a file and a folder/],
      [{ files: [{ path: 'a', content: Buffer.from('x') }, { path: 'a', content: Buffer.from('y') }] }, /a is given twice/],
      [{ files: [] }, /there are no files to publish/],
      [{ topics: ['Payments'] }, /topic "Payments" must be lower-case/],
      [{ repo: 'bad name' }, /repository name "bad name"/],
      [{ defaultBranch: 'feature..x' }, /"feature\.\.x" is not a valid branch name/],
      [{ commitMessage: '  ' }, /the commit message is empty/],
    ];
    for (const [overrides, message] of cases) {
      await expect(publishRepository(client, options(overrides)), String(message)).rejects.toThrow(message);
    }
    expect(fake.requests.total).toBe(0);
  });

  it('waits out a secondary rate limit on repository creation and creates it once', async () => {
    fake.secondaryLimit(1, 1, 403, 'POST /orgs/:org/repos');
    const result = await publishRepository(client, options());
    expect(fake.requests.limited).toBe(1);
    expect(fake.requests.byRoute.get('POST /orgs/:org/repos')).toBe(2);
    expect(fake.org.list().map((r) => r.name)).toEqual(['ledger']);
    expect(fake.org.mustGet('ledger').head).toBe(result.commitHash);
  });

  it('waits out a 429 while committing and makes one commit', async () => {
    fake.secondaryLimit(1, 1, 429, 'POST /repos/:owner/:repo/git/commits');
    const result = await publishRepository(client, options());
    expect(fake.requests.limited).toBe(1);
    const repo = fake.org.mustGet('ledger');
    expect(branchNames(repo)).toEqual(['main']);
    expect(commitObject(repo, result.commitHash)!.parents).toEqual([]);
    expect([...stateOf(repo).commits.values()].filter((c) => c.message === 'Initial commit from the ledger template')).toHaveLength(1);
  });

  it('needs the auto_init placeholder: GitHub refuses git data in an empty repository', async () => {
    await client.request('POST /orgs/{org}/repos', { org: 'acme', name: 'empty', auto_init: false });
    await expect(client.request('POST /repos/{owner}/{repo}/git/trees', { owner: 'acme', repo: 'empty', tree: [{ path: 'a', mode: '100644', type: 'blob', content: 'a' }] })).rejects.toMatchObject({
      status: 409,
      response: { data: { message: 'Git Repository is empty.' } },
    });
  });

  it('says the repository exists when pushing fails after creating it', async () => {
    const impatient = await createGithubClient({ token: 'test-token' }, { baseUrl: fake.apiUrl, logger, serialSpacingMs: 0, maxRateLimitRetries: 0 });
    fake.secondaryLimit(1, 1, 403, 'POST /repos/:owner/:repo/git/trees');
    await expect(publishRepository(impatient, options())).rejects.toThrow(
      /^repository acme\/ledger was created, but pushing its files failed \(delete it or publish under another name\): GitHub answered 403 You have exceeded a secondary rate limit/,
    );
  });
});

describe('publishRepository on GitHub Enterprise Server', () => {
  it('answers with the enterprise host in every link', async () => {
    const fake = await startFakeGithub({ org: new FakeOrg('platform'), enterprise: true });
    try {
      const client = await createGithubClient({ token: 'test-token' }, { baseUrl: fake.apiUrl, logger, serialSpacingMs: 0 });
      expect(fake.apiUrl).toBe(`${fake.url}/api/v3`);
      const result = await publishRepository(client, options({ owner: 'platform', visibility: 'internal' }));
      expect(result.repoContentsUrl).toBe(`${fake.url}/platform/ledger/blob/main`);
      expect(result.remoteUrl).toBe(`${fake.url}/platform/ledger.git`);
      expect(fake.org.mustGet('ledger').files.size).toBe(skeleton().length);
    } finally {
      await fake.close();
    }
  });
});
