/**
 * Nudge digests in Teams end to end: a real nudge run delivers each team's digest proactively through
 * the fake Bot Framework connector (the annotated channel of a team the bot was installed in, a 1:1
 * chat the bot opens with a member), exactly once per run; the digest's buttons (still accurate,
 * snooze, fix through a dialog and a pull request) update the posted card; refusals and rate limits
 * from the connector become what the runner understands.
 */
import { readFileSync } from 'node:fs';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { teamsFeatures, type TeamsFeatures } from '../../adapters/teams/features.js';
import { fixedClock } from '../../src/clock.js';
import { query } from '../../src/db/client.js';
import { chatChannels, nudgeDeliveries } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { createPacer } from '../../src/nudges/pacer.js';
import type { PullRequestOpener, PullRequestRequest } from '../../src/nudges/ports.js';
import { DeliveryRejectedError } from '../../src/nudges/ports.js';
import { createNudgeRunner, type NudgeRunner } from '../../src/nudges/run.js';
import { startFakeBotConnector, type FakeBotConnector } from '../fakes/bot-connector.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { fixtureUrl, seedNudgeCatalog, setCommittedDaysAgo } from '../helpers/nudge-seed.js';
import { ALICE, BOT, TENANT, cardButtons, cardText, cardsIn, expectValidCard, invoke, startBot, type RunningBot } from '../helpers/teams.js';

const now = new Date();
const clock = fixedClock(now);
const TEAM = '19:team@thread.tacv2';
const PAYMENTS_CHANNEL = '19:payments@thread.tacv2';
const BOB = { id: '29:bob', name: 'Bob Stone' };

type Card = Record<string, unknown>;
type TaskBody = { task: { type: 'continue' | 'message'; value: string | { card: { content: Card } } } };

function recordingOpener(): PullRequestOpener & { opened: PullRequestRequest[] } {
  const opened: PullRequestRequest[] = [];
  return {
    opened,
    handles: (url) => url.startsWith('https://github.example/'),
    async readFile(url) {
      const name = /acme\/([^/]+)\//.exec(url)![1];
      return `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: website\n  lifecycle: production\n  owner: search\n`;
    },
    async open(request) {
      opened.push(request);
      return { url: `https://github.example/pulls/${opened.length}` };
    },
  };
}

let database: TestDatabase;
let connector: FakeBotConnector;
let bot: RunningBot;
let features: TeamsFeatures;
let opener: ReturnType<typeof recordingOpener>;
let rateLimited = 0;

function runner(): NudgeRunner {
  return createNudgeRunner({
    db: database.db,
    clock,
    logger: silentLogger(),
    instanceId: 'replica',
    senders: [features.digestSender],
    directories: [features.memberDirectory],
    staleAfterDays: 180,
    pacer: createPacer({ perTargetIntervalMs: 0, platformPerMinute: 600_000, onRateLimited: () => void rateLimited++ }),
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  connector = await startFakeBotConnector();
  const fixture = readFileSync(fixtureUrl('nudge-catalog.yaml'), 'utf8').replace('slack.com/channel-id: C0PAYMENTS', `slack.com/channel-id: C0PAYMENTS\n    teams.microsoft.com/channel-id: "${PAYMENTS_CHANNEL}"`);
  await seedNudgeCatalog(database.db, now, fixture);
  await setCommittedDaysAgo(database.db, 'payments-api', 300, now);
  bot = await startBot(database.db, connector);
  opener = recordingOpener();
  features = teamsFeatures({ db: database.db, logger: silentLogger(), clock, adapter: bot.adapter, opener });
  connector.addMember(TEAM, { id: ALICE.id, name: ALICE.name, aadObjectId: ALICE.aadObjectId, email: 'alice@example.com' });
  // The bot is added to the team: its reference is stored, the channel's is derived from it.
  const installed = await bot.post({
    type: 'conversationUpdate',
    id: 'install-1',
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    from: { id: '29:admin', name: 'Admin' },
    recipient: BOT,
    conversation: { id: TEAM, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    membersAdded: [{ id: BOT.id }],
    channelData: { eventType: 'teamMemberAdded', tenant: { id: TENANT }, team: { id: TEAM, name: 'Engineering' } },
  });
  expect(installed.status).toBe(200);
  // Bob was seen on Teams before (profile email matched to user:default/bob), but never chatted with the bot.
  await database.db.execute(
    sql`insert into chat_identities (platform, workspace_id, external_id, email, display_name, user_ref, fetched_at)
        values ('teams', ${TENANT}, ${BOB.id}, 'bob@example.com', ${BOB.name}, 'user:default/bob', ${now.toISOString()}::timestamptz)`,
  );
});

afterAll(async () => {
  await bot?.close();
  await connector?.close();
  await database?.close();
});

let seen = 0;
afterEach(() => {
  for (const sent of connector.sent.slice(seen)) for (const card of cardsIn(sent.activity)) expectValidCard(card);
  seen = connector.sent.length;
});

async function delivery(runId: number, teamRef: string) {
  const [row] = await database.db.select().from(nudgeDeliveries).where(and(eq(nudgeDeliveries.runId, runId), eq(nudgeDeliveries.teamRef, teamRef)));
  return row;
}

/** Buttons of a card: Action.Submit data, with the title. */
const buttons = (card: Card) => cardButtons(card);

function click(conversationId: string, replyToId: string, value: Record<string, unknown>, from: { id: string; name: string } = ALICE) {
  return {
    type: 'message',
    id: `click-${replyToId}-${Math.random()}`,
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    from,
    recipient: BOT,
    conversation: { id: conversationId, conversationType: conversationId.startsWith('a:') ? 'personal' : 'channel', tenantId: TENANT },
    replyToId,
    value,
    channelData: { tenant: { id: TENANT }, ...(conversationId.startsWith('19:') ? { team: { id: TEAM } } : {}) },
  };
}

let runId: number;
let paymentsDigest: { conversationId: string; activityId: string; card: Card };
let searchDigest: { conversationId: string; activityId: string; card: Card };

describe('delivery', () => {
  it('posts each team its digest once: the annotated channel, or a 1:1 chat the bot opens', async () => {
    const before = connector.sent.length;
    const outcome = await runner().runSlot('slot-1');
    expect(outcome).toMatchObject({ claimed: true, done: true });
    runId = outcome.runId!;

    const payments = await delivery(runId, 'group:default/payments');
    expect(payments.status).toBe('sent');
    expect(payments.messages).toEqual([expect.objectContaining({ platform: 'teams', target: PAYMENTS_CHANNEL, channel: PAYMENTS_CHANNEL, ts: expect.stringMatching(/^activity-/) })]);
    const search = await delivery(runId, 'group:default/search');
    expect(search.status).toBe('sent');
    expect(search.messages).toEqual([expect.objectContaining({ platform: 'teams', target: BOB.id, channel: 'a:personal-bob' })]);
    expect((await delivery(runId, 'group:default/lonely')).status).toBe('undeliverable');

    const sent = connector.sent.slice(before);
    expect(sent.map((s) => [s.method, s.conversationId]).sort()).toEqual([
      ['POST', PAYMENTS_CHANNEL],
      ['POST', 'a:personal-bob'],
    ]);
    for (const s of sent) expect(s.authorization).toMatch(/^Bearer fake-bot-token-/);
    // The 1:1 chat was opened through the connector in Bob's tenant, and is remembered.
    expect(connector.createdConversations).toEqual([expect.objectContaining({ isGroup: false, members: [{ id: BOB.id }], tenantId: TENANT, bot: expect.objectContaining({ id: BOT.id }) })]);
    const [chat] = await database.db.select().from(chatChannels).where(eq(chatChannels.conversationId, 'a:personal-bob'));
    expect(chat.reference).toMatchObject({ serviceUrl: connector.serviceUrl, conversation: { id: 'a:personal-bob', conversationType: 'personal' }, user: { id: BOB.id } });

    const channelPost = sent.find((s) => s.conversationId === PAYMENTS_CHANNEL)!;
    const dmPost = sent.find((s) => s.conversationId === 'a:personal-bob')!;
    paymentsDigest = { conversationId: PAYMENTS_CHANNEL, activityId: String((payments.messages as Array<{ ts: string }>)[0].ts), card: cardsIn(channelPost.activity)[0] };
    searchDigest = { conversationId: 'a:personal-bob', activityId: String((search.messages as Array<{ ts: string }>)[0].ts), card: cardsIn(dmPost.activity)[0] };
    expect(cardText(paymentsDigest.card)).toContain('Catalog digest: payments');
    expect(cardText(searchDigest.card)).toContain('Catalog digest: search');
  });

  it('never posts a run twice, on this replica or another', async () => {
    const before = connector.sent.length;
    expect(await runner().runSlot('slot-1')).toMatchObject({ claimed: false });
    expect(connector.sent.length).toBe(before);
  });
});

describe('digest buttons', () => {
  it('"Still accurate" records the review and replaces the card with who confirmed it', async () => {
    const button = buttons(paymentsDigest.card).find((b) => b.title === 'Still accurate' && (b.data.value as Record<string, string>).entity === 'component:default/payments-api')!;
    expect(button.data).toMatchObject({ callsheet: 'action', id: 'nudge.review', value: { run: String(runId), team: 'group:default/payments' } });
    const res = await bot.post(click(`${PAYMENTS_CHANNEL};messageid=${paymentsDigest.activityId}`, paymentsDigest.activityId, button.data));
    expect(res.status).toBe(200);
    const update = connector.sent.at(-1)!;
    expect(update).toMatchObject({ method: 'PUT', activityId: paymentsDigest.activityId });
    expect(cardText(cardsIn(update.activity)[0])).toContain('✓ Confirmed accurate by Alice Doe');
    expect(await query(database.db, sql`select entity_ref, by, platform from reviews`)).toEqual([{ entity_ref: 'component:default/payments-api', by: 'user:default/alice', platform: 'teams' }]);
    const digest = (await delivery(runId, 'group:default/payments')).digest as { groups: Array<{ findings: Array<{ subject: string; done?: { kind: string } }> }> };
    expect(digest.groups.flatMap((g) => g.findings).find((f) => f.subject === 'component:default/payments-api')?.done).toMatchObject({ kind: 'reviewed', by: 'Alice Doe' });
  });

  it('"Snooze 30 days" hides the finding and the card says until when', async () => {
    const card = cardsIn(connector.sent.at(-1)!.activity)[0];
    const button = buttons(card).find((b) => b.title === 'Snooze 30 days')!;
    const value = button.data.value as Record<string, string>;
    await bot.post(click(`${PAYMENTS_CHANNEL};messageid=${paymentsDigest.activityId}`, paymentsDigest.activityId, button.data));
    const until = new Date(now.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
    expect(cardText(cardsIn(connector.sent.at(-1)!.activity)[0])).toContain(`Snoozed by Alice Doe until ${until}`);
    expect(await query(database.db, sql`select entity_ref, rule from snoozes`)).toEqual([{ entity_ref: value.entity, rule: value.rule }]);
  });

  it('"Fix" opens a dialog with a picker; a wrong value is refused on the field, a right one opens a pull request and updates the digest', async () => {
    const fix = buttons(searchDigest.card).find((b) => b.title === 'Fix' && (b.data.value as Record<string, string>).rule === 'missing-system')!;
    expect(fix.data).toMatchObject({ msteams: { type: 'task/fetch' }, callsheet: 'action', id: 'nudge.fix', value: { entity: 'component:default/search-web' } });
    const asBob = (name: string, value: unknown) => ({ ...invoke(connector, name, value), from: BOB, conversation: { id: 'a:personal-bob', conversationType: 'personal', tenantId: TENANT } });

    const opened = await bot.post(asBob('task/fetch', { data: fix.data, context: { theme: 'default' } }));
    const card = ((opened.body as TaskBody).task.value as { card: { content: Card } }).card.content;
    expectValidCard(card);
    const picker = (card.body as Array<Record<string, unknown>>).find((e) => e.type === 'Input.ChoiceSet')!;
    expect(picker).toMatchObject({ style: 'filtered', 'choices.data': { type: 'Data.Query', dataset: 'nudge.fix|system' } });
    expect(picker.choices).toEqual([{ title: 'payments-system', value: 'system:default/payments-system' }]);
    const search = await bot.post(asBob('application/search', { queryText: 'pay', dataset: 'nudge.fix|system', queryOptions: { top: 15, skip: 0 } }));
    expect((search.body as { value: { results: unknown[] } }).value.results).toEqual([{ title: 'payments-system', value: 'system:default/payments-system' }]);

    const submit = buttons(card)[0].data;
    const wrong = await bot.post(asBob('task/submit', { data: { ...submit, fixValue: 'system:default/nope' } }));
    const again = ((wrong.body as TaskBody).task.value as { card: { content: Card } }).card.content;
    expectValidCard(again);
    expect(cardText(again)).toContain('⚠ system:default/nope is not a System in the catalog');
    expect(opener.opened).toEqual([]);

    const before = connector.sent.length;
    const right = await bot.post(asBob('task/submit', { data: { ...submit, fixValue: 'system:default/payments-system' } }));
    expect((right.body as TaskBody).task).toEqual({ type: 'message', value: 'Pull request opened: https://github.example/pulls/1' });
    expect(opener.opened[0]).toMatchObject({ title: 'Catalog: set system of search-web', newContent: expect.stringContaining('system: system:default/payments-system') });
    expect(opener.opened[0].body).toContain('Requested by Bob Stone (user:default/bob) from teams');
    const update = connector.sent.slice(before).find((s) => s.method === 'PUT')!;
    expect(update).toMatchObject({ conversationId: 'a:personal-bob', activityId: searchDigest.activityId });
    expect(cardText(cardsIn(update.activity)[0])).toContain('Fix proposed by Bob Stone');
  });
});

describe('connector refusals', () => {
  it('a 403 (bot removed) fails that delivery for good; the others still go out', async () => {
    // Both teams have findings again (the review and snooze above are undone).
    await database.db.execute(sql`update entities set last_reviewed_at = null, last_reviewed_by = null`);
    await database.db.execute(sql`delete from snoozes`);
    connector.failNext(1, 403);
    const outcome = await runner().runSlot('slot-2');
    const rows = await database.db.select().from(nudgeDeliveries).where(eq(nudgeDeliveries.runId, outcome.runId!));
    const failed = rows.filter((r) => r.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].error).toMatch(/Teams refused the message to .* \(HTTP 403\)/);
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(1);
  });

  it('429s past the connector client\'s own retries become RateLimitedError, waited out by the runner', async () => {
    const attempts = connector.attempts;
    connector.failNext(8, 429, 0);
    const outcome = await runner().runSlot('slot-3');
    const rows = await database.db.select().from(nudgeDeliveries).where(eq(nudgeDeliveries.runId, outcome.runId!));
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(2);
    expect(rateLimited).toBeGreaterThan(0);
    expect(connector.attempts).toBe(attempts + 8 + 2);
  });

  it('refuses a channel it cannot place, without calling the connector', async () => {
    const sender = features.digestSender;
    await database.db.insert(chatChannels).values({ platform: 'teams', conversationId: '19:other@thread.tacv2', teamId: '19:other@thread.tacv2', tenantId: 'tenant-2', reference: { serviceUrl: 'http://127.0.0.1:9/', channelId: 'msteams', conversation: { id: '19:other@thread.tacv2' } } });
    const before = connector.attempts;
    await expect(sender.send({ platform: 'teams', kind: 'channel', target: '19:unknown@thread.tacv2', reason: 'test' }, { summary: 'x', sections: [] }, { runId: 0, teamRef: 'group:default/x', key: 'k' })).rejects.toBeInstanceOf(DeliveryRejectedError);
    expect(connector.attempts).toBe(before);
  });
});
