/** The GitLab client against the fake GitLab: auth, pagination over subgroups, 429 with Retry-After, RateLimit-* holds. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitlabClient, retryAfterMs, statusOf } from '../../src/gitlab/client.js';
import { FakeGitlabModel, generateGroup } from '../fakes/gitlab/model.js';
import { startFakeGitlab, type FakeGitlab } from '../fakes/gitlab/server.js';

let gitlab: FakeGitlab;
beforeAll(async () => {
  const model = new FakeGitlabModel();
  generateGroup(model, 'acme', 45);
  gitlab = await startFakeGitlab({ model });
});
afterAll(async () => gitlab?.close());

describe('GitLab client', () => {
  it('lists every non-archived project of a group and its subgroups across pages', async () => {
    const client = createGitlabClient({ url: gitlab.url, token: 'test-token' });
    const projects = await client.Groups.allProjects('acme', { includeSubgroups: true, archived: false, perPage: 10 });
    expect(projects).toHaveLength(45 - 4); // every tenth archived: 9, 19, 29, 39
    expect(new Set(projects.map((p) => p.path_with_namespace as string)).has('acme/platform/data/svc-0002')).toBe(true);
    expect(gitlab.requests.byRoute.get('GET /groups/:id/projects')).toBe(5);
  });

  it('sends the token as PRIVATE-TOKEN and fails clearly with a wrong one', async () => {
    const client = createGitlabClient({ url: gitlab.url, token: 'wrong' });
    const error = await client.Projects.show('acme/svc-0000').catch((e: unknown) => e);
    expect(statusOf(error)).toBe(401);
    expect(String((error as Error).message)).toMatch(/401 Unauthorized/);
  });

  it('waits what Retry-After says on 429, then succeeds', async () => {
    const waits: number[] = [];
    const client = createGitlabClient({ url: gitlab.url, token: 'test-token', sleep: async (ms) => void waits.push(ms) });
    gitlab.rateLimit(2, 7);
    const project = await client.Projects.show('acme/svc-0000');
    expect(project.path_with_namespace).toBe('acme/svc-0000');
    expect(waits).toEqual([7000, 7000]);
  });

  it('holds the next request until RateLimit-Reset once RateLimit-Remaining reaches 0', async () => {
    const waits: number[] = [];
    const client = createGitlabClient({ url: gitlab.url, token: 'test-token', sleep: async (ms) => void waits.push(ms) });
    gitlab.setRemaining(1); // this answer says 0 remain
    await client.Projects.show('acme/svc-0000');
    expect(waits).toEqual([]);
    gitlab.setRemaining(2000);
    await client.Projects.show('acme/svc-0000');
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(50_000); // the fake's reset is a minute out
  });

  it('gives up after its retries with an error naming the rate limit', async () => {
    const client = createGitlabClient({ url: gitlab.url, token: 'test-token', maxRetries: 2, sleep: async () => {} });
    gitlab.rateLimit(10, 1);
    await expect(client.Projects.show('acme/svc-0000')).rejects.toThrow(/429 3 times .*rate limited/);
    gitlab.rateLimit(0, 0);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
