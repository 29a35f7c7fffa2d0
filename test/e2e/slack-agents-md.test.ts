/**
 * "Add AGENTS.md" in Slack, end to end: a nudge run posts the team's digest with the button for each
 * owned component; a signed click by a team member opens a pull request on the fake GitHub (or a
 * merge request on the fake GitLab) with the generated AGENTS.md and its marker, the link is posted
 * in the digest's thread and the digest shows who proposed it. A second click updates the same pull
 * request; someone outside the team is refused, to them alone.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DIGEST_EVENT_TYPE } from '../../adapters/slack/digest-sender.js';
import { slackFeatures, type SlackFeatures } from '../../adapters/slack/features.js';
import { AGENTS_MD_BEGIN } from '../../src/catalog/agents-md.js';
import { applySnapshot } from '../../src/catalog/store.js';
import { fixedClock } from '../../src/clock.js';
import { runLine } from '../../src/commands/run.js';
import type { Db } from '../../src/db/client.js';
import { createGithubClient } from '../../src/github/client.js';
import { githubRootFileProposer } from '../../src/github/agents-md-pr.js';
import { gitlabRootFileProposer } from '../../src/gitlab/agents-md-mr.js';
import { silentLogger } from '../../src/logger.js';
import { routeProposers } from '../../src/nudges/fix-routing.js';
import { createPacer } from '../../src/nudges/pacer.js';
import type { RootFileProposer } from '../../src/nudges/ports.js';
import { createNudgeRunner } from '../../src/nudges/run.js';
import { FakeOrg, type FakeRepo } from '../fakes/github/model.js';
import { branchHead, filesAt, stateOf } from '../fakes/github/repo-state.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';
import { FakeGitlabModel } from '../fakes/gitlab/model.js';
import { startFakeGitlab, type FakeGitlab } from '../fakes/gitlab/server.js';
import type { FakeMessage } from '../fakes/slack-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { fakeGitlabClient } from '../helpers/gitlab-sync.js';
import { agentsMdPeople, ownedComponent } from '../helpers/agents-md-seed.js';
import { recordsFromYaml } from '../helpers/nudge-seed.js';
import { markOrgSource } from '../helpers/org-source.js';
import { blockText } from '../helpers/slack-interactions.js';
import { buttonClick, startTestbed, TOKEN, type Testbed } from '../helpers/slack-testbed.js';

const now = new Date('2026-06-01T09:00:00Z');
const logger = silentLogger();
const eventually = (check: () => void | Promise<void>) => vi.waitFor(check, { timeout: 15_000, interval: 20 });

const PEOPLE = agentsMdPeople('slack.com/channel-id: C0PAYMENTS');
const component = ownedComponent;

describe('Add AGENTS.md from a Slack digest', () => {
  let database: TestDatabase;
  let db: Db;
  let bed: Testbed;
  let features: SlackFeatures;
  let github: FakeGithub;
  let gitlab: FakeGitlab;
  let repo: FakeRepo;
  let proposer: RootFileProposer;
  let digest: FakeMessage;
  const model = new FakeGitlabModel();

  beforeAll(async () => {
    github = await startFakeGithub({ org: new FakeOrg('acme') });
    repo = github.org.addRepo('ledger', { files: { 'catalog-info.yaml': component('ledger') } });
    model.addProject('acme/billing', { files: { 'catalog-info.yaml': component('billing') } });
    gitlab = await startFakeGitlab({ model });
    const client = await createGithubClient({ token: 'test-token' }, { baseUrl: github.apiUrl, logger, serialSpacingMs: 0 });
    proposer = routeProposers([
      githubRootFileProposer({ client: async () => client, host: new URL(github.url).host }),
      gitlabRootFileProposer({ client: () => fakeGitlabClient(gitlab), webUrl: gitlab.url }),
    ])!;
    database = await createTestDatabase();
    db = database.db;
    const records = [
      ...(await recordsFromYaml(PEOPLE, (name) => `org/${name}.yaml`)),
      ...(await recordsFromYaml(component('ledger'), () => 'catalog-info.yaml', () => `${github.url}/acme/ledger/blob/main/catalog-info.yaml`)),
      ...(await recordsFromYaml(component('billing'), () => 'billing.yaml', () => `${gitlab.url}/acme/billing/-/blob/main/catalog-info.yaml`)),
    ];
    await markOrgSource(db, 'fixture');
    await applySnapshot(db, { sourceId: 'fixture', records, now });
    bed = await startTestbed(db, (fake) => {
      features = slackFeatures({ db, logger, clock: fixedClock(now), config: { SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: fake.apiUrl }, agentsMd: proposer });
      return { runLine, actions: features.actions, extensions: features.extensions };
    });
    bed.fake.addUser({ id: 'U0ALICE', email: 'alice@example.com', name: 'Alice' });
    bed.fake.addUser({ id: 'U0MALLORY', email: 'mallory@example.com', name: 'Mallory' });

    const outcome = await createNudgeRunner({
      db,
      clock: fixedClock(now),
      logger,
      instanceId: 'test',
      senders: [features.digestSender],
      directories: [features.memberDirectory],
      staleAfterDays: 180,
      pacer: createPacer({ perTargetIntervalMs: 0, platformPerMinute: 1_000_000 }),
      agentsMdHosts: (url) => proposer.handles(url),
    }).runSlot('weekly');
    expect(outcome).toMatchObject({ claimed: true, done: true });
    digest = bed.fake.messages('C0PAYMENTS').find((m) => m.metadata?.event_type === DIGEST_EVENT_TYPE)!;
    expect(digest, 'the payments digest').toBeDefined();
  });
  afterAll(async () => {
    await bed?.close();
    await github?.close();
    await gitlab?.close();
    await database?.close();
  });

  const agentsButton = (message: FakeMessage, entity: string) =>
    message.blocks!.flatMap((b: any) => [b.accessory, ...(b.elements ?? [])]).find((e: any) => e?.type === 'button' && e.text.text === 'Add AGENTS.md' && JSON.parse(e.value).entity === entity);
  const click = (button: any, user: string, hook: string) =>
    bed.click(buttonClick({ actionId: button.action_id, value: button.value, user, responseUrl: bed.fake.responseUrl(hook), container: { type: 'message', message_ts: digest.ts, channel_id: 'C0PAYMENTS', is_ephemeral: false } }));
  const threadReplies = () => bed.fake.accepted('chat.postMessage').filter((c) => c.args.thread_ts === digest.ts);

  it('the digest offers one button per owned component, within Slack’s block limit', () => {
    expect(digest.blocks!.length).toBeLessThanOrEqual(50);
    expect(blockText(digest.blocks)).toContain('AGENTS.md for coding agents');
    expect(agentsButton(digest, 'component:default/ledger')).toBeDefined();
    expect(agentsButton(digest, 'component:default/billing')).toBeDefined();
  });

  it('refuses someone outside the owning team, telling only them', async () => {
    const button = agentsButton(digest, 'component:default/ledger');
    expect((await click(button, 'U0MALLORY', 'agents-mallory')).status).toBe(200);
    await eventually(() => expect(bed.fake.accepted('response_url').find((c) => c.hook === 'agents-mallory')).toBeDefined());
    const told = bed.fake.accepted('response_url').find((c) => c.hook === 'agents-mallory')!;
    expect(told.args.response_type).toBe('ephemeral');
    expect(blockText(told.args.blocks)).toMatch(/only members of payments/);
    expect(stateOf(repo).pulls).toHaveLength(0);
    expect(threadReplies()).toHaveLength(0);
  });

  let ledgerButton: any;
  it('a member’s click opens a pull request with the marker, answers in the thread and updates the digest', async () => {
    const button = (ledgerButton = agentsButton(digest, 'component:default/ledger'));
    expect((await click(button, 'U0ALICE', 'agents-alice')).status).toBe(200);
    const prUrl = `${github.url}/acme/ledger/pull/1`;
    await eventually(() => expect(threadReplies().map((c) => blockText(c.args.blocks)).join('\n')).toContain(prUrl));
    expect(blockText(threadReplies()[0]!.args.blocks)).toContain('<@U0ALICE> proposed the AGENTS.md of ledger as a pull request');
    const [pr] = stateOf(repo).pulls;
    expect(pr).toMatchObject({ state: 'open', base: 'main', head: 'callsheet/agents-md-ledger' });
    const text = filesAt(repo, branchHead(repo, pr!.head)!)!.get('AGENTS.md')!.text!;
    expect(text).toContain(AGENTS_MD_BEGIN);
    expect(text).toContain('# ledger');
    await eventually(() => expect(blockText(digest.blocks)).toContain(`AGENTS.md proposed by Alice: <${prUrl}|`));
    expect(agentsButton(digest, 'component:default/ledger')).toBeUndefined();
  });

  it('a second click (an old copy of the button) updates the same pull request rather than opening another', async () => {
    const before = threadReplies().length;
    expect((await click(ledgerButton, 'U0ALICE', 'agents-again')).status).toBe(200);
    await eventually(() => expect(threadReplies().length).toBe(before + 1));
    expect(blockText(threadReplies().at(-1)!.args.blocks)).toContain(`${github.url}/acme/ledger/pull/1`);
    expect(stateOf(repo).pulls).toHaveLength(1);
  });

  it('a component on GitLab gets a merge request', async () => {
    const button = agentsButton(digest, 'component:default/billing');
    expect((await click(button, 'U0ALICE', 'agents-gitlab')).status).toBe(200);
    const mrUrl = `${gitlab.url}/acme/billing/-/merge_requests/1`;
    await eventually(() => expect(threadReplies().map((c) => blockText(c.args.blocks)).join('\n')).toContain(mrUrl));
    expect(blockText(threadReplies().at(-1)!.args.blocks)).toContain('as a merge request');
    const project = model.mustGet('acme/billing');
    expect(project.mergeRequests).toHaveLength(1);
    expect(project.branches.get('callsheet/agents-md-billing')!.get('AGENTS.md')).toContain(AGENTS_MD_BEGIN);
  });
});
