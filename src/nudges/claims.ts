/**
 * Claiming a nudge run and its deliveries in Postgres, so that only one replica works on each.
 *
 * A run is claimed by its schedule slot (`nudge_runs.slot` is unique); its holder heartbeats, and a
 * replica may take over a run whose heartbeat is stale. Each delivery row is claimed on its own
 * (`pending` -> `sending`, with claim time) and kept fresh by the same heartbeat. Every time compared
 * here is the database's `now()`: replicas' own clocks drift, the database's is the one they share.
 *
 * Each statement is retried on transient database errors (a failover, a terminated backend). The
 * claiming UPDATEs are safe to repeat: a claim whose answer was lost is found again as our own
 * leftover `sending` row (claimOrphans) and checked against the platform before anything is re-sent.
 */
import { sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';
import { retryTransient } from '../db/transient.js';
import type { Logger } from '../logger.js';
import type { ClaimedRun, DeliveryRow } from './run-model.js';

export interface ClaimContext {
  db: Db;
  logger: Logger;
  /** This runner's claim name. */
  me: string;
  /** Claims older than this (as a Postgres interval) are taken over. */
  timeout: string;
}

const RETURNING = sql`returning run_id, team_ref, route, digest, messages, attempts`;

/** One statement, retried with backoff while the database is briefly unreachable. */
export function dbRetry<T>(c: Pick<ClaimContext, 'logger'>, what: string, work: () => Promise<T>): Promise<T> {
  return retryTransient(work, {
    attempts: 8,
    baseDelayMs: 200,
    maxDelayMs: 3_000,
    onRetry: (err, attempt, delayMs) => c.logger.warn({ err, attempt, delayMs: Math.round(delayMs) }, `nudge ${what}: transient database error; retrying`),
  });
}

function rows<T>(c: ClaimContext, what: string, statement: SQL): Promise<T[]> {
  return dbRetry(c, what, () => query<T>(c.db, statement));
}

/**
 * Claims the run of `slot`, or takes it over when its holder stopped heartbeating (or released it).
 * With `notBefore`, nothing is claimed until the database's clock has reached that time. The run's
 * findings are evaluated as of `evaluateAt` (a test's fixed clock), else the database's `now()`.
 */
export async function claimRun(c: ClaimContext, slot: string, notBefore?: Date, evaluateAt?: Date): Promise<ClaimedRun | undefined> {
  const due = notBefore ? sql`${notBefore.toISOString()}::timestamptz` : sql`now()`;
  const at = evaluateAt ? sql`${evaluateAt.toISOString()}::timestamptz` : sql`now()`;
  const [row] = await rows<{ id: number | string; started_at: Date | string; summary: Record<string, unknown> | null }>(
    c,
    'claim run',
    sql`insert into nudge_runs (slot, status, claimed_by, heartbeat_at, started_at)
        select ${slot}, 'running', ${c.me}, now(), ${at} where now() >= ${due}
        on conflict (slot) do update set claimed_by = excluded.claimed_by, heartbeat_at = now()
          where nudge_runs.status = 'running' and nudge_runs.heartbeat_at < now() - ${c.timeout}::interval
        returning id, started_at, summary`,
  );
  if (!row) return undefined;
  return { id: Number(row.id), startedAt: new Date(row.started_at), prepared: row.summary?.prepared === true };
}

/** Milliseconds until the database's clock reaches `at` (0 or less once it has). */
export async function msUntil(c: ClaimContext, at: Date): Promise<number> {
  const [row] = await rows<{ ms: number | string }>(c, 'read clock', sql`select extract(epoch from (${at.toISOString()}::timestamptz - clock_timestamp())) * 1000 as ms`);
  return Number(row?.ms ?? 0);
}

/** Slots of unfinished runs whose holder stopped heartbeating or released them. */
export async function staleSlots(c: ClaimContext): Promise<string[]> {
  const found = await rows<{ slot: string }>(c, 'find stale runs', sql`select slot from nudge_runs where status = 'running' and heartbeat_at < now() - ${c.timeout}::interval order by id`);
  return found.map((r) => r.slot);
}

/**
 * Keeps the run's and its `sending` deliveries' claims fresh until the returned function is called,
 * or until the run turns out to be held by someone else (then beating on would only cost queries).
 */
export function startHeartbeat(c: ClaimContext, runId: number, intervalMs: number): () => void {
  const beat = setInterval(() => {
    void (async () => {
      const held = await query<{ id: number }>(c.db, sql`update nudge_runs set heartbeat_at = now() where id = ${runId} and claimed_by = ${c.me} and status = 'running' returning id`);
      if (held.length === 0) return clearInterval(beat);
      await c.db.execute(sql`update nudge_deliveries set claimed_at = now() where run_id = ${runId} and claimed_by = ${c.me} and status = 'sending'`);
    })().catch((err: unknown) => c.logger.warn({ err, runId }, 'nudge heartbeat failed'));
  }, intervalMs);
  beat.unref();
  return () => clearInterval(beat);
}

/** Claims the next pending delivery that is due (a deferred one waits for its `next_attempt_at`). */
export async function claimNextPending(c: ClaimContext, runId: number): Promise<DeliveryRow | undefined> {
  const [row] = await rows<DeliveryRow>(
    c,
    'claim delivery',
    sql`update nudge_deliveries set status = 'sending', claimed_by = ${c.me}, claimed_at = now(), attempts = attempts + 1
         where run_id = ${runId} and team_ref = (
           select team_ref from nudge_deliveries where run_id = ${runId} and status = 'pending'
              and (next_attempt_at is null or next_attempt_at <= now())
            order by team_ref limit 1 for update skip locked)
           and status = 'pending'
        ${RETURNING}`,
  );
  return row;
}

/**
 * Deliveries left `sending` by a runner that stopped heartbeating, and our own left over by a claim
 * whose answer was lost (called only while this runner has no delivery of the run in hand).
 */
export async function claimOrphans(c: ClaimContext, runId: number): Promise<DeliveryRow[]> {
  return rows<DeliveryRow>(
    c,
    'claim interrupted deliveries',
    sql`update nudge_deliveries set claimed_by = ${c.me}, claimed_at = now(), attempts = attempts + 1
         where run_id = ${runId} and status = 'sending' and (claimed_by = ${c.me} or claimed_at < now() - ${c.timeout}::interval)
        ${RETURNING}`,
  );
}

/**
 * What is left of the run once nothing is due: milliseconds until the next deferred delivery is due,
 * `busy` when another runner still holds a fresh `sending` row, or nothing left open.
 */
export async function openWork(c: ClaimContext, runId: number): Promise<{ dueInMs?: number; busy: boolean; open: number }> {
  const [row] = await rows<{ open: number | string; sending: number | string; due_ms: number | string | null }>(
    c,
    'check open deliveries',
    sql`select count(*) filter (where status in ('pending', 'sending')) as open,
               count(*) filter (where status = 'sending') as sending,
               min(extract(epoch from (coalesce(next_attempt_at, now()) - now())) * 1000) filter (where status = 'pending') as due_ms
          from nudge_deliveries where run_id = ${runId}`,
  );
  const due = row?.due_ms === null || row?.due_ms === undefined ? undefined : Math.max(0, Number(row.due_ms));
  return { dueInMs: due, busy: Number(row?.sending ?? 0) > 0, open: Number(row?.open ?? 0) };
}

/** Marks the run done when no delivery is left open; false while some are. */
export async function finishIfComplete(c: ClaimContext, runId: number): Promise<boolean> {
  const { open } = await openWork(c, runId);
  if (open > 0) return false;
  const counts = await rows<{ status: string; n: number | string }>(c, 'count deliveries', sql`select status, count(*) as n from nudge_deliveries where run_id = ${runId} group by status`);
  const summary = JSON.stringify({ deliveries: Object.fromEntries(counts.map((x) => [x.status, Number(x.n)])) });
  await rows(c, 'finish run', sql`update nudge_runs set status = 'done', finished_at = now(), summary = coalesce(summary, '{}'::jsonb) || ${summary}::jsonb
    where id = ${runId} and claimed_by = ${c.me} returning id`);
  return true;
}

/**
 * Gives the run up on the way out (SIGTERM): its heartbeat (and that of any delivery still marked
 * ours) is set far in the past, so the next replica that looks takes it over at once.
 */
export async function releaseRun(c: ClaimContext, runId: number): Promise<void> {
  await rows(c, 'release deliveries', sql`update nudge_deliveries set claimed_at = '-infinity' where run_id = ${runId} and claimed_by = ${c.me} and status = 'sending' returning team_ref`);
  await rows(c, 'release run', sql`update nudge_runs set heartbeat_at = '-infinity' where id = ${runId} and claimed_by = ${c.me} and status = 'running' returning id`);
}
