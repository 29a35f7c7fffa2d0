/**
 * Teams parity for issue 16 over HTTP and the fake connector: natural phrasings in mentions and chats,
 * links pasted in the compose box unfurled (composeExtension/queryLink), and buttons on cards inserted
 * from the compose box (composeExtension/onCardButtonClicked), which used to answer 501.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/db/schema.js';
import { startFakeBotConnector, type FakeBotConnector } from '../fakes/bot-connector.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedCatalog } from '../helpers/seed.js';
import { ALICE, cardText, cardsIn, channelMessage, expectValidCard, invoke, personalMessage, startBot, type RunningBot } from '../helpers/teams.js';

const BACKSTAGE = 'https://backstage.acme.example';

let database: TestDatabase;
let connector: FakeBotConnector;
let bot: RunningBot;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog(database.db);
  connector = await startFakeBotConnector();
  bot = await startBot(database.db, connector, {}, { backstageUrl: BACKSTAGE });
  const alice = { id: ALICE.id, name: ALICE.name, aadObjectId: ALICE.aadObjectId, email: 'alice.nguyen@acmepay.example' };
  for (const conversation of ['19:team@thread.tacv2', 'a:personal-alice', '19:general@thread.tacv2']) connector.addMember(conversation, alice);
});

afterAll(async () => {
  await bot?.close();
  await connector?.close();
  await database?.close();
});

type Attachment = { contentType: string; content: Record<string, unknown>; preview?: { content: { title: string } } };
const attachmentsOf = (body: unknown) => (body as { composeExtension: { type: string; attachments: Attachment[] } }).composeExtension.attachments;

/** Action.Submit data of a card, wherever the action sits. */
function submits(card: unknown): Array<{ callsheet: string; line?: string }> {
  const out: Array<{ callsheet: string; line?: string }> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'Action.Submit' && o.data) out.push(o.data as { callsheet: string; line?: string });
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

describe('Teams conversations (issue 16)', () => {
  it('understands natural phrasings in a channel mention and in a personal chat', async () => {
    await bot.post(channelMessage(connector, 'who owns payments-api?'));
    const [card] = cardsIn(connector.sent.at(-1)!.activity);
    expectValidCard(card);
    expect(connector.sent.at(-1)!.activity.summary).toBe('payments-api is owned by Payments (#team-payments).');
    expect(cardText(card)).toContain('github.com/acme-pay/payments-api');
    expect(cardText(card)).toContain(`${BACKSTAGE}/catalog/default/component/payments-api`);

    await bot.post(personalMessage(connector, 'what does team payments own'));
    expect(connector.sent.at(-1)!.conversationId).toBe('a:personal-alice');
    expect(cardText(cardsIn(connector.sent.at(-1)!.activity)[0])).toContain('Team Payments');

    await bot.post(personalMessage(connector, 'what is in the payments system?'));
    expect(cardText(cardsIn(connector.sent.at(-1)!.activity)[0])).toContain('Payments (System)');
  });

  it('unfurls a pasted GitHub or Backstage link into the owner card (composeExtension/queryLink)', async () => {
    const github = await bot.post(invoke(connector, 'composeExtension/queryLink', { url: 'https://github.com/acme-pay/payments-api/tree/main/src' }));
    expect(github.status).toBe(200);
    const [attachment] = attachmentsOf(github.body);
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment.preview!.content.title).toBe('Payments API (Component)');
    expectValidCard(attachment.content);
    expect(bot.lines.at(-1)).toBe('owner component:default/payments-api');

    const backstage = await bot.post(invoke(connector, 'composeExtension/queryLink', { url: `${BACKSTAGE}/catalog/default/system/payments` }));
    expect(attachmentsOf(backstage.body)[0].preview!.content.title).toBe('Payments (System)');

    const unknown = await bot.post(invoke(connector, 'composeExtension/queryLink', { url: 'https://github.com/someone/else' }));
    expect(unknown.status).toBe(200);
    expect(attachmentsOf(unknown.body)).toEqual([]);
  });

  it('runs a button of a card inserted from the compose box (composeExtension/onCardButtonClicked), no longer 501', async () => {
    const picked = await bot.post(invoke(connector, 'composeExtension/selectItem', { ref: 'component:default/payments-api' }));
    const data = submits(attachmentsOf(picked.body)[0].content).find((d) => d.line?.startsWith('deps '))!;
    expect(data).toMatchObject({ callsheet: 'command', line: 'deps component:default/payments-api' });
    const before = connector.sent.length;
    const res = await bot.post({ ...invoke(connector, 'composeExtension/onCardButtonClicked', data), replyToId: 'users-message-1' });
    expect(res.status).toBe(200);
    expect(connector.sent.length).toBe(before + 1);
    const sent = connector.sent.at(-1)!;
    // A new message: the inserted card is the user's message, which the bot cannot replace.
    expect(sent.method).toBe('POST');
    expect(cardText(cardsIn(sent.activity)[0])).toContain('Dependencies of Payments API');
    const audits = await database.db.select().from(auditLog);
    expect(audits).toContainEqual(expect.objectContaining({ platform: 'teams', action: 'button.command', actorRef: 'user:default/alice-nguyen', target: 'deps component:default/payments-api' }));
  });
});
