/**
 * On-call now over local fakes of PagerDuty and Opsgenie speaking their wire formats: who is on call,
 * until when and who is next, as catalog mentions; the short cache; rate limits; Page with trust and
 * the audit log.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLine } from '../../src/commands/run.js';
import { pageHandler } from '../../src/commands/page.js';
import type { CommandContext } from '../../src/commands/types.js';
import { auditLog } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { plain, type Reply } from '../../src/reply/reply.js';
import { commandContext } from '../helpers/command-context.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { FRAUD_KEY, NOW, PAYMENTS_KEY, startOnCallBed, type OnCallBed } from '../helpers/oncall-bed.js';

const alice = { platform: 'slack' as const, externalId: 'U01ALICE01', userRef: 'user:default/alice-nguyen' };
const julia = { platform: 'slack' as const, externalId: 'U01JULIA01', userRef: 'user:default/julia-martins' };

function field(reply: Reply, title: string, label: string) {
  const section = reply.sections.find((s) => s.title === title);
  return section?.fields?.find((f) => f.label === label)?.value;
}

describe('on-call now', () => {
  let database: TestDatabase;
  let bed: OnCallBed;
  let ctx: CommandContext;

  beforeAll(async () => {
    database = await createTestDatabase();
    bed = await startOnCallBed(database.db);
    ctx = { ...commandContext(database.db, { now: NOW, requester: alice }), oncall: bed.service(), pageAllowedGroups: ['payments'] };
  });
  afterAll(async () => {
    await bed?.close();
    await database?.close();
  });

  it('names who is on call now for a PagerDuty service id, until when, and who is next, as catalog mentions', async () => {
    const reply = await runLine('oncall payments-api', ctx);
    expect(reply.isError).toBeUndefined();
    const now = field(reply, 'On call now: Payments API (PagerDuty)', 'Now')!;
    expect(now[0]).toMatchObject({ type: 'user', ref: 'user:default/alice-nguyen', slackId: 'U01ALICE01' });
    expect(plain(now)).toContain('until 2026-12-08 09:00 UTC');
    const next = field(reply, 'On call now: Payments API (PagerDuty)', 'Next')!;
    expect(next[0]).toMatchObject({ type: 'user', ref: 'user:default/bruno-costa' });
    expect(plain(next)).toContain('from 2026-12-08 09:00 UTC');
    // The second escalation level is not who is on call.
    expect(JSON.stringify(reply)).not.toContain('chen');
    expect(reply.summary).toContain('Alice Nguyen');
    const call = bed.pd.calls.find((c) => c.path === '/oncalls')!;
    expect(call.headers.authorization).toBe('Token token=pd-test-token');
    expect(call.headers.accept).toBe('application/vnd.pagerduty+json;version=2');
    expect(call.query.getAll('escalation_policy_ids[]')).toEqual(['PPAY']);
    expect(call.query.getAll('include[]')).toEqual(['users']);
    expect(call.query.get('since')).toBe('2026-12-03T12:00:00.000Z');
  });

  it('answers the same question from its short cache', async () => {
    const before = bed.pd.calls.length;
    await runLine('oncall payments-api', ctx);
    expect(bed.pd.calls.length).toBe(before);
  });

  it('finds the service of an integration key across pages of services, never showing the key', async () => {
    const reply = await runLine('oncall risk-gate', ctx);
    expect(plain(field(reply, 'On call now: Fraud check (PagerDuty)', 'Now'))).toContain('Dana Okafor');
    const pages = bed.pd.calls.filter((c) => c.path === '/services');
    expect(pages.map((c) => c.query.get('offset'))).toEqual(['0', '100']);
    expect(pages[0]!.query.getAll('include[]')).toEqual(['integrations']);
    expect(JSON.stringify(reply)).not.toContain(FRAUD_KEY);
  });

  it('falls back to name and e-mail for someone who is not in the catalog', async () => {
    const reply = await runLine('oncall ledger-service', ctx);
    const now = field(reply, 'On call now: Ledger (PagerDuty)', 'Now')!;
    expect(now[0]).toEqual({ type: 'user', ref: 'email:zed@contractor.example', name: 'Zed Outsider', email: 'zed@contractor.example' });
  });

  it('asks Opsgenie for a team annotation with GenieKey: on-calls now, the timeline for until and next', async () => {
    const reply = await runLine('oncall notify', ctx);
    const title = 'On call now: Payments Ops primary (Opsgenie)';
    expect(field(reply, title, 'Now')![0]).toMatchObject({ type: 'user', ref: 'user:default/julia-martins' });
    expect(plain(field(reply, title, 'Now'))).toContain('until 2026-12-04 00:00 UTC');
    expect(field(reply, title, 'Next')![0]).toMatchObject({ type: 'user', ref: 'user:default/hana-sato' });
    // The disabled schedule of the same team is not asked.
    expect(bed.og.calls.some((c) => c.path.includes('s-off'))).toBe(false);
    expect(bed.og.calls.every((c) => c.headers.authorization === 'GenieKey og-test-key')).toBe(true);
  });

  it('follows a component selector to its Opsgenie service and that service’s team', async () => {
    const reply = await runLine('oncall search-indexer', ctx);
    expect(field(reply, 'On call now: Payments Ops primary (Opsgenie)', 'Now')![0]).toMatchObject({ ref: 'user:default/julia-martins' });
    expect(bed.og.calls.find((c) => c.path === '/v1/services')!.query.get('query')).toBe('tag:"service:search"');
    expect(bed.og.calls.some((c) => c.path === '/v2/teams/t-pay' && c.query.get('identifierType') === 'id')).toBe(true);
  });

  it('answers for a team from the services of what it owns', async () => {
    const reply = await runLine('oncall group:default/ledger', ctx);
    expect(reply.header).toBe('On call: Ledger (Group)');
    expect(reply.sections.map((s) => s.title)).toContain('On call now: Ledger (PagerDuty)');
  });

  it('waits out a 429 with PagerDuty’s ratelimit-reset, then answers', async () => {
    const fresh = { ...ctx, oncall: bed.service() };
    bed.pd.failNext('/services/PL9D0R2', { status: 429, seconds: 1 });
    const reply = await runLine('oncall ledger-service', fresh);
    expect(reply.isError).toBeUndefined();
    expect(bed.pd.calls.filter((c) => c.path === '/services/PL9D0R2').map((c) => c.status).slice(-2)).toEqual([429, 200]);
  });

  it('does not wait minutes for Opsgenie: says it is rate limited and stops asking until the window ends', async () => {
    const fresh = { ...ctx, oncall: bed.service() };
    bed.og.failNext('/v2/schedules', { status: 429, seconds: 120 });
    const reply = await runLine('oncall notify', fresh);
    expect(reply.isError).toBe(true);
    expect(plain(reply.sections[0]!.text)).toMatch(/Opsgenie is rate limiting us; try again in 120 s/);
    const asked = bed.og.calls.length;
    await runLine('oncall search-indexer', fresh);
    expect(bed.og.calls.length).toBe(asked);
  });

  it('shows the live answer and a Page button with a confirmation in owner', async () => {
    const reply = await runLine('owner payments-api', ctx);
    expect(reply.sections.some((s) => s.title === 'On call now: Payments API (PagerDuty)')).toBe(true);
    const page = reply.buttons!.find((b) => b.label === 'Page on-call')!;
    expect(page).toMatchObject({ style: 'danger', action: { type: 'action', id: 'oncall.page', value: { ref: 'component:default/payments-api' } }, confirm: { confirm: 'Page', deny: 'Cancel' } });
    expect(JSON.stringify(reply)).not.toContain(PAYMENTS_KEY);
  });

  it('offers no Page button when PAGE_ALLOWED_GROUPS is empty, and says so for page', async () => {
    const off = { ...ctx, pageAllowedGroups: [] };
    expect((await runLine('owner payments-api', off)).buttons!.some((b) => b.label === 'Page on-call')).toBe(false);
    const reply = await runLine('page payments-api', off);
    expect(reply.refused).toBe(true);
  });

  it('refuses to page for someone outside the allowed groups, and records the refusal', async () => {
    const page = pageHandler({ db: database.db, clock: ctx.clock, logger: silentLogger(), oncall: ctx.oncall!, allowedGroups: ['payments'] });
    const reply = await page({ ref: 'component:default/payments-api' }, julia, { channel: 'C1' });
    expect(reply.refused).toBe(true);
    expect(plain(reply.sections[0]!.text)).toContain('user:default/julia-martins is not a member of any of them');
    expect(bed.pd.events).toHaveLength(0);
    const [row] = await database.db.select().from(auditLog).where(eq(auditLog.actor, 'U01JULIA01'));
    expect(row).toMatchObject({ action: 'page', target: 'component:default/payments-api', outcome: 'refused', channel: 'C1' });
  });

  it('pages through Events API v2 with the integration key, says who paged, and audits it', async () => {
    const page = pageHandler({ db: database.db, clock: ctx.clock, logger: silentLogger(), oncall: ctx.oncall!, allowedGroups: ['payments'] });
    const reply = await page({ ref: 'component:default/payments-api' }, alice, { channel: 'C1' });
    expect(reply.isError).toBeUndefined();
    expect(reply.summary).toBe('Alice Nguyen paged on-call for Payments API.');
    expect(reply.sections[0]!.text![0]).toMatchObject({ type: 'user', ref: 'user:default/alice-nguyen' });
    expect(bed.pd.events).toHaveLength(1);
    expect(bed.pd.events[0]).toMatchObject({ routing_key: PAYMENTS_KEY, event_action: 'trigger', payload: { severity: 'critical', source: 'component:default/payments-api', custom_details: { paged_by: 'Alice Nguyen' } } });
    const [row] = await database.db.select().from(auditLog).where(eq(auditLog.actor, 'U01ALICE01'));
    expect(row).toMatchObject({ action: 'page', outcome: 'ok', platform: 'slack' });
    expect(JSON.stringify(row)).not.toContain(PAYMENTS_KEY);
    expect((row!.details as Record<string, string>).dedupKey).toBe(bed.pd.events[0]!.dedup_key);
  });

  it('waits out a 429 from the Events API and triggers once, with the same dedup key', async () => {
    const page = pageHandler({ db: database.db, clock: ctx.clock, logger: silentLogger(), oncall: bed.service(), allowedGroups: ['payments'] });
    bed.pd.failNext('/v2/enqueue', { status: 429, seconds: 1 });
    const before = bed.pd.events.length;
    const reply = await page({ ref: 'component:default/payments-api' }, alice);
    expect(reply.isError).toBeUndefined();
    expect(bed.pd.calls.filter((c) => c.path === '/v2/enqueue').map((c) => c.status).slice(-2)).toEqual([429, 202]);
    expect(bed.pd.events.length).toBe(before + 1);
  });

  it('says on-call look-ups are off without PAGERDUTY_TOKEN and OPSGENIE_API_KEY', async () => {
    const off = { ...ctx, oncall: bed.service({ PAGERDUTY_TOKEN: undefined, OPSGENIE_API_KEY: undefined }) };
    const reply = await runLine('oncall payments-api', off);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toContain('PAGERDUTY_TOKEN');
  });
});
