/**
 * On-call now and the Page button in Slack, against the whole service (`startService`), the demo
 * catalog, and local fakes of Slack, PagerDuty and Opsgenie.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningService } from '../../src/cli/serve.js';
import { auditLog } from '../../src/db/schema.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { startDemoService, type DemoService } from '../helpers/demo-service.js';
import { PAYMENTS_KEY, startOnCallFakes, type OnCallBed } from '../helpers/oncall-bed.js';
import { signSlack } from '../helpers/slack-sign.js';
import { buttonClick } from '../helpers/slack-testbed.js';

const SECRET = 'e2e-signing-secret';
const TOKEN = 'xoxb-e2e-token';

describe.sequential('on-call in Slack against the whole service', () => {
  let fake: FakeSlack;
  let oncall: OnCallBed;
  let service: RunningService;
  let bed: DemoService | undefined;
  let hooks = 0;

  async function post(body: string) {
    const response = await fetch(`http://127.0.0.1:${service.port}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlack(SECRET, body) }, body });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  }
  const slash = (command: string, text: string, user = 'U01ALICE01') =>
    post(new URLSearchParams({ token: 'legacy', team_id: 'T0001', channel_id: 'C0GENERAL', user_id: user, user_name: 'someone', command, text, response_url: fake.responseUrl(`cmd-${++hooks}`), trigger_id: `t-${hooks}` }).toString());
  const click = (payload: Record<string, unknown>) => post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
  const delivered = (hook: string) => fake.accepted('response_url').filter((c) => c.hook === hook);
  const pageButtonOf = (blocks: any[]) => blocks.flatMap((b: any) => b.elements ?? []).find((e: any) => String(e.action_id).startsWith('callsheet.action:oncall.page:'));

  beforeAll(async () => {
    fake = await startFakeSlack({ token: TOKEN });
    fake.addUser({ id: 'U01ALICE01', email: 'alice.nguyen@acmepay.example', name: 'Alice Nguyen' });
    fake.addUser({ id: 'U09GUEST01', email: 'guest@elsewhere.example', name: 'Guest' });
    oncall = await startOnCallFakes(Date.now());
    bed = await startDemoService('oncall-e2e', {
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_API_URL: fake.apiUrl,
      PAGERDUTY_TOKEN: 'pd-test-token',
      PAGERDUTY_API_URL: oncall.pd.url,
      PAGERDUTY_EVENTS_URL: oncall.pd.url,
      OPSGENIE_API_KEY: 'og-test-key',
      OPSGENIE_API_URL: oncall.og.url,
      PAGE_ALLOWED_GROUPS: 'payments',
    });
    service = bed.service;
  }, 60_000);

  afterAll(async () => {
    await bed?.close();
    await fake?.close();
    await oncall?.close();
  });

  it('answers /catalog oncall payments-api with who is on call now and next, as Slack mentions', async () => {
    const res = await slash('/catalog', 'oncall payments-api');
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.json.blocks);
    expect(text).toContain('On call now: Payments API (PagerDuty)');
    expect(text).toMatch(/\*Now\*\\n<@U01ALICE01> \(until \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
    expect(text).toMatch(/\*Next\*\\n<@U01BRUNO01> \(from /);
    expect(res.json.text).toMatch(/^On call now for Payments API: Alice Nguyen/);
  });

  it('shows the live on-call in /owner with a Page button that asks in a confirm dialog', async () => {
    const res = await slash('/owner', 'payments-api');
    expect(JSON.stringify(res.json.blocks)).toContain('On call now: Payments API (PagerDuty)');
    const button = pageButtonOf(res.json.blocks);
    expect(button).toMatchObject({ style: 'danger', value: JSON.stringify({ ref: 'component:default/payments-api' }), confirm: { title: { text: 'Page on-call?' }, confirm: { text: 'Page' }, deny: { text: 'Cancel' }, style: 'danger' } });
    expect(JSON.stringify(res.json)).not.toContain(PAYMENTS_KEY);
  });

  it('refuses a page from someone outside PAGE_ALLOWED_GROUPS, privately', async () => {
    const res = await slash('/owner', 'payments-api', 'U09GUEST01');
    const button = pageButtonOf(res.json.blocks);
    await click(buttonClick({ actionId: button.action_id, value: button.value, user: 'U09GUEST01', responseUrl: fake.responseUrl('page-guest') }));
    await vi.waitFor(() => expect(delivered('page-guest')).toHaveLength(1), { timeout: 5000 });
    expect(delivered('page-guest')[0]!.args).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(delivered('page-guest')[0]!.args.text).toMatch(/You may not page on-call for Payments API/);
    expect(oncall.pd.events).toHaveLength(0);
  });

  it('pages through Events API v2 after the confirm dialog and posts who paged in the channel', async () => {
    const res = await slash('/owner', 'payments-api');
    const button = pageButtonOf(res.json.blocks);
    await click(buttonClick({ actionId: button.action_id, value: button.value, user: 'U01ALICE01', responseUrl: fake.responseUrl('page-alice') }));
    await vi.waitFor(() => expect(delivered('page-alice')).toHaveLength(1), { timeout: 5000 });
    const posted = delivered('page-alice')[0]!.args;
    expect(posted).toMatchObject({ response_type: 'in_channel', replace_original: false, text: 'Alice Nguyen paged on-call for Payments API.' });
    expect(JSON.stringify(posted.blocks)).toContain('<@U01ALICE01> paged on-call for');
    expect(oncall.pd.events).toHaveLength(1);
    expect(oncall.pd.events[0]).toMatchObject({ routing_key: PAYMENTS_KEY, event_action: 'trigger', payload: { source: 'component:default/payments-api' } });
    const rows = await service.runtime.database.db.select().from(auditLog).where(eq(auditLog.action, 'page'));
    expect(rows.map((r) => [r.actor, r.outcome])).toEqual(expect.arrayContaining([['U09GUEST01', 'refused'], ['U01ALICE01', 'ok']]));
  });
});
