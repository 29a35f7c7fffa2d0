/**
 * "Add AGENTS.md" through the core (proposeAgentsMd) against the fake GitHub and the fake GitLab: a
 * pull request adding AGENTS.md with the marker; a later run updates that same request instead of
 * opening a second one; once merged and written around, the next proposal replaces only the
 * generated part. Only members of the owning team may ask, every attempt is audited, and two clicks
 * at once open one request. The digest offers the button until a proposal is made, and again as
 * "Update" once the catalog changed.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS_MD_BEGIN } from '../../src/catalog/agents-md.js';
import { applySnapshot } from '../../src/catalog/store.js';
import { fixedClock } from '../../src/clock.js';
import { auditLog } from '../../src/db/schema.js';
import { createGithubClient, type GithubClient } from '../../src/github/client.js';
import { githubRootFileProposer } from '../../src/github/agents-md-pr.js';
import { gitlabRootFileProposer } from '../../src/gitlab/agents-md-mr.js';
import { silentLogger } from '../../src/logger.js';
import type { Actor } from '../../src/nudges/actions.js';
import { agentsMdCandidates, AgentsMdRefused, proposeAgentsMd } from '../../src/nudges/agents-md-action.js';
import { routeProposers } from '../../src/nudges/fix-routing.js';
import type { RootFileProposer } from '../../src/nudges/ports.js';
import { FakeOrg, type FakeRepo } from '../fakes/github/model.js';
import { branchHead, filesAt, stateOf } from '../fakes/github/repo-state.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';
import { FakeGitlabModel } from '../fakes/gitlab/model.js';
import { startFakeGitlab, type FakeGitlab } from '../fakes/gitlab/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { fakeGitlabClient } from '../helpers/gitlab-sync.js';
import { recordsFromYaml } from '../helpers/nudge-seed.js';
import { markOrgSource } from '../helpers/org-source.js';

const PEOPLE = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: payments }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: alice }
spec: { memberOf: [payments] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: mallory }
spec: { memberOf: [] }
`;
const component = (name: string, description: string) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: ${name}, description: ${description} }
spec: { type: service, lifecycle: production, owner: payments }
`;

const at = new Date('2026-02-01T00:00:00Z');
const clock = fixedClock(at);
const alice: Actor = { name: 'Alice', platform: 'slack', userRef: 'user:default/alice' };
const mallory: Actor = { name: 'Mallory', platform: 'slack', userRef: 'user:default/mallory' };
const options = { staleAfterDays: 180 };

let database: TestDatabase;
let github: FakeGithub;
let gitlab: FakeGitlab;
let client: GithubClient;
let repo: FakeRepo;
let proposer: RootFileProposer;
const model = new FakeGitlabModel();
let githubFile: string;
let gitlabFile: string;

async function seed(description: string): Promise<void> {
  const records = [
    ...(await recordsFromYaml(PEOPLE, (n) => `org/${n}.yaml`)),
    ...(await recordsFromYaml(component('payments-api', description), () => 'catalog-info.yaml', () => githubFile)),
    ...(await recordsFromYaml(component('billing', 'Bills'), () => 'billing/catalog-info.yaml', () => gitlabFile)),
  ];
  await applySnapshot(database.db, { sourceId: 'fixture', records, now: at });
}

beforeAll(async () => {
  github = await startFakeGithub({ org: new FakeOrg('acme') });
  repo = github.org.addRepo('payments-api', { files: { 'catalog-info.yaml': 'kind: Component\n' } });
  client = await createGithubClient({ token: 'test-token' }, { baseUrl: github.apiUrl, logger: silentLogger(), serialSpacingMs: 0 });
  model.addProject('acme/billing', { files: { 'catalog-info.yaml': 'kind: Component\n' } });
  gitlab = await startFakeGitlab({ model });
  githubFile = `${github.url}/acme/payments-api/blob/main/catalog-info.yaml`;
  gitlabFile = `${gitlab.url}/acme/billing/-/blob/main/catalog-info.yaml`;
  proposer = routeProposers([
    githubRootFileProposer({ client: async () => client, host: new URL(github.url).host }),
    gitlabRootFileProposer({ client: () => fakeGitlabClient(gitlab), webUrl: gitlab.url }),
  ])!;
  database = await createTestDatabase();
  await markOrgSource(database.db, 'fixture');
  await seed('Takes payments');
});
afterAll(async () => {
  await github?.close();
  await gitlab?.close();
  await database?.close();
});

const agentsOn = (ref: string | undefined) => (ref ? filesAt(repo, branchHead(repo, ref) ?? ref)?.get('AGENTS.md')?.text : undefined);
const audits = (target: string) => database.db.select().from(auditLog).where(eq(auditLog.target, target));

describe('Add AGENTS.md on GitHub', () => {
  it('offers the button for owned components in a handled repository', async () => {
    const offered = await agentsMdCandidates(database.db, ['group:default/payments'], (url) => proposer.handles(url));
    expect(offered.get('group:default/payments')).toEqual([
      { entity: 'component:default/billing', update: false },
      { entity: 'component:default/payments-api', update: false },
    ]);
  });

  it('refuses someone outside the owning team, and audits the refusal', async () => {
    await expect(proposeAgentsMd(database.db, proposer, { entityRef: 'component:default/payments-api', requester: mallory, ...options }, clock)).rejects.toThrow(AgentsMdRefused);
    await expect(proposeAgentsMd(database.db, proposer, { entityRef: 'component:default/payments-api', requester: { name: 'Anon', platform: 'teams' }, ...options }, clock)).rejects.toThrow(/only members of payments/);
    expect(stateOf(repo).pulls).toHaveLength(0);
    expect((await audits('component:default/payments-api')).map((a) => a.outcome)).toEqual(['refused', 'refused']);
  });

  it('two clicks at once open one pull request with the marker', async () => {
    const both = await Promise.allSettled([0, 1].map(() => proposeAgentsMd(database.db, proposer, { entityRef: 'component:default/payments-api', requester: alice, ...options }, clock)));
    const opened = both.filter((r) => r.status === 'fulfilled');
    // The first claims the component; the second, arriving while the first is at GitHub, is told so.
    expect(opened).toHaveLength(1);
    const refused = both.find((r) => r.status === 'rejected');
    expect(String(refused?.status === 'rejected' && refused.reason)).toMatch(/Alice is proposing the AGENTS.md of payments-api right now/);
    expect(stateOf(repo).pulls).toHaveLength(1);
    const pr = stateOf(repo).pulls[0]!;
    expect(opened[0]).toMatchObject({ status: 'fulfilled', value: { kind: 'pull-request', url: `${github.url}/acme/payments-api/pull/1` } });
    const added = agentsOn(pr.head)!;
    expect(added).toContain(AGENTS_MD_BEGIN);
    expect(added).toContain('# payments-api');
    expect(repo.files.get('AGENTS.md')).toBeUndefined();
    expect((await audits('component:default/payments-api')).filter((a) => a.outcome === 'ok')[0]?.details).toMatchObject({ pullRequest: pr && `${github.url}/acme/payments-api/pull/1` });
    // Proposed: the digest stops offering it.
    const offered = await agentsMdCandidates(database.db, ['group:default/payments'], () => true);
    expect(offered.get('group:default/payments')?.map((c) => c.entity)).toEqual(['component:default/billing']);
  });

  it('a later click, after the catalog changed, updates the open pull request rather than opening a second', async () => {
    await database.db.execute(sql`update entities set description = 'Takes card payments', last_changed_at = ${new Date(at.getTime() + 60_000).toISOString()}::timestamptz where ref = 'component:default/payments-api'`);
    expect((await agentsMdCandidates(database.db, ['group:default/payments'], () => true)).get('group:default/payments')).toContainEqual({ entity: 'component:default/payments-api', update: true });
    const later = fixedClock(new Date(at.getTime() + 120_000));
    const second = await proposeAgentsMd(database.db, proposer, { entityRef: 'component:default/payments-api', requester: alice, ...options }, later);
    expect(second).toEqual({ kind: 'pull-request', url: `${github.url}/acme/payments-api/pull/1` });
    expect(stateOf(repo).pulls).toHaveLength(1);
    const updated = agentsOn(stateOf(repo).pulls[0]!.head)!;
    expect(updated).toContain('Takes card payments');
    expect(updated.split(AGENTS_MD_BEGIN)).toHaveLength(2);
  });

  it('once merged and written around, the next proposal replaces only the generated part', async () => {
    const pr = stateOf(repo).pulls[0]!;
    const merged = agentsOn(pr.head)!;
    pr.state = 'closed';
    github.org.commit('payments-api', { 'AGENTS.md': `# Our notes\n\nRun make test.\n\n${merged}` });
    expect(await proposeAgentsMd(database.db, proposer, { entityRef: 'component:default/payments-api', requester: alice, ...options }, clock)).toEqual({ kind: 'unchanged' });
    await database.db.execute(sql`update entities set description = 'Takes card and bank payments' where ref = 'component:default/payments-api'`);
    const third = await proposeAgentsMd(database.db, proposer, { entityRef: 'component:default/payments-api', requester: alice, ...options }, clock);
    expect(third).toMatchObject({ kind: 'pull-request' });
    const pr2 = stateOf(repo).pulls.at(-1)!;
    expect(pr2.number).toBe(2);
    const text = agentsOn(pr2.head)!;
    expect(text.split(AGENTS_MD_BEGIN)).toHaveLength(2);
    expect(text).toContain('Run make test.');
    expect(text).toContain('Takes card and bank payments');
  });
});

describe('Add AGENTS.md on GitLab', () => {
  it('opens a merge request with the marker, and a later run updates that merge request', async () => {
    const first = await proposeAgentsMd(database.db, proposer, { entityRef: 'component:default/billing', requester: alice, ...options }, clock);
    const project = model.mustGet('acme/billing');
    expect(project.mergeRequests).toHaveLength(1);
    const [mr] = project.mergeRequests;
    expect(first).toEqual({ kind: 'merge-request', url: `${gitlab.url}/acme/billing/-/merge_requests/1` });
    expect(mr).toMatchObject({ state: 'opened', target_branch: 'main', source_branch: 'callsheet/agents-md-billing' });
    expect(project.branches.get(mr!.source_branch)!.get('AGENTS.md')).toContain(AGENTS_MD_BEGIN);
    expect(project.branches.get('main')!.has('AGENTS.md')).toBe(false);

    await database.db.execute(sql`update entities set description = 'Sends the invoices' where ref = 'component:default/billing'`);
    const second = await proposeAgentsMd(database.db, proposer, { entityRef: 'component:default/billing', requester: alice, ...options }, clock);
    expect(second).toEqual(first);
    expect(project.mergeRequests).toHaveLength(1);
    expect(project.branches.get(mr!.source_branch)!.get('AGENTS.md')).toContain('Sends the invoices');
    expect((await audits('component:default/billing')).at(-1)?.details).toMatchObject({ mergeRequest: first.kind === 'unchanged' ? '' : first.url });
  });
});
