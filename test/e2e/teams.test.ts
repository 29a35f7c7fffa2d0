/**
 * The Teams bot end to end over HTTP: signed Bot Framework tokens checked against a local OpenID
 * metadata document, replies sent to a local fake connector, state in a real database.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { findConversation } from '../../adapters/teams/index.js';
import { auditLog, chatChannels, chatIdentities } from '../../src/db/schema.js';
import { registry } from '../../src/metrics.js';
import { silentLogger } from '../../src/logger.js';
import { systemClock } from '../../src/clock.js';
import { runLine } from '../../src/commands/run.js';
import {
  ALICE,
  BOT,
  TENANT,
  cardText,
  cardsIn,
  channelMessage,
  expectValidCard,
  invoke,
  personalMessage,
  seedEntities,
  startBot,
} from '../helpers/teams.js';
import { useTeamsBed } from '../helpers/teams-bed.js';

const component = (name: string, owner: string, description?: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, ...(description ? { description } : {}) },
  spec: { type: 'service', lifecycle: 'production', owner },
});

const bed = useTeamsBed({
  setup: async ({ database, connector }) => {
    await seedEntities(database.db, [
      component('payments-api', 'payments', 'Takes card payments'),
      component('payments-ledger', 'payments'),
      component('search-service', 'discovery'),
      { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'payments' }, spec: { type: 'team', children: [] } },
      { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'alice' }, spec: { profile: { email: 'Alice@Example.com' }, memberOf: ['payments'] } },
    ]);
    connector.addMember('19:team@thread.tacv2', { id: ALICE.id, name: ALICE.name, aadObjectId: ALICE.aadObjectId, email: 'alice@example.com', userPrincipalName: 'alice@example.com' });
    connector.addMember('a:personal-alice', { id: ALICE.id, name: ALICE.name, aadObjectId: ALICE.aadObjectId, email: 'alice@example.com' });
  },
});

describe('questions', () => {
  it('answers a channel @mention with an Adaptive Card, the mention stripped, sent with the bot token', async () => {
    const before = bed.connector.sent.length;
    const res = await bed.bot.post(channelMessage(bed.connector, 'help'));
    expect(res.status).toBe(200);
    expect(bed.connector.sent.length).toBe(before + 1);
    const sent = bed.lastSent();
    expect(sent.conversationId).toBe('19:general@thread.tacv2;messageid=1');
    expect(sent.authorization).toMatch(/^Bearer fake-bot-token-\d+$/);
    expect(bed.bot.lines.at(-1)).toBe('help');
    const [card] = cardsIn(sent.activity);
    expect(card.version).toBe('1.5');
    expect(cardText(card)).toContain('Callsheet commands');
    expect(sent.activity.summary).toBe('Callsheet commands');
    expect(bed.connector.tokenRequests.at(-1)).toMatchObject({ grant_type: 'client_credentials', client_id: bed.connector.appId, scope: 'https://api.botframework.com/.default', tenant: 'botframework.com' });
  });

  it('maps the Teams user to the catalog User by profile email, cached in chat_identities', async () => {
    const lookups = bed.connector.memberLookups.length;
    await bed.bot.post(channelMessage(bed.connector, 'help'));
    const [row] = await bed.database.db.select().from(chatIdentities).where(eq(chatIdentities.platform, 'teams'));
    expect(row).toMatchObject({ platform: 'teams', workspaceId: TENANT, externalId: ALICE.id, email: 'alice@example.com', userRef: 'user:default/alice' });
    // Cached: the second question within the TTL looks nobody up.
    expect(bed.connector.memberLookups.length).toBe(lookups);
  });

  it('answers an unknown command with help, as an error card', async () => {
    await bed.bot.post(channelMessage(bed.connector, 'frobnicate payments-api'));
    const [card] = cardsIn(bed.lastSent().activity);
    expect(cardText(card)).toContain('Unknown command \\"frobnicate\\"');
    expect(bed.lastSent().activity.summary).toBe('Unknown command "frobnicate".');
  });

  it('answers in a personal chat without a mention', async () => {
    await bed.bot.post(personalMessage(bed.connector, 'help help'));
    const sent = bed.lastSent();
    expect(sent.conversationId).toBe('a:personal-alice');
    expect(bed.bot.lines.at(-1)).toBe('help help');
    expect(cardText(cardsIn(sent.activity)[0])).toContain('Help: help');
  });

  it('replaces the card when a pick-list button is clicked', async () => {
    const before = bed.connector.sent.length;
    const click = personalMessage(bed.connector, '', { text: undefined, replyToId: 'activity-7', value: { callsheet: 'command', line: 'help help' } });
    const res = await bed.bot.post(click);
    expect(res.status).toBe(200);
    expect(bed.connector.sent.length).toBe(before + 1);
    const update = bed.lastSent();
    expect(update.method).toBe('PUT');
    expect(update.activityId).toBe('activity-7');
    expect(update.activity.id).toBe('activity-7');
    expect(cardText(cardsIn(update.activity)[0])).toContain('Help: help');
    const audits = await bed.database.db.select().from(auditLog);
    expect(audits.find((a) => a.action === 'button.command')).toMatchObject({ platform: 'teams', actor: ALICE.id, actorRef: 'user:default/alice', target: 'help help' });
  });

  it('answers in a group chat when mentioned', async () => {
    const mention = `<at>${BOT.name}</at>`;
    await bed.bot.post(
      personalMessage(bed.connector, `${mention}&nbsp;help`, {
        conversation: { id: '19:group-chat@thread.v2', conversationType: 'groupChat', isGroup: true, tenantId: TENANT },
        entities: [{ type: 'mention', text: mention, mentioned: BOT }],
      }),
    );
    expect(bed.lastSent().conversationId).toBe('19:group-chat@thread.v2');
    expect(bed.bot.lines.at(-1)).toBe('help');
  });

  it('runs feature buttons through their handler, and says so when a button is no longer handled', async () => {
    const seenValues: Array<Record<string, string>> = [];
    const withActions = await startBot(bed.database.db, bed.connector, {}, {
      actions: {
        'nudge.review': async (value, ctx) => {
          seenValues.push(value);
          return { summary: `Marked ${value.ref} as reviewed by ${ctx.requester.userRef}`, sections: [{ text: ['Thanks!'] }] };
        },
      },
    });
    try {
      await withActions.post(personalMessage(bed.connector, '', { text: undefined, replyToId: 'activity-9', value: { callsheet: 'action', id: 'nudge.review', value: { ref: 'component:default/payments-api' } } }));
      expect(seenValues).toEqual([{ ref: 'component:default/payments-api' }]);
      expect(bed.lastSent()).toMatchObject({ method: 'PUT', activityId: 'activity-9', activity: { summary: 'Marked component:default/payments-api as reviewed by user:default/alice' } });
      await withActions.post(personalMessage(bed.connector, '', { text: undefined, replyToId: 'activity-9', value: { callsheet: 'action', id: 'gone', value: {} } }));
      expect(cardText(cardsIn(bed.lastSent().activity)[0])).toContain('That button is no longer available');
    } finally {
      await withActions.close();
    }
  });

  it('retries a rate-limited send after Retry-After and counts it', async () => {
    bed.connector.failNext(1, 429, 1);
    const attempts = bed.connector.attempts;
    const res = await bed.bot.post(personalMessage(bed.connector, 'help'));
    expect(res.status).toBe(200);
    expect(bed.connector.attempts).toBe(attempts + 2);
    expect(cardText(cardsIn(bed.lastSent().activity)[0])).toContain('Callsheet commands');
    const metrics = await registry.getSingleMetricAsString('callsheet_commands_total');
    expect(metrics).toMatch(/platform="teams",command="help",outcome="ok"} \d+/);
  });
});

describe('compose-box search', () => {
  it('lists matching entities, and a pick inserts the card built from "owner <ref>"', async () => {
    const res = await bed.bot.post(invoke(bed.connector, 'composeExtension/query', { commandId: 'searchCatalog', parameters: [{ name: 'query', value: 'payments' }], queryOptions: { skip: 0, count: 10 } }));
    expect(res.status).toBe(200);
    const result = (res.body as { composeExtension: { type: string; attachments: Array<{ content: { title: string; tap: { value: { ref: string } } } }> } }).composeExtension;
    expect(result.type).toBe('result');
    expect(result.attachments.map((a) => a.content.title)).toEqual(['payments', 'payments-api', 'payments-ledger']);
    const ref = result.attachments[1].content.tap.value.ref;
    expect(ref).toBe('component:default/payments-api');

    const picked = await bed.bot.post(invoke(bed.connector, 'composeExtension/selectItem', { ref }));
    expect(picked.status).toBe(200);
    expect(bed.bot.lines.at(-1)).toBe('owner component:default/payments-api');
    const attachment = (picked.body as { composeExtension: { attachments: Array<{ contentType: string; content: unknown; preview: unknown }> } }).composeExtension.attachments[0];
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment.preview).toBeDefined();
    expectValidCard(attachment.content);
  });

  it('answers an empty box and a search without hits with a hint', async () => {
    const initial = await bed.bot.post(invoke(bed.connector, 'composeExtension/query', { commandId: 'searchCatalog', parameters: [{ name: 'initialRun', value: 'true' }] }));
    expect((initial.body as { composeExtension: { type: string } }).composeExtension.type).toBe('message');
    const none = await bed.bot.post(invoke(bed.connector, 'composeExtension/query', { commandId: 'searchCatalog', parameters: [{ name: 'query', value: 'zzz' }] }));
    expect((none.body as { composeExtension: { text: string } }).composeExtension.text).toContain('Nothing in the catalog matches "zzz"');
  });
});

describe('install and proactive sends', () => {
  const install = () => ({
    type: 'conversationUpdate',
    id: 'install-1',
    channelId: 'msteams',
    serviceUrl: bed.connector.serviceUrl,
    from: { id: '29:admin', name: 'Admin' },
    recipient: BOT,
    conversation: { id: '19:team@thread.tacv2', conversationType: 'channel', isGroup: true, tenantId: TENANT },
    membersAdded: [{ id: BOT.id }],
    channelData: { eventType: 'teamMemberAdded', tenant: { id: TENANT }, team: { id: '19:team@thread.tacv2', name: 'Payments' } },
  });

  it('stores the conversation reference when added to a team, and sends proactively into it', async () => {
    expect((await bed.bot.post(install())).status).toBe(200);
    const [row] = (await bed.database.db.select().from(chatChannels)).filter((r) => r.conversationId === '19:team@thread.tacv2');
    expect(row).toMatchObject({ platform: 'teams', teamId: '19:team@thread.tacv2', tenantId: TENANT, name: 'Payments' });
    expect(row.reference).toMatchObject({ serviceUrl: bed.connector.serviceUrl, conversation: { id: '19:team@thread.tacv2' }, bot: { id: BOT.id } });

    const reference = await findConversation(bed.database.db, '19:team@thread.tacv2');
    const reply = await runLine('help', { db: bed.database.db, clock: systemClock, logger: silentLogger(), requester: { platform: 'teams' }, staleAfterDays: 180 });
    const result = await bed.bot.adapter.sendProactive(reference!, reply);
    expect(result.conversationId).toBe('19:team@thread.tacv2');
    expect(result.activityId).toMatch(/^activity-/);
    const sent = bed.lastSent();
    expect(sent.conversationId).toBe('19:team@thread.tacv2');
    expect(sent.authorization).toMatch(/^Bearer fake-bot-token-/);
    expect(cardText(cardsIn(sent.activity)[0])).toContain('Callsheet commands');
  });

  it('forgets the team when the bot is removed', async () => {
    await bed.bot.post({ ...install(), id: 'remove-1', membersAdded: undefined, membersRemoved: [{ id: BOT.id }], channelData: { eventType: 'teamMemberRemoved', tenant: { id: TENANT }, team: { id: '19:team@thread.tacv2' } } });
    expect(await findConversation(bed.database.db, '19:team@thread.tacv2')).toBeUndefined();
    expect((await bed.database.db.select().from(auditLog)).map((a) => a.action)).toEqual(expect.arrayContaining(['teams.installed', 'teams.removed']));
  });

  it('stores personal chats from installationUpdate', async () => {
    await bed.bot.post({ ...personalMessage(bed.connector, ''), type: 'installationUpdate', action: 'add', text: undefined, conversation: { id: 'a:personal-bob', conversationType: 'personal', tenantId: TENANT } });
    expect(await findConversation(bed.database.db, 'a:personal-bob')).toMatchObject({ conversation: { id: 'a:personal-bob' } });
  });
});
