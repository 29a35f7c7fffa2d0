/**
 * "Add AGENTS.md" in Teams, end to end: a nudge run posts the team's digest card through the fake Bot
 * Framework connector with the button; a click by someone outside the owning team keeps the card
 * with the reason under it and opens nothing; a member's click opens a pull request on the fake
 * GitHub with the generated AGENTS.md and its marker, and the card is replaced with its link.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamsFeatures, type TeamsFeatures } from '../../adapters/teams/features.js';
import { AGENTS_MD_BEGIN } from '../../src/catalog/agents-md.js';
import { applySnapshot } from '../../src/catalog/store.js';
import { fixedClock } from '../../src/clock.js';
import { query } from '../../src/db/client.js';
import { createGithubClient } from '../../src/github/client.js';
import { githubRootFileProposer } from '../../src/github/agents-md-pr.js';
import { silentLogger } from '../../src/logger.js';
import { createPacer } from '../../src/nudges/pacer.js';
import type { RootFileProposer } from '../../src/nudges/ports.js';
import { createNudgeRunner } from '../../src/nudges/run.js';
import { FakeOrg, type FakeRepo } from '../fakes/github/model.js';
import { branchHead, filesAt, stateOf } from '../fakes/github/repo-state.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';
import { agentsMdPeople, ownedComponent } from '../helpers/agents-md-seed.js';
import { recordsFromYaml } from '../helpers/nudge-seed.js';
import { markOrgSource } from '../helpers/org-source.js';
import { ALICE, BOT, TENANT, cardButtons, cardText, cardsIn, expectValidCard } from '../helpers/teams.js';
import { useTeamsBed } from '../helpers/teams-bed.js';

const now = new Date('2026-06-01T09:00:00Z');
const clock = fixedClock(now);
const logger = silentLogger();
const TEAM = '19:team@thread.tacv2';
const CHANNEL = '19:payments@thread.tacv2';
const MALLORY = { id: '29:mallory', name: 'Mallory Roe', aadObjectId: 'aad-mallory' };

const CATALOG = agentsMdPeople(`teams.microsoft.com/channel-id: "${CHANNEL}"`);
const LEDGER = ownedComponent('ledger');

type Card = Record<string, unknown>;
let features: TeamsFeatures;
let github: FakeGithub;
let repo: FakeRepo;
let proposer: RootFileProposer;
let digest: { activityId: string; card: Card };
const buttons = (card: Card) => cardButtons(card);

const bed = useTeamsBed({
  async setup(b) {
    github = await startFakeGithub({ org: new FakeOrg('acme') });
    repo = github.org.addRepo('ledger', { files: { 'catalog-info.yaml': LEDGER } });
    const client = await createGithubClient({ token: 'test-token' }, { baseUrl: github.apiUrl, logger, serialSpacingMs: 0 });
    proposer = githubRootFileProposer({ client: async () => client, host: new URL(github.url).host });
    const db = b.database.db;
    const records = [...(await recordsFromYaml(CATALOG, (n) => `org/${n}.yaml`)), ...(await recordsFromYaml(LEDGER, () => 'catalog-info.yaml', () => `${github.url}/acme/ledger/blob/main/catalog-info.yaml`))];
    await markOrgSource(db, 'fixture');
    await applySnapshot(db, { sourceId: 'fixture', records, now });
    features = teamsFeatures({ db, logger, clock, adapter: b.bot.adapter, agentsMd: proposer });
    b.connector.addMember(TEAM, { id: ALICE.id, name: ALICE.name, aadObjectId: ALICE.aadObjectId, email: 'alice@example.com' });
    b.connector.addMember(TEAM, { id: MALLORY.id, name: MALLORY.name, aadObjectId: MALLORY.aadObjectId, email: 'mallory@example.com' });
    await b.installInTeam(TEAM);
  },
});

function click(value: Record<string, unknown>, from: { id: string; name: string }) {
  return {
    type: 'message',
    id: `click-${Math.random()}`,
    channelId: 'msteams',
    serviceUrl: bed.connector.serviceUrl,
    from,
    recipient: BOT,
    conversation: { id: `${CHANNEL};messageid=${digest.activityId}`, conversationType: 'channel', tenantId: TENANT },
    replyToId: digest.activityId,
    value,
    channelData: { tenant: { id: TENANT }, team: { id: TEAM } },
  };
}

beforeAll(async () => {
  const { db } = bed.database;
  const outcome = await createNudgeRunner({
    db,
    clock,
    logger,
    instanceId: 'replica',
    senders: [features.digestSender],
    directories: [features.memberDirectory],
    staleAfterDays: 180,
    pacer: createPacer({ perTargetIntervalMs: 0, platformPerMinute: 600_000 }),
    agentsMdHosts: (url) => proposer.handles(url),
  }).runSlot('weekly');
  expect(outcome).toMatchObject({ claimed: true, done: true });
  const post = bed.connector.sent.find((s) => s.conversationId === CHANNEL && s.method === 'POST')!;
  const [row] = await query<{ messages: Array<{ ts: string }> }>(db, sql`select messages from nudge_deliveries where team_ref = 'group:default/payments'`);
  digest = { activityId: row!.messages[0]!.ts, card: cardsIn(post.activity)[0]! };
});
afterAll(async () => {
  await github?.close();
});

describe('Add AGENTS.md from a Teams digest', () => {
  const agentsButton = () => buttons(digest.card).find((b) => b.title === 'Add AGENTS.md' && (b.data.value as Record<string, string>).entity === 'component:default/ledger');

  it('the digest card carries the button', () => {
    expect(cardText(digest.card)).toContain('AGENTS.md for coding agents');
    expect(agentsButton()?.data).toMatchObject({ callsheet: 'action', id: 'nudge.agents-md', value: { team: 'group:default/payments' } });
  });

  it('someone outside the owning team is refused and nothing is opened', async () => {
    const before = bed.connector.sent.length;
    expect((await bed.bot.post(click(agentsButton()!.data, MALLORY))).status).toBe(200);
    const answer = bed.connector.sent.slice(before).at(-1)!;
    expect(cardText(cardsIn(answer.activity)[0]!)).toMatch(/You may not do that: only members of payments/);
    expect(stateOf(repo).pulls).toHaveLength(0);
  });

  it('a member’s click opens a pull request with the marker and the card shows its link', async () => {
    const before = bed.connector.sent.length;
    expect((await bed.bot.post(click(agentsButton()!.data, ALICE))).status).toBe(200);
    const prUrl = `${github.url}/acme/ledger/pull/1`;
    const answer = bed.connector.sent.slice(before).at(-1)!;
    expect(answer).toMatchObject({ method: 'PUT', activityId: digest.activityId });
    const card = cardsIn(answer.activity)[0]!;
    expectValidCard(card);
    expect(cardText(card)).toContain(`AGENTS.md proposed by Alice Doe`);
    expect(JSON.stringify(card)).toContain(prUrl);
    const [pr] = stateOf(repo).pulls;
    expect(pr).toMatchObject({ state: 'open', head: 'callsheet/agents-md-ledger' });
    expect(filesAt(repo, branchHead(repo, pr!.head)!)!.get('AGENTS.md')!.text).toContain(AGENTS_MD_BEGIN);
  });
});
