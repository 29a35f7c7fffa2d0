import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACTION } from '../../adapters/slack/render-reply.js';
import { relationsOf } from '../../src/catalog/relations.js';
import { refOf } from '../../src/catalog/refs.js';
import { applySnapshot, type CatalogRecord } from '../../src/catalog/store.js';
import { validateEntity } from '../../src/catalog/validate.js';
import type { Reply } from '../../src/reply/reply.js';
import { runLine } from '../../src/commands/run.js';
import type { CommandContext } from '../../src/commands/types.js';
import { auditLog, chatEmailLookups, syncProblems } from '../../src/db/schema.js';
import { metrics } from '../../src/metrics.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { markOrgSource } from '../helpers/org-source.js';
import { buttonClick, SECRET, startTestbed, type Testbed } from '../helpers/slack-testbed.js';
import { signSlack } from '../helpers/slack-sign.js';

const catalog = [
  { kind: 'Group', metadata: { name: 'payments', title: 'Payments' }, spec: { type: 'team', children: [], members: ['ada', 'bob'] } },
  { kind: 'User', metadata: { name: 'ada', annotations: { 'slack.com/user-id': 'U0ADA' } }, spec: { profile: { displayName: 'Ada', email: 'ada@example.com' }, memberOf: ['payments'] } },
  { kind: 'User', metadata: { name: 'bob' }, spec: { profile: { displayName: 'Bob', email: 'Bob@Example.com' }, memberOf: ['payments'] } },
  { kind: 'User', metadata: { name: 'carol' }, spec: { profile: { email: 'carol@example.com' }, memberOf: [] } },
  { kind: 'Component', metadata: { name: 'payments-api', title: 'Payments API' }, spec: { type: 'service', lifecycle: 'production', owner: 'payments' } },
  { kind: 'Component', metadata: { name: 'ledger' }, spec: { type: 'service', lifecycle: 'production', owner: 'payments' } },
  { kind: 'API', metadata: { name: 'payments-rest' }, spec: { type: 'openapi', lifecycle: 'production', owner: 'payments', definition: 'openapi: 3.0.0' } },
];

async function seed(database: TestDatabase) {
  const records: CatalogRecord[] = [];
  for (const raw of catalog) {
    const v = await validateEntity({ apiVersion: 'backstage.io/v1alpha1', ...raw });
    if (!v.ok) throw new Error(v.message);
    records.push({ ref: refOf(v.entity), entity: v.entity, relations: relationsOf(v.entity), filePath: `catalog/${raw.metadata.name}.yaml`, contentHash: raw.metadata.name });
  }
  // People count only from org sources (issue 13): this folder is the organisation's.
  await markOrgSource(database.db, 'local');
  await applySnapshot(database.db, { sourceId: 'local', records, now: new Date() });
  await database.db.insert(syncProblems).values({ sourceId: 'local', filePath: 'catalog/broken.yaml', line: 7, ownerRef: 'group:default/payments', message: 'spec.owner is required' });
}

// Owner-like answers are constructed here: the owner command is another branch's, and nothing fake
// is registered in the core registry. Everything else goes to the real core runLine.
const ownerAnswer: Reply = {
  summary: 'payments-api is owned by Payments',
  header: 'payments-api',
  sections: [
    {
      fields: [
        { label: 'Owner', value: [{ type: 'entity', ref: 'group:default/payments', text: 'Payments' }] },
        { label: 'People', value: [{ type: 'user', ref: 'user:default/ada', name: 'Ada' }, ', ', { type: 'user', ref: 'user:default/bob', name: 'Bob' }] },
        { label: 'Channel', value: [{ type: 'channel', name: 'payments', slackId: 'C0PAY' }] },
      ],
    },
  ],
};
const didYouMean: Reply = {
  summary: 'No entity called paymnts. Did you mean:',
  sections: [{ text: ['No entity called paymnts. Did you mean:'], list: [{ text: ['payments-api'], button: { label: 'payments-api', action: { type: 'command', command: 'owner payments-api' } } }] }],
  isError: true,
};

describe('Slack adapter over HTTP', () => {
  let database: TestDatabase;
  let bed: Testbed;
  const seen: Array<{ line: string; ctx: CommandContext }> = [];
  const scripted: Record<string, Reply> = { 'owner payments-api': ownerAnswer, 'owner paymnts': didYouMean };

  beforeAll(async () => {
    database = await createTestDatabase();
    await seed(database);
    bed = await startTestbed(database.db, {
      runLine: async (line, ctx) => {
        seen.push({ line, ctx });
        if (line === 'explode') throw new Error('database said no; token xoxb-test-token');
        return scripted[line] ?? runLine(line, ctx);
      },
      actions: {
        reviewed: async (value, ctx) => ({ summary: `${value.ref} confirmed`, sections: [{ text: [`${value.ref} confirmed by ${ctx.requester.userRef}`] }] }),
      },
    });
    bed.fake.addUser({ id: 'U0ADA', email: 'ada@example.com', name: 'Ada' });
    bed.fake.addUser({ id: 'U0BOB', email: 'bob@example.com', name: 'Bob' });
    bed.fake.addUser({ id: 'U0CAROL', email: 'carol@example.com', name: 'Carol' });
  });
  afterAll(async () => {
    await bed?.close();
    await database?.close();
  });

  it('answers /catalog help inline with ephemeral Block Kit and a Share in channel button', async () => {
    const res = await bed.slash('/catalog', 'help');
    expect(res.status).toBe(200);
    expect(res.json.response_type).toBe('ephemeral');
    expect(res.json.text).toBe('Callsheet commands');
    expect(res.json.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Callsheet commands' } });
    const share = res.json.blocks.at(-1).elements.at(-1);
    expect(share).toMatchObject({ action_id: ACTION.share, value: 'help' });
  });

  it('answers an unknown command with help and no share button', async () => {
    const res = await bed.slash('/catalog', 'frobnicate now');
    expect(res.status).toBe(200);
    expect(res.json.text).toBe('Unknown command "frobnicate".');
    expect(res.json.blocks[1].text.text).toBe('Unknown command "frobnicate". Here is what I understand:');
    expect(JSON.stringify(res.json.blocks)).not.toContain(ACTION.share);
  });

  it('runs /owner <name> as `owner <name>` and renders owners as mentions (annotation, then email with a cached look-up)', async () => {
    const first = await bed.slash('/owner', 'payments-api');
    expect(seen.at(-1)!.line).toBe('owner payments-api');
    const fields = first.json.blocks[1].fields.map((f: any) => f.text);
    expect(fields).toEqual(['*Owner*\nPayments', '*People*\n<@U0ADA>, <@U0BOB>', '*Channel*\n<#C0PAY>']);
    expect(bed.fake.attempts('users.lookupByEmail').map((c) => c.args.email)).toEqual(['bob@example.com']);

    const second = await bed.slash('/owner', 'payments-api', { user: 'U0BOB' });
    expect(second.json.blocks[1].fields[1].text).toBe('*People*\n<@U0ADA>, <@U0BOB>');
    expect(bed.fake.attempts('users.lookupByEmail')).toHaveLength(1);
    const [cached] = await database.db.select().from(chatEmailLookups).where(eq(chatEmailLookups.email, 'bob@example.com'));
    expect(cached).toMatchObject({ platform: 'slack', email: 'bob@example.com', externalId: 'U0BOB' });
  });

  it('maps the requesting Slack user to a catalog User by annotation or by the email from users.info', async () => {
    await bed.slash('/catalog', 'help', { user: 'U0ADA' });
    expect(seen.at(-1)!.ctx.requester).toMatchObject({ platform: 'slack', externalId: 'U0ADA', userRef: 'user:default/ada' });
    await bed.slash('/catalog', 'help', { user: 'U0CAROL' });
    expect(seen.at(-1)!.ctx.requester).toMatchObject({ externalId: 'U0CAROL', email: 'carol@example.com', userRef: 'user:default/carol' });
    const infoCalls = bed.fake.attempts('users.info').length;
    await bed.slash('/catalog', 'help', { user: 'U0CAROL' });
    expect(seen.at(-1)!.ctx.requester.userRef).toBe('user:default/carol');
    expect(bed.fake.attempts('users.info')).toHaveLength(infoCalls);
  });

  it('turns a typo into buttons, and a click replaces the answer with the chosen one', async () => {
    const res = await bed.slash('/owner', 'paymnts');
    const pick = res.json.blocks.find((b: any) => b.accessory)?.accessory;
    expect(pick).toMatchObject({ type: 'button', value: 'owner payments-api' });
    const click = await bed.click(buttonClick({ actionId: pick.action_id, value: pick.value, responseUrl: bed.fake.responseUrl('pick-1') }));
    expect(click.status).toBe(200);
    await vi.waitFor(() => expect(bed.fake.accepted('response_url').filter((c) => c.hook === 'pick-1')).toHaveLength(1));
    const [answer] = bed.fake.accepted('response_url').filter((c) => c.hook === 'pick-1');
    expect(answer.args).toMatchObject({ replace_original: true, response_type: 'ephemeral', text: 'payments-api is owned by Payments' });
    expect(answer.args.blocks[0].text.text).toBe('payments-api');
    await vi.waitFor(async () => {
      const audit = await database.db.select().from(auditLog);
      expect(audit).toContainEqual(expect.objectContaining({ platform: 'slack', actor: 'U0ADA', actorRef: 'user:default/ada', action: 'run', target: 'owner', text: 'owner payments-api', channel: 'C0GENERAL', outcome: 'ok' }));
    });
  });

  it('shares an answer in the channel, posting it once even after a 429 with Retry-After', async () => {
    const limitedBefore = (await metrics.chatRateLimited.get()).values.find((v) => v.labels.platform === 'slack')?.value ?? 0;
    bed.fake.failNext('response_url', { status: 429, retryAfter: 1 });
    const click = await bed.click(buttonClick({ actionId: ACTION.share, value: 'owner payments-api', responseUrl: bed.fake.responseUrl('share-1') }));
    expect(click.status).toBe(200);
    await vi.waitFor(() => expect(bed.fake.accepted('response_url').filter((c) => c.hook === 'share-1')).toHaveLength(1), { timeout: 5000 });
    const attempts = bed.fake.attempts('response_url').filter((c) => c.hook === 'share-1');
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    const posted = attempts[1].args;
    expect(posted).toMatchObject({ response_type: 'in_channel', replace_original: false, text: 'payments-api is owned by Payments' });
    expect(JSON.stringify(posted.blocks)).not.toContain(ACTION.share);
    expect(JSON.stringify(posted.blocks)).toContain('<@U0BOB>');
    const limitedAfter = (await metrics.chatRateLimited.get()).values.find((v) => v.labels.platform === 'slack')?.value ?? 0;
    expect(limitedAfter).toBe(limitedBefore + 1);
    await vi.waitFor(async () => {
      const audit = await database.db.select().from(auditLog);
      expect(audit).toContainEqual(expect.objectContaining({ action: 'share', target: 'owner', text: 'owner payments-api', actor: 'U0ADA' }));
    });
  });

  it('publishes App Home with the user teams, what they own and their problems, and ignores a retried event', async () => {
    bed.fake.failNext('views.publish', { status: 429, retryAfter: 1 });
    const res = await bed.event({ type: 'app_home_opened', user: 'U0ADA', channel: 'D0ADA', tab: 'home', event_ts: '1700000000.1' }, 'Ev0HOME1');
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(bed.fake.accepted('views.publish')).toHaveLength(1), { timeout: 5000 });
    expect(bed.fake.attempts('views.publish').map((c) => c.status)).toEqual([429, 200]);
    const view = bed.fake.accepted('views.publish')[0].args;
    expect(view.user_id).toBe('U0ADA');
    const text = JSON.stringify(view.view.blocks);
    expect(text).toContain('Payments (payments)');
    expect(text).toContain('1 api · 2 components');
    expect(text).toContain('ledger');
    expect(text).toContain('1 problem in this team');
    expect(text).toContain('catalog/broken.yaml:7');
    expect(text).toContain('"value":"team payments"');

    const retry = await bed.event({ type: 'app_home_opened', user: 'U0ADA', channel: 'D0ADA', tab: 'home', event_ts: '1700000000.1' }, 'Ev0HOME1', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect(retry.status).toBe(200);
    await bed.event({ type: 'app_home_opened', user: 'U0BOB', channel: 'D0BOB', tab: 'home', event_ts: '1700000000.2' }, 'Ev0HOME2');
    await vi.waitFor(() => expect(bed.fake.accepted('views.publish').filter((c) => c.args.user_id === 'U0BOB')).toHaveLength(1));
    expect(bed.fake.accepted('views.publish').filter((c) => c.args.user_id === 'U0ADA')).toHaveLength(1);
  });

  it('opens a command button from App Home as a modal', async () => {
    const click = await bed.click(buttonClick({ actionId: `${ACTION.run}:0`, value: 'help', container: { type: 'view', view_id: 'V0HOME' }, view: { id: 'V0HOME', type: 'home', hash: 'h1', blocks: [] } }));
    expect(click.status).toBe(200);
    await vi.waitFor(() => expect(bed.fake.accepted('views.open')).toHaveLength(1));
    const opened = bed.fake.accepted('views.open')[0].args;
    expect(opened.trigger_id).toBe('1111.2222.abcd');
    expect(opened.view.type).toBe('modal');
    expect(opened.view.blocks[0].text.text).toBe('Callsheet commands');
  });

  it('replaces the modal when a command button inside it is clicked', async () => {
    const click = await bed.click(buttonClick({ actionId: `${ACTION.run}:3`, value: 'help help', container: { type: 'view', view_id: 'V0MODAL' }, view: { id: 'V0MODAL', type: 'modal', hash: 'h2', blocks: [] } }));
    expect(click.status).toBe(200);
    await vi.waitFor(() => expect(bed.fake.accepted('views.update')).toHaveLength(1));
    const updated = bed.fake.accepted('views.update')[0].args;
    expect(updated).toMatchObject({ view_id: 'V0MODAL', hash: 'h2' });
    expect(updated.view.blocks[0].text.text).toBe('Help: help');
  });

  it("hands a feature's own button to its handler, replaces the message with its answer and audits it", async () => {
    const value = JSON.stringify({ ref: 'component:default/ledger' });
    const click = await bed.click(buttonClick({ actionId: `${ACTION.feature}:reviewed:0`, value, responseUrl: bed.fake.responseUrl('nudge-1'), container: { type: 'message', message_ts: '1.2', channel_id: 'C0PAY', is_ephemeral: false } }));
    expect(click.status).toBe(200);
    await vi.waitFor(() => expect(bed.fake.accepted('response_url').filter((c) => c.hook === 'nudge-1')).toHaveLength(1));
    const [posted] = bed.fake.accepted('response_url').filter((c) => c.hook === 'nudge-1');
    expect(posted.args).toMatchObject({ replace_original: true, text: 'component:default/ledger confirmed' });
    expect(posted.args.blocks[0].text.text).toBe('component:default/ledger confirmed by user:default/ada');
    const audit = await database.db.select().from(auditLog);
    expect(audit).toContainEqual(expect.objectContaining({ action: 'reviewed', target: 'component:default/ledger', actorRef: 'user:default/ada' }));
  });

  it('refuses bad or missing signatures and stale timestamps with 401, doing nothing', async () => {
    const body = new URLSearchParams({ command: '/catalog', text: 'help', user_id: 'U0ADA', team_id: 'T0001', response_url: bed.fake.responseUrl('x') }).toString();
    const before = { lines: seen.length, calls: bed.fake.calls.length };
    const now = Math.floor(Date.now() / 1000);
    const cases: Record<string, string>[] = [
      { ...signSlack('wrong-secret', body) },
      { ...signSlack(SECRET, `${body}&text=other`) },
      { ...signSlack(SECRET, body, now - 301) },
      { 'x-slack-request-timestamp': String(now) },
      {},
    ];
    for (const headers of cases) {
      const res = await bed.post(body, 'application/x-www-form-urlencoded', headers);
      expect(res.status).toBe(401);
      expect(res.text).not.toContain('help');
    }
    expect(seen.length).toBe(before.lines);
    expect(bed.fake.calls.length).toBe(before.calls);
  });

  it('answers the URL verification challenge only when signed', async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 'x' });
    expect((await bed.post(body, 'application/json')).json).toEqual({ challenge: 'c-123' });
    expect((await bed.post(body, 'application/json', {})).status).toBe(401);
  });

  it('answers an internal error with a short apology and a reference that is in the log, never a stack or a token', async () => {
    const res = await bed.slash('/catalog', 'explode');
    expect(res.status).toBe(200);
    expect(res.json.response_type).toBe('ephemeral');
    const reference = /Reference: ([0-9a-f]{8})/.exec(res.json.text)?.[1];
    expect(reference).toBeDefined();
    expect(res.text).not.toContain('xoxb');
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
    expect(JSON.stringify(res.json.blocks)).not.toContain(ACTION.share);
    const logged = bed.logs.find((l) => l.reference === reference);
    expect(logged).toMatchObject({ level: 50, command: 'unknown' });
    expect(logged!.err.message).toContain('database said no');
  });
});

describe('Slack adapter with a slow answer', () => {
  let database: TestDatabase;
  let bed: Testbed;
  beforeAll(async () => {
    database = await createTestDatabase();
    // A zero budget: every answer is acknowledged first and delivered through response_url.
    bed = await startTestbed(database.db, { runLine, ackBudgetMs: 0 });
  });
  afterAll(async () => {
    await bed?.close();
    await database?.close();
  });

  it('acknowledges at once with an empty 200 and delivers the answer once through response_url', async () => {
    const res = await bed.slash('/catalog', 'help', { hook: 'slow-1' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    await vi.waitFor(() => expect(bed.fake.accepted('response_url')).toHaveLength(1));
    const [delivered] = bed.fake.accepted('response_url');
    expect(delivered.hook).toBe('slow-1');
    expect(delivered.args).toMatchObject({ response_type: 'ephemeral', text: 'Callsheet commands' });
  });
});
