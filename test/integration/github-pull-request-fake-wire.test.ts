/** The fake's write endpoints refuse what GitHub refuses, with GitHub's status codes and messages. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubClient, type GithubClient } from '../../src/github/client.js';
import { silentLogger } from '../../src/logger.js';
import { FakeOrg } from '../fakes/github/model.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';

describe('fake GitHub write endpoints', () => {
  let fake: FakeGithub;
  let client: GithubClient;
  const repo = { owner: 'acme', repo: 'wire' };
  beforeAll(async () => {
    fake = await startFakeGithub({ org: new FakeOrg('acme') });
    fake.org.addRepo('wire', { files: { 'a.txt': 'a\n' } });
    client = await createGithubClient({ token: 'test-token' }, { baseUrl: fake.apiUrl, logger: silentLogger(), serialSpacingMs: 0 });
  });
  afterAll(async () => fake.close());

  const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: { status: number; response: { data: unknown } }) => ({ status: e.status, data: e.response.data }));

  it('answers refs as GitHub does', async () => {
    const head = fake.org.mustGet('wire').head!;
    await client.request('POST /repos/{owner}/{repo}/git/refs', { ...repo, ref: 'refs/heads/topic', sha: head });
    expect(await failure(client.request('POST /repos/{owner}/{repo}/git/refs', { ...repo, ref: 'refs/heads/topic', sha: head }))).toEqual({
      status: 422,
      data: { message: 'Reference already exists', documentation_url: 'https://docs.github.com/rest' },
    });
    expect(await failure(client.request('POST /repos/{owner}/{repo}/git/refs', { ...repo, ref: 'heads/x', sha: head }))).toMatchObject({ status: 422, data: { message: "Reference name must start with 'refs/' and have at least two slashes." } });
    expect(await failure(client.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { ...repo, ref: 'heads/none' }))).toMatchObject({ status: 404, data: { message: 'Not Found' } });
    const { data: tree } = await client.request('POST /repos/{owner}/{repo}/git/trees', { ...repo, tree: [{ path: 'b.txt', mode: '100644', type: 'blob', content: 'b' }] });
    const { data: root } = await client.request('POST /repos/{owner}/{repo}/git/commits', { ...repo, message: 'unrelated root', tree: tree.sha, parents: [] });
    expect(await failure(client.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', { ...repo, ref: 'heads/topic', sha: root.sha }))).toMatchObject({ status: 422, data: { message: 'Update is not a fast forward' } });
    const { data: moved } = await client.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', { ...repo, ref: 'heads/topic', sha: root.sha, force: true });
    expect(moved.object.sha).toBe(root.sha);
  });

  it('checks the sha of a file it updates', async () => {
    const path = { ...repo, path: 'a.txt', message: 'edit', content: Buffer.from('A\n').toString('base64') };
    expect(await failure(client.request('PUT /repos/{owner}/{repo}/contents/{path}', path))).toMatchObject({ status: 422, data: { message: 'Invalid request.\n\n"sha" wasn\'t supplied.' } });
    expect(await failure(client.request('PUT /repos/{owner}/{repo}/contents/{path}', { ...path, sha: 'deadbeef', request: { retries: 0 } }))).toMatchObject({ status: 409, data: { message: 'a.txt does not match deadbeef' } });
    expect(await failure(client.request('PUT /repos/{owner}/{repo}/contents/{path}', { ...path, sha: 'deadbeef', branch: 'nope' }))).toMatchObject({ status: 404, data: { message: 'Branch nope not found' } });
    const sha = fake.org.mustGet('wire').files.get('a.txt')!.sha;
    const updated = await client.request('PUT /repos/{owner}/{repo}/contents/{path}', { ...path, sha });
    expect(updated.status).toBe(200);
    const created = await client.request('PUT /repos/{owner}/{repo}/contents/{path}', { ...path, path: 'new/file.txt' });
    expect(created.status).toBe(201);
    expect(created.data.content?.path).toBe('new/file.txt');
  });

  it('refuses a duplicate pull request and one with nothing to merge', async () => {
    const head = fake.org.mustGet('wire').head!;
    await client.request('POST /repos/{owner}/{repo}/git/refs', { ...repo, ref: 'refs/heads/same', sha: head });
    expect(await failure(client.request('POST /repos/{owner}/{repo}/pulls', { ...repo, title: 't', head: 'same', base: 'main' }))).toMatchObject({
      status: 422,
      data: { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: 'No commits between main and same' }] },
    });
    const pr = await client.request('POST /repos/{owner}/{repo}/pulls', { ...repo, title: 't', head: 'acme:topic', base: 'main' });
    expect(pr.status).toBe(201);
    expect(await failure(client.request('POST /repos/{owner}/{repo}/pulls', { ...repo, title: 't', head: 'topic', base: 'main' }))).toMatchObject({
      status: 422,
      data: { errors: [{ message: 'A pull request already exists for acme:topic.' }] },
    });
    const { data: open } = await client.request('GET /repos/{owner}/{repo}/pulls', { ...repo, head: 'acme:topic', state: 'open' });
    expect(open.map((p) => p.number)).toEqual([pr.data.number]);
    const { data: none } = await client.request('GET /repos/{owner}/{repo}/pulls', { ...repo, head: 'acme:same', state: 'open' });
    expect(none).toEqual([]);
  });

  it('validates repository settings', async () => {
    expect(await failure(client.request('PUT /repos/{owner}/{repo}/topics', { ...repo, names: ['Bad Topic'] }))).toMatchObject({ status: 422, data: { message: 'Validation Failed' } });
    expect(await failure(client.request('PATCH /repos/{owner}/{repo}', { ...repo, default_branch: 'nope' }))).toMatchObject({ status: 422, data: { errors: [{ field: 'default_branch', code: 'invalid' }] } });
    expect(await failure(client.request('POST /orgs/{org}/repos', { org: 'acme', name: 'wire' }))).toMatchObject({
      status: 422,
      data: { message: 'Repository creation failed.', errors: [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }] },
    });
  });
});
