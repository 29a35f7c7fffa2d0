/**
 * The whole service (`startService`) answering Slack with the real commands: the demo catalog
 * synced from the repository's `catalog/` folder, Slack's Web API and response_url played by the
 * fake. Nothing here constructs a reply: every answer is the core command's own.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACTION } from '../../adapters/slack/render-reply.js';
import type { RunningService } from '../../src/cli/serve.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { startDemoService, type DemoService } from '../helpers/demo-service.js';
import { signSlack } from '../helpers/slack-sign.js';
import { buttonClick } from '../helpers/slack-testbed.js';

const SECRET = 'e2e-signing-secret';
const TOKEN = 'xoxb-e2e-token';

describe.sequential('Slack against the whole service and the demo catalog', () => {
  let fake: FakeSlack;
  let service: RunningService;
  let bed: DemoService | undefined;
  let hooks = 0;

  async function post(body: string) {
    const response = await fetch(`http://127.0.0.1:${service.port}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlack(SECRET, body) },
      body,
    });
    const text = await response.text();
    return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
  }

  function slash(command: string, text: string, user = 'U09GUEST01') {
    const hook = `cmd-${++hooks}`;
    const body = new URLSearchParams({
      token: 'legacy',
      team_id: 'T0001',
      team_domain: 'acme',
      channel_id: 'C0GENERAL',
      channel_name: 'general',
      user_id: user,
      user_name: 'someone',
      command,
      text,
      api_app_id: 'A0001',
      response_url: fake.responseUrl(hook),
      trigger_id: `trigger-${hooks}`,
    }).toString();
    return post(body);
  }

  const click = (payload: Record<string, unknown>) => post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
  const delivered = (hook: string) => fake.accepted('response_url').filter((c) => c.hook === hook);

  beforeAll(async () => {
    fake = await startFakeSlack({ token: TOKEN });
    // Slack knows every demo person; the catalog annotates most of them, the rest map by email.
    fake.addUser({ id: 'U01ALICE01', email: 'alice.nguyen@acmepay.example', name: 'Alice Nguyen' });
    fake.addUser({ id: 'U07ELISCH1', email: 'eli.schwartz@acmepay.example', name: 'Eli Schwartz' });
    fake.addUser({ id: 'U07KOFIME1', email: 'kofi.mensah@acmepay.example', name: 'Kofi Mensah' });
    bed = await startDemoService('slack-e2e', {
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_API_URL: fake.apiUrl,
    });
    service = bed.service;
  }, 60_000);

  afterAll(async () => {
    await bed?.close();
    await fake?.close();
  });

  const blockText = (blocks: any[]) => JSON.stringify(blocks);

  it('answers /owner payments-api inline with the Payments team, member mentions and the team channel', async () => {
    const res = await slash('/owner', 'payments-api');
    expect(res.status).toBe(200);
    expect(res.json.response_type).toBe('ephemeral');
    expect(res.json.text).toMatch(/^payments-api is owned by Payments/);
    expect(res.json.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Payments API (Component)' } });
    const fields = res.json.blocks.flatMap((b: any) => (b.fields ?? []).map((f: any) => f.text));
    expect(fields).toContain('*Team*\nPayments');
    expect(fields).toContain('*Channel*\n<#C04PAYMNTS1>');
    const text = blockText(res.json.blocks);
    for (const member of ['U01ALICE01', 'U01BRUNO01', 'U01CHENW01']) expect(text).toContain(`<@${member}>`);
    expect(res.json.blocks.at(-1).elements.at(-1)).toMatchObject({ action_id: ACTION.share, value: 'owner payments-api' });
  });

  it('mentions a member without a Slack annotation through users.lookupByEmail, asked once', async () => {
    const res = await slash('/owner', 'ledger-service');
    expect(res.json.text).toMatch(/^ledger-service is owned by Ledger/);
    expect(blockText(res.json.blocks)).toContain('<#C05LEDGER01>');
    expect(blockText(res.json.blocks)).toContain('<@U07ELISCH1>');
    expect(fake.accepted('users.lookupByEmail').map((c) => c.args.email)).toEqual(['eli.schwartz@acmepay.example']);
    const again = await slash('/owner', 'ledger-service', 'U01ALICE01');
    expect(blockText(again.json.blocks)).toContain('<@U07ELISCH1>');
    expect(fake.attempts('users.lookupByEmail')).toHaveLength(1);
  });

  it('turns a typo into did-you-mean buttons; a click replaces the answer with the chosen entity', async () => {
    const res = await slash('/owner', 'paymnts-api');
    expect(res.status).toBe(200);
    expect(res.json.text).toContain('Did you mean');
    const buttons = res.json.blocks.flatMap((b: any) => (b.accessory?.type === 'button' ? [b.accessory] : []));
    const pick = buttons.find((b: any) => b.value === 'owner component:default/payments-api');
    expect(pick?.action_id).toMatch(new RegExp(`^${ACTION.run.replace('.', '\\.')}:`));
    expect(blockText(res.json.blocks)).not.toContain(ACTION.share);

    const hook = 'pick-payments-api';
    const clicked = await click(buttonClick({ actionId: pick.action_id, value: pick.value, user: 'U01ALICE01', responseUrl: fake.responseUrl(hook) }));
    expect(clicked.status).toBe(200);
    await vi.waitFor(() => expect(delivered(hook)).toHaveLength(1), { timeout: 5000 });
    const [answer] = delivered(hook);
    expect(answer.args).toMatchObject({ replace_original: true, response_type: 'ephemeral' });
    expect(answer.args.text).toMatch(/^payments-api is owned by Payments/);
    expect(answer.args.blocks[0].text.text).toBe('Payments API (Component)');
    expect(blockText(answer.args.blocks)).toContain('<#C04PAYMNTS1>');
  });

  it('answers /catalog team with the teams of the requester, found by the email users.info gives', async () => {
    const res = await slash('/catalog', 'team', 'U07KOFIME1');
    expect(fake.accepted('users.info').map((c) => c.args.user)).toContain('U07KOFIME1');
    expect(res.json.text).toMatch(/^Growth: 2 members/);
    expect(res.json.blocks[0].text.text).toBe('Team Growth');
    const text = blockText(res.json.blocks);
    expect(text).toContain('<#C06GROWTH01>');
    expect(text).toContain('<@U01JULIA01>');
    expect(text).toContain('<@U07KOFIME1>');
    expect(text).toContain('checkout-web');
  });

  it('shares an answer in the channel as a visible post', async () => {
    const hook = 'share-payments-api';
    const clicked = await click(buttonClick({ actionId: ACTION.share, value: 'owner payments-api', user: 'U01ALICE01', responseUrl: fake.responseUrl(hook) }));
    expect(clicked.status).toBe(200);
    await vi.waitFor(() => expect(delivered(hook)).toHaveLength(1), { timeout: 5000 });
    const [posted] = delivered(hook);
    expect(posted.args).toMatchObject({ response_type: 'in_channel', replace_original: false });
    expect(posted.args.text).toMatch(/^payments-api is owned by Payments/);
    const text = blockText(posted.args.blocks);
    expect(text).toContain('<@U01ALICE01>');
    expect(text).toContain('<#C04PAYMNTS1>');
    expect(text).not.toContain(ACTION.share);
  });
});
