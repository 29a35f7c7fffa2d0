/**
 * Nudge runs recover in seconds: a stopped replica (SIGTERM) finishes the delivery in hand, records
 * it and releases the run, so another replica resumes it at its next look, well before any claim
 * timeout; transient database errors (a terminated backend) are ridden out; and a slot is claimed
 * only once the database's clock has reached it.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, query, type Db } from '../../src/db/client.js';
import { databaseNow } from '../../src/db/db-clock.js';
import { silentLogger } from '../../src/logger.js';
import { UNOWNED } from '../../src/nudges/evaluate.js';
import { createPacer } from '../../src/nudges/pacer.js';
import type { DigestSender } from '../../src/nudges/ports.js';
import { createNudgeRunner, type NudgeRunnerDeps } from '../../src/nudges/run.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { RecordingPlatform, recordingSender } from '../helpers/nudge-recording-sender.js';
import { seedNudgeCatalog } from '../helpers/nudge-seed.js';

const seededAt = new Date('2026-06-01T09:00:00Z');
const TEAMS = ['group:default/payments', 'group:default/search', 'group:default/lonely', 'group:default/ghosts', 'group:default/nobody-team', UNOWNED].sort();

function runner(db: Db, senders: DigestSender[], extra: Partial<NudgeRunnerDeps> = {}) {
  return createNudgeRunner({
    db,
    logger: silentLogger(),
    instanceId: 'test',
    senders,
    fallback: { platform: 'slack', target: 'C0FALLBACK' },
    staleAfterDays: 180,
    pacer: createPacer({ perTargetIntervalMs: 0, platformPerMinute: 1_000_000 }),
    ...extra,
  });
}

function expectOncePerTeam(platform: RecordingPlatform, runId: number): void {
  const posts = platform.posts.filter((p) => p.key.startsWith(`callsheet-nudge/${runId}/`));
  expect(posts.map((p) => p.teamRef).sort()).toEqual(TEAMS);
}

describe('nudge run recovery', () => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    await seedNudgeCatalog(db, seededAt);
  });
  afterAll(async () => database.close());

  it('on stop, finishes and records the delivery in hand, releases the run, and another replica resumes it at once', async () => {
    const platform = new RecordingPlatform();
    let reached!: () => void;
    let release!: () => void;
    const atSecond = new Promise<void>((resolve) => (reached = resolve));
    const held = new Promise<void>((resolve) => (release = resolve));
    // The second post is in flight when SIGTERM arrives; it completes only after stop() was called.
    const stopping = runner(db, [recordingSender(platform, { beforePost: (n) => (n === 2 ? (reached(), held) : undefined) })], { instanceId: 'stopping', heartbeatTimeoutMs: 600_000 });
    const outcome = stopping.runSlot('sigterm');
    await atSecond;
    let stopDone = false;
    const stopped = stopping.stop().then(() => (stopDone = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(stopDone).toBe(false);
    release();
    await stopped;
    const first = await outcome;
    expect(first).toMatchObject({ claimed: true, done: false, counts: { sent: 2 } });
    const rows = await query<{ status: string; n: number | string }>(db, sql`select status, count(*) as n from nudge_deliveries where run_id = ${first.runId} group by status`);
    expect(Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))).toEqual({ sent: 2, pending: 4 });

    // A claim timeout of ten minutes: only the release lets this replica take over now.
    const rescuer = runner(db, [recordingSender(platform)], { instanceId: 'rescuer', heartbeatTimeoutMs: 600_000 });
    const [resumed] = await rescuer.resumeStale();
    expect(resumed).toMatchObject({ claimed: true, done: true, runId: first.runId, counts: { sent: 4 } });
    expectOncePerTeam(platform, first.runId!);
    await rescuer.stop();
  });

  it('rides out its database connections being terminated mid-run (Postgres)', async (ctx) => {
    if (!database.url) {
      console.log('skipped: pg_terminate_backend needs TEST_DATABASE_URL (real Postgres)');
      return ctx.skip();
    }
    const replica = await openDatabase({ url: database.url, poolSize: 3, applicationName: 'callsheet/terminated' });
    try {
      const platform = new RecordingPlatform();
      const kill = async () => {
        await db.execute(sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'callsheet/terminated'`);
      };
      // Terminated right after a post, before its message id is recorded, and again two posts later.
      const sender = recordingSender(platform, { afterPost: (n) => (n === 2 || n === 4 ? kill() : undefined) });
      const outcome = await runner(replica.db, [sender], { instanceId: 'terminated' }).runSlot('terminated');
      expect(outcome).toMatchObject({ claimed: true, done: true });
      expectOncePerTeam(platform, outcome.runId!);
      const rows = await query<{ status: string; messages: unknown[] }>(db, sql`select status, messages from nudge_deliveries where run_id = ${outcome.runId}`);
      expect(rows.every((r) => r.status === 'sent' && r.messages.length === 1)).toBe(true);
    } finally {
      await replica.close();
    }
  });

  it('claims a slot only once the database clock has reached it, however early the replica fires', async () => {
    const platform = new RecordingPlatform();
    const slotTime = new Date((await databaseNow(db)).getTime() + 1_500);
    const outcome = await runner(db, [recordingSender(platform)]).runSlot('schedule:early', { notBefore: slotTime });
    expect(outcome).toMatchObject({ claimed: true, done: true });
    const [run] = await query<{ started_at: Date | string; heartbeat_at: Date | string }>(db, sql`select started_at, heartbeat_at from nudge_runs where id = ${outcome.runId}`);
    expect(new Date(run.started_at).getTime()).toBeGreaterThanOrEqual(slotTime.getTime());
    expect(new Date(run.heartbeat_at).getTime()).toBeGreaterThanOrEqual(slotTime.getTime());
  });

  it('takes over a run whose holder stopped heartbeating once the claim timeout passes on the database clock', async () => {
    const platform = new RecordingPlatform();
    const frozen = runner(db, [recordingSender(platform, { beforePost: () => new Promise<void>(() => {}) })], { instanceId: 'frozen', heartbeatIntervalMs: 60_000, heartbeatTimeoutMs: 300 });
    void frozen.runSlot('frozen');
    const rescuer = runner(db, [recordingSender(platform)], { instanceId: 'rescuer', heartbeatTimeoutMs: 300 });
    let resumed: Awaited<ReturnType<typeof rescuer.resumeStale>> = [];
    for (let i = 0; i < 100 && resumed.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      resumed = await rescuer.resumeStale();
    }
    expect(resumed[0]).toMatchObject({ claimed: true, done: true });
    expectOncePerTeam(platform, resumed[0].runId!);
  });
});
