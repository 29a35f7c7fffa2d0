/**
 * On-call now and the Page button in Teams: the bot over HTTP with signed Bot Framework tokens, the
 * Teams features wired as `serve` wires them, and local fakes of PagerDuty and Opsgenie.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamsFeatures } from '../../adapters/teams/features.js';
import { systemClock } from '../../src/clock.js';
import { pageHandler } from '../../src/commands/page.js';
import { runLine } from '../../src/commands/run.js';
import { silentLogger } from '../../src/logger.js';
import type { OnCallService } from '../../src/oncall/service.js';
import { startFakeBotConnector, type FakeBotConnector } from '../fakes/bot-connector.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { PAYMENTS_KEY, startOnCallFakes, type OnCallBed } from '../helpers/oncall-bed.js';
import { seedCatalog } from '../helpers/seed.js';
import { ALICE, cardText, cardsIn, channelMessage, expectValidCard, startBot, type RunningBot } from '../helpers/teams.js';

describe.sequential('on-call in Teams', () => {
  let database: TestDatabase;
  let connector: FakeBotConnector;
  let bot: RunningBot;
  let fakes: OnCallBed;
  let oncall: OnCallService;

  const last = () => connector.sent[connector.sent.length - 1]!;
  const findAction = (node: unknown, type: string): any => {
    if (!node || typeof node !== 'object') return undefined;
    if ((node as any).type === type) return node;
    for (const v of Object.values(node)) {
      const hit = findAction(v, type);
      if (hit) return hit;
    }
    return undefined;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedCatalog(database.db);
    fakes = await startOnCallFakes(Date.now());
    oncall = fakes.service();
    connector = await startFakeBotConnector();
    bot = await startBot(database.db, connector, {}, { runLine: (line, ctx) => runLine(line, { ...ctx, oncall, pageAllowedGroups: ['payments'] }) });
    const page = pageHandler({ db: database.db, clock: systemClock, logger: silentLogger(), oncall, allowedGroups: ['payments'] });
    teamsFeatures({ db: database.db, logger: silentLogger(), clock: systemClock, adapter: bot.adapter, page });
    connector.addMember('19:team@thread.tacv2', { id: ALICE.id, name: 'Alice Nguyen', aadObjectId: ALICE.aadObjectId, email: 'alice.nguyen@acmepay.example', userPrincipalName: 'alice.nguyen@acmepay.example' });
  }, 60_000);

  afterAll(async () => {
    await bot?.close();
    await connector?.close();
    await fakes?.close();
    await database?.close();
  });

  it('answers "oncall payments-api" with who is on call now and next, the on-call person @mentioned', async () => {
    await bot.post(channelMessage(connector, 'oncall payments-api'));
    const [card] = cardsIn(last().activity);
    expectValidCard(card);
    const text = cardText(card);
    expect(text).toContain('On call now: Payments API (PagerDuty)');
    expect(text).toContain('<at>Alice Nguyen</at> (until ');
    expect(text).toContain('Bruno Costa (from ');
    expect((card as any).msteams.entities).toContainEqual({ type: 'mention', text: '<at>Alice Nguyen</at>', mentioned: { id: ALICE.id, name: 'Alice Nguyen' } });
  });

  it('puts Page behind an Action.ShowCard confirmation step whose Action.Submit pages', async () => {
    await bot.post(channelMessage(connector, 'owner payments-api'));
    const [card] = cardsIn(last().activity);
    expectValidCard(card);
    const show = findAction(card, 'Action.ShowCard');
    expect(show.title).toBe('Page on-call');
    expect(cardText(show.card)).toContain('wakes whoever is on call now');
    expect(show.card.actions[0]).toMatchObject({ type: 'Action.Submit', title: 'Page', style: 'destructive', data: { callsheet: 'action', id: 'oncall.page', value: { ref: 'component:default/payments-api' } } });
    expect(cardText(card)).not.toContain(PAYMENTS_KEY);
  });

  it('pages after the confirmation and replaces the card with who paged', async () => {
    const data = { callsheet: 'action', id: 'oncall.page', value: { ref: 'component:default/payments-api' } };
    await bot.post(channelMessage(connector, '', { text: undefined, replyToId: 'activity-page', value: data }));
    const update = last();
    expect(update.method).toBe('PUT');
    const [card] = cardsIn(update.activity);
    expectValidCard(card);
    expect(cardText(card)).toContain('<at>Alice Nguyen</at> paged on-call for');
    expect(fakes.pd.events).toHaveLength(1);
    expect(fakes.pd.events[0]).toMatchObject({ routing_key: PAYMENTS_KEY, payload: { custom_details: { platform: 'teams', paged_by: 'Alice Nguyen' } } });
  });
});
