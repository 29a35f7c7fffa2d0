/**
 * "Add AGENTS.md" against the fake GitHub: a pull request adding AGENTS.md at the root of the
 * component's repository; after it is merged and people wrote around it, a later run proposes an
 * update that replaces only the generated part (one marker pair, their text kept).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS_MD_BEGIN } from '../../src/catalog/agents-md.js';
import { fixedClock } from '../../src/clock.js';
import { createGithubClient, type GithubClient } from '../../src/github/client.js';
import { proposeAgentsMd } from '../../src/github/agents-md-pr.js';
import { silentLogger } from '../../src/logger.js';
import { FakeOrg } from '../fakes/github/model.js';
import { branchHead, filesAt, stateOf } from '../fakes/github/repo-state.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { addSource, recordOf } from '../helpers/scaffolder.js';

let database: TestDatabase;
let github: FakeGithub;
let client: GithubClient;
const clock = fixedClock('2026-02-01T00:00:00Z');
const component = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'payments-api', description: 'Takes payments' }, spec: { type: 'service', lifecycle: 'production', owner: 'payments' } };

beforeAll(async () => {
  database = await createTestDatabase();
  const org = new FakeOrg('acme');
  org.addRepo('payments-api', { files: { 'catalog-info.yaml': 'kind: Component\n' } });
  github = await startFakeGithub({ org });
  client = await createGithubClient({ token: 'test-token' }, { baseUrl: github.apiUrl, logger: silentLogger(), serialSpacingMs: 0 });
  const record = { ...(await recordOf(component, 'catalog-info.yaml')), fileUrl: `${github.url}/acme/payments-api/blob/main/catalog-info.yaml` };
  await addSource(database.db, 'github:acme/payments-api', 'acme/payments-api', false, [record], 'github');
});
afterAll(async () => {
  await github?.close();
  await database?.close();
});

const text = (files: Map<string, { text?: string }> | undefined) => files?.get('AGENTS.md')?.text;

describe('Add AGENTS.md', () => {
  it('opens a pull request adding AGENTS.md, then one that updates only the generated part', async () => {
    const options = { client: async () => client, host: new URL(github.url).host, staleAfterDays: 180 };
    const first = await proposeAgentsMd(database.db, clock, options, { entityRef: 'component:default/payments-api', requester: 'alice' });
    expect(first.url).toContain('/acme/payments-api/pull/1');
    const repo = github.org.repos.get('payments-api')!;
    const pr = stateOf(repo).pulls[0]!;
    const added = text(filesAt(repo, branchHead(repo, pr.head)) as never)!;
    expect(added).toContain(AGENTS_MD_BEGIN);
    expect(added).toContain('# payments-api');
    expect(text(filesAt(repo, 'main') as never)).toBeUndefined();

    // Merged, and the team wrote their own notes above it.
    github.org.commit('payments-api', { 'AGENTS.md': `# Our notes\n\nRun make test.\n\n${added}` });
    await database.db.execute((await import('drizzle-orm')).sql`update entities set description = 'Takes card payments' where ref = 'component:default/payments-api'`);
    const second = await proposeAgentsMd(database.db, clock, options, { entityRef: 'component:default/payments-api', requester: 'alice' });
    expect(second.url).not.toBe(first.url);
    const pr2 = stateOf(repo).pulls.at(-1)!;
    const updated = text(filesAt(repo, branchHead(repo, pr2.head)) as never)!;
    expect(updated.split(AGENTS_MD_BEGIN)).toHaveLength(2);
    expect(updated).toContain('Run make test.');
    expect(updated).toContain('Takes card payments');
  });
});
