/**
 * Within one run window: a 429 on one channel defers only that channel's digest (the others go out
 * meanwhile); transient errors (a burst of 5xx) are retried with bounded backoff and never doubled;
 * refusals (`channel_not_found`, `not_in_channel`) are final, listed by `callsheet nudge --status`
 * and reported once to the fallback channel.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printNudgeStatus } from '../../src/cli/nudge-status.js';
import { query, type Db } from '../../src/db/client.js';
import { silentLogger } from '../../src/logger.js';
import { UNOWNED } from '../../src/nudges/evaluate.js';
import { createPacer } from '../../src/nudges/pacer.js';
import { DeliveryRejectedError, RateLimitedError, type DigestSender } from '../../src/nudges/ports.js';
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
    pacer: createPacer({ perTargetIntervalMs: 0, platformPerMinute: 1_000_000, maxChannelWaitMs: 100 }),
    retry: { attempts: 4, backoffMs: 20 },
    ...extra,
  });
}

/** A sender that fails posts to one channel in a given way, a number of times (or for good). */
function failing(platform: RecordingPlatform, channel: string, error: () => Error, times = Number.POSITIVE_INFINITY): DigestSender & { tries: number } {
  const inner = recordingSender(platform);
  const sender: DigestSender & { tries: number } = {
    platform: 'slack',
    tries: 0,
    findSent: inner.findSent,
    async send(route, reply, meta) {
      if (route.target === channel && sender.tries++ < times) throw error();
      return inner.send(route, reply, meta);
    },
  };
  return sender;
}

const teamPosts = (platform: RecordingPlatform, runId: number) => platform.posts.filter((p) => p.key.startsWith(`callsheet-nudge/${runId}/`));

describe('nudge retries within a run', () => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    await seedNudgeCatalog(db, seededAt);
  });
  afterAll(async () => database.close());

  it('a 429 on one channel does not hold up the others; that digest follows after Retry-After, once', async () => {
    const platform = new RecordingPlatform();
    // payments is third of six in claim order; its channel answers 429 with a 2 s Retry-After.
    const sender = failing(platform, 'C0PAYMENTS', () => new RateLimitedError(2_000), 1);
    const outcome = await runner(db, [sender]).runSlot('limited');
    expect(outcome).toMatchObject({ done: true, counts: { sent: 6 } });
    const posts = teamPosts(platform, outcome.runId!);
    expect(posts.map((p) => p.teamRef).sort()).toEqual(TEAMS);
    // Everything else was posted while payments waited out its channel's limit.
    expect(posts.at(-1)!.teamRef).toBe('group:default/payments');
    const [row] = await query<{ attempts: number }>(db, sql`select attempts from nudge_deliveries where run_id = ${outcome.runId} and team_ref = 'group:default/payments'`);
    expect(row.attempts).toBe(1);
  });

  it('retries a burst of 5xx later in the run and posts the digest once', async () => {
    const platform = new RecordingPlatform();
    const sender = failing(platform, 'C0PAYMENTS', () => new Error('An HTTP protocol error occurred: statusCode = 503'), 4);
    const outcome = await runner(db, [sender]).runSlot('burst');
    expect(outcome).toMatchObject({ done: true, counts: { sent: 6 } });
    expect(teamPosts(platform, outcome.runId!).map((p) => p.teamRef).sort()).toEqual(TEAMS);
    const [row] = await query<{ status: string; attempts: number }>(db, sql`select status, attempts from nudge_deliveries where run_id = ${outcome.runId} and team_ref = 'group:default/payments'`);
    // Two sends per attempt (the second after the platform confirmed nothing was posted): attempt 3 gets through.
    expect(row).toEqual({ status: 'sent', attempts: 3 });
  });

  it('gives up after the bounded attempts, and a refusal is final at once; both are shown and reported once', async () => {
    const platform = new RecordingPlatform();
    const inner = failing(platform, 'C0PAYMENTS', () => new Error('An HTTP protocol error occurred: statusCode = 500'));
    const sender: DigestSender = {
      ...inner,
      send: (route, reply, meta) => (route.kind === 'dm' ? Promise.reject(new DeliveryRejectedError('Slack refused the digest for dm U0BOB: channel_not_found')) : inner.send(route, reply, meta)),
    };
    await db.execute(sql`insert into chat_identities (platform, external_id, email, user_ref) values ('slack', 'U0BOB', 'bob@example.com', null) on conflict do nothing`);
    const outcome = await runner(db, [sender]).runSlot('broken');
    expect(outcome).toMatchObject({ done: true, counts: { sent: 4, failed: 2 } });
    const rows = await query<{ team_ref: string; status: string; attempts: number; error: string }>(db, sql`select team_ref, status, attempts, error from nudge_deliveries where run_id = ${outcome.runId} and status = 'failed' order by team_ref`);
    expect(rows.map((r) => [r.team_ref, r.attempts])).toEqual([
      ['group:default/payments', 4],
      ['group:default/search', 1],
    ]);
    expect(rows[1].error).toMatch(/channel_not_found/);

    const report = platform.posts.filter((p) => p.key === `callsheet-nudge-report/${outcome.runId}`);
    expect(report).toHaveLength(1);
    expect(report[0].channel).toBe('C0FALLBACK');
    expect(JSON.stringify(report[0].reply)).toMatch(/group:default\/payments[\s\S]*statusCode = 500[\s\S]*group:default\/search[\s\S]*channel_not_found/);
    // Resuming a finished run does not report again.
    expect(await runner(db, [sender]).runSlot('broken')).toMatchObject({ claimed: false });

    const lines: string[] = [];
    await printNudgeStatus(db, (l) => void lines.push(l));
    const text = lines.join('\n');
    expect(text).toMatch(new RegExp(`Run ${outcome.runId} broken: done; .*2 failed, 4 sent`));
    expect(text).toMatch(/FAILED group:default\/payments \(4 attempts\): .*statusCode = 500/);
    expect(text).toMatch(/FAILED group:default\/search \(1 attempt\): .*channel_not_found/);
  });
});
