import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { openDatabase, query, type Database, type Db } from '../../src/db/client.js';
import { silentLogger } from '../../src/logger.js';
import { UNOWNED } from '../../src/nudges/evaluate.js';
import { createPacer } from '../../src/nudges/pacer.js';
import { RateLimitedError, type DigestSender } from '../../src/nudges/ports.js';
import { createNudgeRunner, type NudgeRunnerDeps } from '../../src/nudges/run.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { RecordingPlatform, recordingSender } from '../helpers/nudge-recording-sender.js';
import { seedNudgeCatalog, setCommittedDaysAgo } from '../helpers/nudge-seed.js';

const now = new Date('2026-06-01T09:00:00Z');
const TEAMS = ['group:default/payments', 'group:default/search', 'group:default/lonely', 'group:default/ghosts', 'group:default/nobody-team', UNOWNED].sort();

function runner(db: Db, senders: DigestSender[], extra: Partial<NudgeRunnerDeps> = {}) {
  return createNudgeRunner({
    db,
    clock: fixedClock(now),
    logger: silentLogger(),
    instanceId: 'test',
    senders,
    fallback: { platform: 'slack', target: 'C0FALLBACK' },
    staleAfterDays: 180,
    pacer: createPacer({ perTargetIntervalMs: 0, platformPerMinute: 1_000_000 }),
    ...extra,
  });
}

function expectOncePerTeam(platform: RecordingPlatform, runKeyPrefix: string): void {
  const posts = platform.posts.filter((p) => p.key.startsWith(runKeyPrefix));
  expect(posts.map((p) => p.teamRef).sort()).toEqual(TEAMS);
}

/** A promise that never settles: a replica frozen (as good as killed) at that point. */
const freeze = () => new Promise<void>(() => {});

describe('nudge runs', () => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    await seedNudgeCatalog(db, now);
    await setCommittedDaysAgo(db, 'payments-api', 300, now);
    await db.execute(sql`insert into chat_identities (platform, external_id, email, user_ref) values ('slack', 'U0BOB', 'bob@example.com', null)`);
  });
  afterAll(async () => database.close());

  const runIdOf = async (slot: string) => Number((await query<{ id: number }>(db, sql`select id from nudge_runs where slot = ${slot}`))[0].id);

  it('sends every team one digest to the right place, and a slot only once', async () => {
    const platform = new RecordingPlatform();
    const outcome = await runner(db, [recordingSender(platform)]).runSlot('full');
    expect(outcome).toMatchObject({ claimed: true, done: true, counts: { sent: 6 } });
    const byTeam = platform.byTeam();
    expect(byTeam.get('group:default/payments')!.map((p) => p.channel)).toEqual(['C0PAYMENTS']);
    expect(byTeam.get('group:default/search')!.map((p) => `${p.route.kind} ${p.channel}`)).toEqual(['dm U0BOB']);
    for (const t of ['group:default/lonely', 'group:default/ghosts', 'group:default/nobody-team', UNOWNED]) expect(byTeam.get(t)!.map((p) => `${p.route.kind} ${p.channel}`)).toEqual(['fallback C0FALLBACK']);

    const payments = byTeam.get('group:default/payments')![0].reply;
    expect(payments.header).toBe('Catalog digest: payments');
    const titles = payments.sections.filter((s) => s.title).map((s) => s.title);
    expect(titles).toEqual(['Deprecated but still used in production (1)', 'Not updated or confirmed for a long time (1)']);
    const buttons = payments.sections.flatMap((s) => s.buttons ?? []).map((b) => b.action);
    expect(buttons).toContainEqual({ type: 'action', id: 'nudge.review', value: { run: String(outcome.runId), team: 'group:default/payments', entity: 'component:default/payments-api' } });
    expect(buttons).toContainEqual({ type: 'action', id: 'nudge.snooze', value: { run: String(outcome.runId), team: 'group:default/payments', entity: 'api:default/payments-rest', rule: 'deprecated-in-use', days: '90' } });
    const search = byTeam.get('group:default/search')![0].reply;
    expect(search.sections.flatMap((s) => s.buttons ?? []).map((b) => b.action)).toContainEqual({
      type: 'action',
      id: 'nudge.fix',
      value: { run: String(outcome.runId), team: 'group:default/search', entity: 'component:default/search-web', rule: 'missing-description' },
    });

    const rows = await query<{ team_ref: string; status: string; messages: Array<{ channel: string; ts: string }> }>(db, sql`select team_ref, status, messages from nudge_deliveries where run_id = ${outcome.runId} order by team_ref`);
    expect(rows.map((r) => r.team_ref)).toEqual(TEAMS);
    expect(rows.every((r) => r.status === 'sent' && r.messages.length === 1)).toBe(true);
    const scores = await query<{ n: number | string }>(db, sql`select count(*) as n from team_scores where run_id = ${outcome.runId}`);
    expect(Number(scores[0].n)).toBe(6);

    const again = await runner(db, [recordingSender(platform)]).runSlot('full');
    expect(again.claimed).toBe(false);
    expect(platform.posts).toHaveLength(6);
  });

  it('sends nothing twice when two replicas race for one run', async () => {
    let second: Database | undefined;
    const db2 = database.url ? (second = await openDatabase({ url: database.url, poolSize: 3 })).db : db;
    try {
      const platform = new RecordingPlatform();
      const [a, b] = await Promise.all([runner(db, [recordingSender(platform)], { instanceId: 'a' }).runSlot('race'), runner(db2, [recordingSender(platform)], { instanceId: 'b' }).runSlot('race')]);
      expect([a.claimed, b.claimed].sort()).toEqual([false, true]);
      expectOncePerTeam(platform, `callsheet-nudge/${await runIdOf('race')}/`);
      expect(platform.posts).toHaveLength(6);
    } finally {
      await second?.close();
    }
  });

  for (const when of ['after', 'before'] as const) {
    it(`resumes a run whose replica died ${when} posting, and every team still gets exactly one digest`, async () => {
      const platform = new RecordingPlatform();
      let reached!: () => void;
      const frozen = new Promise<void>((resolve) => (reached = resolve));
      const hook = (n: number) => (n === 3 ? (reached(), freeze()) : undefined);
      const dying = runner(db, [recordingSender(platform, when === 'after' ? { afterPost: hook } : { beforePost: hook })], { instanceId: 'dying' });
      void dying.runSlot(`crash-${when}`);
      await frozen;
      dying.stop();
      expect(platform.posts).toHaveLength(when === 'after' ? 3 : 2);

      const rescuer = runner(db, [recordingSender(platform)], { instanceId: 'rescuer', heartbeatTimeoutMs: 0 });
      const [outcome] = await rescuer.resumeStale();
      expect(outcome).toMatchObject({ claimed: true, done: true });
      expectOncePerTeam(platform, `callsheet-nudge/${outcome.runId}/`);
      const rows = await query<{ status: string; messages: unknown[] }>(db, sql`select status, messages from nudge_deliveries where run_id = ${outcome.runId}`);
      expect(rows.every((r) => r.status === 'sent' && r.messages.length === 1)).toBe(true);
    });
  }

  it('never re-sends an interrupted digest when the platform cannot say whether it was posted', async () => {
    const platform = new RecordingPlatform();
    let reached!: () => void;
    const frozen = new Promise<void>((resolve) => (reached = resolve));
    const dying = runner(db, [recordingSender(platform, { canFind: false, afterPost: (n) => (n === 1 ? (reached(), freeze()) : undefined) })], { instanceId: 'dying' });
    void dying.runSlot('crash-blind');
    await frozen;
    dying.stop();
    const [outcome] = await runner(db, [recordingSender(platform, { canFind: false })], { instanceId: 'rescuer', heartbeatTimeoutMs: 0 }).resumeStale();
    expect(outcome).toMatchObject({ done: true, counts: { uncertain: 1, sent: 5 } });
    expectOncePerTeam(platform, `callsheet-nudge/${outcome.runId}/`);
    const [uncertain] = await query<{ error: string }>(db, sql`select error from nudge_deliveries where run_id = ${outcome.runId} and status = 'uncertain'`);
    expect(uncertain.error).toMatch(/not re-sent/);
  });

  it('waits out a 429 and still delivers every digest once, one per second per channel', async () => {
    let t = 0;
    const sleeps: number[] = [];
    const pacer = createPacer({ now: () => t, sleep: async (ms) => void (sleeps.push(ms), (t += ms)) });
    const platform = new RecordingPlatform({ now: () => t, perChannelMs: 1000 });
    const sender = recordingSender(platform, { failOnce: { n: 1, error: new RateLimitedError(30_000) } });
    const outcome = await runner(db, [sender], { pacer }).runSlot('rate-limited');
    expect(outcome).toMatchObject({ done: true, counts: { sent: 6 } });
    expectOncePerTeam(platform, `callsheet-nudge/${outcome.runId}/`);
    expect(platform.rateLimited).toBe(0);
    expect(Math.max(...sleeps)).toBeGreaterThanOrEqual(30_000);
    expect(platform.posts[0].at).toBeGreaterThanOrEqual(30_000);
    const fallback = platform.posts.filter((p) => p.channel === 'C0FALLBACK').map((p) => p.at);
    expect(fallback).toHaveLength(4);
    for (let i = 1; i < fallback.length; i++) expect(fallback[i] - fallback[i - 1]).toBeGreaterThanOrEqual(1000);
  });

  it('records undeliverable digests when there is no route and no fallback', async () => {
    const platform = new RecordingPlatform();
    const outcome = await runner(db, [recordingSender(platform)], { fallback: undefined }).runSlot('no-fallback');
    expect(outcome.done).toBe(true);
    expect(platform.posts.map((p) => p.teamRef).sort()).toEqual(['group:default/payments', 'group:default/search']);
    const rows = await query<{ team_ref: string; error: string }>(db, sql`select team_ref, error from nudge_deliveries where run_id = ${outcome.runId} and status = 'undeliverable' order by team_ref`);
    expect(rows.map((r) => r.team_ref)).toEqual(TEAMS.filter((t) => !['group:default/payments', 'group:default/search'].includes(t)));
  });
});
