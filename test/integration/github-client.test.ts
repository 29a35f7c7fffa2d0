import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubClient, graphqlUrlOf, webUrlOf } from '../../src/github/client.js';
import { fetchOrgRepos } from '../../src/github/repos.js';
import { githubEnv } from '../../src/config/github.js';
import { silentLogger } from '../../src/logger.js';
import { metrics, registry } from '../../src/metrics.js';
import { generateOrg } from '../fakes/github/generate.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';

const logger = silentLogger();
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

describe('GitHub client', () => {
  let fake: FakeGithub;
  beforeAll(async () => {
    fake = await startFakeGithub({ org: generateOrg({ org: 'acme', repos: 150 }), enterprise: true, app: { id: '4242', publicKey, installationId: 77 } });
  });
  afterAll(async () => fake.close());

  it('derives web and GraphQL URLs for github.com and Enterprise Server', () => {
    expect(webUrlOf('https://api.github.com')).toBe('https://github.com');
    expect(webUrlOf('https://ghe.example.com/api/v3')).toBe('https://ghe.example.com');
    expect(graphqlUrlOf('https://api.github.com')).toBe('https://api.github.com/graphql');
    expect(graphqlUrlOf('https://ghe.example.com/api/v3/')).toBe('https://ghe.example.com/api/graphql');
  });

  it('pages the organisation through GraphQL at the Enterprise Server endpoint', async () => {
    const client = await createGithubClient({ token: 'test-token' }, { baseUrl: fake.apiUrl, logger, serialSpacingMs: 0 });
    fake.resetCounts();
    const repos = await fetchOrgRepos(client, 'acme', 'catalog-info.yaml');
    expect(repos).toHaveLength(150);
    expect(repos[0].file?.text).toContain('name: svc-00000');
    expect(fake.requests.byRoute.get('POST /graphql')).toBe(2);
  });

  it('waits out a secondary rate limit for the time GitHub names, and counts it', async () => {
    const client = await createGithubClient({ token: 'test-token' }, { baseUrl: fake.apiUrl, logger, serialSpacingMs: 0 });
    const limitedBefore = (await metrics.chatRateLimited.get()).values.find((v) => v.labels.platform === 'github')?.value ?? 0;
    fake.resetCounts();
    fake.secondaryLimit(2, 1);
    const res = await client.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'svc-00001' });
    expect(res.data.name).toBe('svc-00001');
    expect(fake.requests.limited).toBe(2);
    expect(fake.requests.total).toBe(3);
    const limitedAfter = (await metrics.chatRateLimited.get()).values.find((v) => v.labels.platform === 'github')?.value ?? 0;
    expect(limitedAfter - limitedBefore).toBe(2);
    expect(await registry.metrics()).toMatch(/callsheet_chat_api_calls_total\{platform="github",method="GET repos\/other",outcome="403"\} \d+/);
  });

  it('gives up on a secondary limit after a bounded number of retries', async () => {
    const client = await createGithubClient({ token: 'test-token' }, { baseUrl: fake.apiUrl, logger, serialSpacingMs: 0, maxRateLimitRetries: 1 });
    fake.secondaryLimit(5, 1);
    await expect(client.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'svc-00001' })).rejects.toMatchObject({ status: 403 });
    fake.secondaryLimit(0, 1);
  });

  it('authenticates as the GitHub App installation of the organisation', async () => {
    const client = await createGithubClient({ appId: '4242', privateKey: pem, org: 'acme' }, { baseUrl: fake.apiUrl, logger, serialSpacingMs: 0 });
    const res = await client.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'svc-00002' });
    expect(res.data.full_name).toBe('acme/svc-00002');
    await expect(createGithubClient({ appId: '4242', privateKey: pem, org: 'globex' }, { baseUrl: fake.apiUrl, logger, serialSpacingMs: 0 })).rejects.toThrow(/not installed on organisation globex/);
  });

  it('reads an escaped one-line private key from the environment', () => {
    const parsed = githubEnv.parse({ GITHUB_APP_ID: '4242', GITHUB_APP_PRIVATE_KEY: pem.replace(/\n/g, '\\n') });
    expect(parsed.GITHUB_APP_PRIVATE_KEY).toBe(pem.trim());
    expect(githubEnv.safeParse({ GITHUB_APP_PRIVATE_KEY: 'not a key' }).success).toBe(false);
  });
});
