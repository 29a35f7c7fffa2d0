/**
 * Slack conversations end to end (issue 16): @mentions answered in the thread, DMs answered in the
 * DM, natural phrasings, buttons, identities, ignored bot messages and edits, deduplicated retries,
 * and link unfurling through chat.unfurl, over the real adapter and the fake Slack Web API.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACTION } from '../../adapters/slack/render-reply.js';
import { runLine } from '../../src/commands/run.js';
import { auditLog } from '../../src/db/schema.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedCatalog } from '../helpers/seed.js';
import { blockText } from '../helpers/slack-interactions.js';
import { buttonClick, startTestbed, type Testbed } from '../helpers/slack-testbed.js';

const ALICE = 'U01ALICE01';
const BACKSTAGE = 'https://backstage.acme.example';
/** Answers are posted after the 200; a loaded CI machine may take a while for the first one. */
const SOON = { timeout: 15_000, interval: 20 };

describe('Slack conversations and unfurls', () => {
  let database: TestDatabase;
  let bed: Testbed;
  let n = 0;
  const ts = () => `1700000${String(++n).padStart(3, '0')}.000100`;
  const posts = (channel: string) => bed.fake.accepted('chat.postMessage').filter((c) => c.args.channel === channel);

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedCatalog(database.db);
    bed = await startTestbed(database.db, { runLine, backstageUrl: BACKSTAGE });
    bed.fake.addUser({ id: ALICE, email: 'alice.nguyen@acmepay.example', name: 'Alice' });
  });
  afterAll(async () => {
    await bed?.close();
    await database?.close();
  });

  it('answers an @mention in the thread of the message, with mentions and buttons', async () => {
    const at = ts();
    const res = await bed.event({ type: 'app_mention', user: ALICE, text: '<@UBOT> who owns payments-api?', channel: 'C0GENERAL', ts: at, event_ts: at }, 'EvMENTION1');
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(posts('C0GENERAL')).toHaveLength(1), SOON);
    const [post] = posts('C0GENERAL');
    expect(post.args.thread_ts).toBe(at);
    expect(post.args.text).toBe('payments-api is owned by Payments (#team-payments).');
    expect(blockText(post.args.blocks)).toContain('<@U01ALICE01>');
    // No "Share in channel": the answer already is in the channel.
    expect(JSON.stringify(post.args.blocks)).not.toContain(ACTION.share);
    await vi.waitFor(async () => {
      const rows = await database.db.select().from(auditLog);
      expect(rows).toContainEqual(expect.objectContaining({ platform: 'slack', actor: ALICE, actorRef: 'user:default/alice-nguyen', action: 'mention', target: 'owner', channel: 'C0GENERAL' }));
    }, SOON);

    // A button of that public answer answers privately, like a slash command's.
    const button = post.args.blocks.flatMap((b: any) => b.elements ?? []).find((e: any) => e.value?.startsWith('deps '));
    await bed.click(buttonClick({ actionId: button.action_id, value: button.value, user: ALICE, responseUrl: bed.fake.responseUrl('mention-click'), container: { type: 'message', message_ts: post.args.ts, channel_id: 'C0GENERAL', is_ephemeral: false } }));
    await vi.waitFor(() => expect(bed.fake.accepted('response_url').filter((c) => c.hook === 'mention-click')).toHaveLength(1), SOON);
    const [clicked] = bed.fake.accepted('response_url').filter((c) => c.hook === 'mention-click');
    expect(clicked.args).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(clicked.args.blocks[0].text.text).toMatch(/^Dependencies of Payments API/);
  });

  it('keeps a mention inside an existing thread in that thread', async () => {
    const at = ts();
    await bed.event({ type: 'app_mention', user: ALICE, text: '<@UBOT> deps ledger-db', channel: 'C0THREAD', ts: at, thread_ts: '1699999999.000001', event_ts: at }, 'EvMENTION2');
    await vi.waitFor(() => expect(posts('C0THREAD')).toHaveLength(1), SOON);
    expect(posts('C0THREAD')[0].args.thread_ts).toBe('1699999999.000001');
  });

  it('answers a direct message in the DM, as the same catalog user', async () => {
    const at = ts();
    await bed.event({ type: 'message', channel_type: 'im', user: ALICE, text: 'team', channel: 'D0ALICE', ts: at, event_ts: at }, 'EvDM1');
    await vi.waitFor(() => expect(posts('D0ALICE')).toHaveLength(1), SOON);
    const [post] = posts('D0ALICE');
    expect(post.args.thread_ts).toBeUndefined();
    expect(post.args.blocks[0].text.text).toBe('Team Payments');
  });

  it('ignores bot messages, its own, edits, other subtypes and channel chatter', async () => {
    const before = bed.fake.attempts('chat.postMessage').length;
    const at = ts();
    await bed.event({ type: 'message', channel_type: 'im', bot_id: 'BBOT', user: 'UBOT', text: 'owner payments-api', channel: 'D0ALICE', ts: at }, 'EvIGN1');
    await bed.event({ type: 'message', channel_type: 'im', subtype: 'message_changed', channel: 'D0ALICE', message: { text: 'owner x', user: ALICE }, ts: at }, 'EvIGN2');
    await bed.event({ type: 'message', channel_type: 'im', subtype: 'bot_message', bot_id: 'B0OTHER', text: 'who owns x', channel: 'D0ALICE', ts: at }, 'EvIGN3');
    await bed.event({ type: 'message', channel_type: 'channel', user: ALICE, text: 'who owns payments-api', channel: 'C0GENERAL', ts: at }, 'EvIGN4');
    await bed.event({ type: 'app_mention', user: ALICE, text: '<@UBOT> owner x', channel: 'C0GENERAL', ts: at, edited: { user: ALICE, ts: at } }, 'EvIGN5');
    // A message that is answered afterwards proves the ignored ones had their chance to be answered first.
    const last = ts();
    await bed.event({ type: 'message', channel_type: 'im', user: ALICE, text: 'help', channel: 'D0LAST', ts: last }, 'EvIGN6');
    await vi.waitFor(() => expect(posts('D0LAST')).toHaveLength(1), SOON);
    expect(bed.fake.attempts('chat.postMessage').length).toBe(before + 1);
  });

  it('answers a retried event once (X-Slack-Retry-Num)', async () => {
    const at = ts();
    const event = { type: 'app_mention', user: ALICE, text: '<@UBOT> owner ledger-db', channel: 'C0RETRY', ts: at, event_ts: at };
    await bed.event(event, 'EvRETRY1');
    await bed.event(event, 'EvRETRY1', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    await bed.event(event, 'EvRETRY1', { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' });
    await vi.waitFor(() => expect(posts('C0RETRY')).toHaveLength(1), SOON);
    await new Promise((r) => setTimeout(r, 200));
    expect(posts('C0RETRY')).toHaveLength(1);
  });

  it('unfurls GitHub file and Backstage entity links into owner cards through chat.unfurl', async () => {
    const at = ts();
    const file = 'https://github.com/acme-pay/payments-api/blob/main/src/server.ts';
    const page = `${BACKSTAGE}/catalog/default/component/ledger-service/dependencies`;
    const elsewhere = 'https://github.com/acme-pay/not-in-the-catalog';
    bed.fake.shareLinks({ channel: 'C0LINKS', ts: at, urls: [file, page, elsewhere] });
    await bed.event({ type: 'link_shared', channel: 'C0LINKS', user: ALICE, message_ts: at, unfurl_id: 'U-1', source: 'conversations_history', links: [file, page, elsewhere].map((url) => ({ url, domain: new URL(url).host })) }, 'EvLINK1');
    await vi.waitFor(() => expect(bed.fake.accepted('chat.unfurl')).toHaveLength(1), SOON);
    const [call] = bed.fake.accepted('chat.unfurl');
    expect(call.args).toMatchObject({ channel: 'C0LINKS', ts: at });
    expect(Object.keys(call.args.unfurls).sort()).toEqual([page, file].sort());
    expect(call.args.unfurls[file].blocks[0].text.text).toBe('Payments API (Component)');
    expect(call.args.unfurls[page].blocks[0].text.text).toMatch(/^Ledger service/);
  });

  it('unfurls a link still in the composer by unfurl_id and source, and leaves unknown links alone', async () => {
    const repo = 'https://github.com/acme-pay/payments-api';
    bed.fake.shareLinks({ channel: 'C0COMPOSE', ts: 'composer', urls: [repo], unfurlId: 'U-COMPOSE', source: 'composer' });
    await bed.event({ type: 'link_shared', channel: 'COMPOSER', user: ALICE, message_ts: 'Uxxxx-composer', unfurl_id: 'U-COMPOSE', source: 'composer', links: [{ url: repo, domain: 'github.com' }] }, 'EvLINK2');
    await vi.waitFor(() => expect(bed.fake.accepted('chat.unfurl')).toHaveLength(2), SOON);
    expect(bed.fake.accepted('chat.unfurl')[1].args).toMatchObject({ unfurl_id: 'U-COMPOSE', source: 'composer' });

    const before = bed.fake.attempts('chat.unfurl').length;
    await bed.event({ type: 'link_shared', channel: 'C0LINKS', user: ALICE, message_ts: ts(), links: [{ url: 'https://github.com/someone/else', domain: 'github.com' }] }, 'EvLINK3');
    await new Promise((r) => setTimeout(r, 300));
    expect(bed.fake.attempts('chat.unfurl')).toHaveLength(before);
  });
});
