/**
 * Exactly-once nudge runs across replicas.
 *
 * A run is claimed by its schedule slot (`nudge_runs.slot` is unique); its holder heartbeats, and a
 * replica may take over a run whose heartbeat is stale. The run's plan is written in one transaction:
 * team scores and one `nudge_deliveries` row per team. Each row is then claimed (`pending` ->
 * `sending`, with claim time), sent route by route, and each posted message is recorded before the
 * next route is sent; the row ends `sent`, `failed`, `uncertain` or `undeliverable`.
 *
 * The one window a crash can leave open is between a message being posted and its id being recorded.
 * A replica taking over finds the row `sending`: the first route without a recorded message may or
 * may not have been posted. It asks the sender's `findSent` (the platform's own record, looked up by
 * the run's key); if the platform says nothing was posted the message is sent, else the found ids are
 * recorded. A sender without `findSent` gets nothing re-sent: the row becomes `uncertain` (at most
 * once, never twice). Every other route is known to be unsent and is sent normally.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import { query, type Db } from '../db/client.js';
import { nudgeDeliveries, nudgeRuns } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { metrics } from '../metrics.js';
import { digestToReply, type Digest } from './digest.js';
import { createPacer, type Pacer } from './pacer.js';
import { planRun } from './plan.js';
import { DeliveryRejectedError, RateLimitedError, type DigestSender, type MemberDirectory, type Route, type SentMessage } from './ports.js';
import { storedIdentityDirectory, type Fallback } from './route.js';
import { recordScores } from './scores.js';

export interface NudgeRunnerDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Name of this replica (claims are recorded under it). */
  instanceId: string;
  senders: DigestSender[];
  /** Per platform; defaults to the chat identities stored in the database. */
  directories?: MemberDirectory[];
  fallback?: Fallback;
  staleAfterDays: number;
  pacer?: Pacer;
  heartbeatIntervalMs?: number;
  /** A run (or a `sending` delivery) whose heartbeat is older than this is taken over. */
  heartbeatTimeoutMs?: number;
  maxFindingsPerDigest?: number;
}

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'uncertain' | 'undeliverable';

export interface RunOutcome {
  claimed: boolean;
  runId?: number;
  /** Delivery rows this runner finished, by final status. */
  counts: Partial<Record<DeliveryStatus, number>>;
  /** Whether the run is complete (no delivery left pending or sending). */
  done: boolean;
}

export interface StoredMessage extends SentMessage {
  platform: string;
  target: string;
  key: string;
}

export interface StoredRoute {
  routes: Route[];
  undeliverable?: string;
}

interface DeliveryRow {
  run_id: number;
  team_ref: string;
  route: StoredRoute;
  digest: Digest;
  messages: StoredMessage[] | null;
}

export interface NudgeRunner {
  /** Claims the run of `slot` (or takes it over when stale) and runs it; `claimed: false` when another replica has it. */
  runSlot(slot: string): Promise<RunOutcome>;
  /** Takes over every unfinished run whose holder stopped heartbeating. */
  resumeStale(): Promise<RunOutcome[]>;
  /** Stops after the delivery in hand; unfinished runs are left for another replica to resume. */
  stop(): void;
}

/** The key that identifies one message of a run on the platform (attached to it by the sender). */
export function messageKey(runId: number, teamRef: string, route: Route): string {
  return `callsheet-nudge/${runId}/${teamRef}/${route.platform}/${route.target}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createNudgeRunner(deps: NudgeRunnerDeps): NudgeRunner {
  const { db, logger } = deps;
  // Unique per runner, so a restarted process with the same INSTANCE_ID still sees its predecessor's claims as foreign.
  const me = `${deps.instanceId}#${randomUUID().slice(0, 8)}`;
  const heartbeatIntervalMs = deps.heartbeatIntervalMs ?? 15_000;
  const timeout = `${deps.heartbeatTimeoutMs ?? 120_000} milliseconds`;
  const senders = new Map(deps.senders.map((s) => [s.platform, s]));
  const directories = deps.directories ?? deps.senders.map((s) => storedIdentityDirectory(db, s.platform));
  const pacer = deps.pacer ?? createPacer({ onRateLimited: (platform) => metrics.chatRateLimited.inc({ platform }) });
  let stopped = false;
  const heartbeats = new Set<ReturnType<typeof setInterval>>();

  async function claimRun(slot: string): Promise<{ id: number; startedAt: Date; prepared: boolean } | undefined> {
    const rows = await query<{ id: number | string; started_at: Date | string; summary: Record<string, unknown> | null }>(
      db,
      sql`insert into nudge_runs (slot, status, claimed_by, heartbeat_at, started_at)
          values (${slot}, 'running', ${me}, now(), ${deps.clock.now().toISOString()}::timestamptz)
          on conflict (slot) do update set claimed_by = excluded.claimed_by, heartbeat_at = now()
            where nudge_runs.status = 'running' and nudge_runs.heartbeat_at < now() - ${timeout}::interval
          returning id, started_at, summary`,
    );
    const row = rows[0];
    if (!row) return undefined;
    return { id: Number(row.id), startedAt: new Date(row.started_at), prepared: row.summary?.prepared === true };
  }

  function startHeartbeat(runId: number): () => void {
    const beat = setInterval(() => {
      void (async () => {
        await db.execute(sql`update nudge_runs set heartbeat_at = now() where id = ${runId} and claimed_by = ${me}`);
        await db.execute(sql`update nudge_deliveries set claimed_at = now() where run_id = ${runId} and claimed_by = ${me} and status = 'sending'`);
      })().catch((err: unknown) => logger.warn({ err, runId }, 'nudge heartbeat failed'));
    }, heartbeatIntervalMs);
    beat.unref();
    heartbeats.add(beat);
    return () => {
      clearInterval(beat);
      heartbeats.delete(beat);
    };
  }

  /** Writes the plan: scores and one delivery row per team, all or nothing. */
  async function prepare(runId: number, at: Date): Promise<void> {
    const plan = await planRun(db, {
      at,
      staleAfterDays: deps.staleAfterDays,
      directories,
      fallback: deps.fallback,
      maxFindingsPerDigest: deps.maxFindingsPerDigest,
    });
    await db.transaction(async (tx) => {
      const owned = await tx
        .update(nudgeRuns)
        .set({ summary: { prepared: true, teams: plan.digests.length, findings: plan.digests.reduce((n, d) => n + d.digest.total, 0) } })
        .where(and(eq(nudgeRuns.id, runId), eq(nudgeRuns.claimedBy, me)))
        .returning({ id: nudgeRuns.id });
      if (owned.length === 0) throw new LostClaimError(runId);
      await recordScores(tx as unknown as Db, plan.reports, at, runId);
      const rows = plan.digests.map(({ teamRef, digest, plan: route }) => ({
        runId,
        teamRef,
        status: route.routes.length > 0 ? 'pending' : 'undeliverable',
        route: route as unknown as Record<string, unknown>,
        digest: { ...digest, runId } as unknown as Record<string, unknown>,
        messages: [],
        error: route.undeliverable ?? null,
      }));
      for (let i = 0; i < rows.length; i += 500) await tx.insert(nudgeDeliveries).values(rows.slice(i, i + 500)).onConflictDoNothing();
    });
    for (const d of plan.digests) if (d.plan.routes.length === 0) metrics.nudges.inc({ outcome: 'undeliverable' });
  }

  async function claimNextPending(runId: number): Promise<DeliveryRow | undefined> {
    const rows = await query<DeliveryRow>(
      db,
      sql`update nudge_deliveries set status = 'sending', claimed_by = ${me}, claimed_at = now(), attempts = attempts + 1
           where run_id = ${runId} and team_ref = (
             select team_ref from nudge_deliveries where run_id = ${runId} and status = 'pending'
              order by team_ref limit 1 for update skip locked)
             and status = 'pending'
          returning run_id, team_ref, route, digest, messages`,
    );
    return rows[0];
  }

  /** Deliveries left `sending` by a runner that stopped heartbeating. */
  async function claimOrphans(runId: number): Promise<DeliveryRow[]> {
    return query<DeliveryRow>(
      db,
      sql`update nudge_deliveries set claimed_by = ${me}, claimed_at = now(), attempts = attempts + 1
           where run_id = ${runId} and status = 'sending' and claimed_by <> ${me} and claimed_at < now() - ${timeout}::interval
          returning run_id, team_ref, route, digest, messages`,
    );
  }

  async function saveMessages(row: DeliveryRow, messages: StoredMessage[]): Promise<void> {
    const updated = await db
      .update(nudgeDeliveries)
      .set({ messages })
      .where(and(eq(nudgeDeliveries.runId, row.run_id), eq(nudgeDeliveries.teamRef, row.team_ref), eq(nudgeDeliveries.claimedBy, me), eq(nudgeDeliveries.status, 'sending')))
      .returning({ teamRef: nudgeDeliveries.teamRef });
    if (updated.length === 0) throw new LostClaimError(row.run_id);
  }

  async function sendOne(sender: DigestSender, route: Route, row: DeliveryRow, key: string): Promise<SentMessage[]> {
    const reply = digestToReply(row.digest);
    const meta = { runId: row.run_id, teamRef: row.team_ref, key };
    for (let attempt = 1; ; attempt++) {
      try {
        return (await pacer.send(route.platform, route.target, () => sender.send(route, reply, meta))).messages;
      } catch (error) {
        if (error instanceof DeliveryRejectedError || error instanceof RateLimitedError || !sender.findSent || attempt >= 3) throw error;
        // Outcome unknown (timeout, connection reset): only the platform can say whether it was posted.
        const found = await sender.findSent(route, key);
        if (found.length > 0) return found;
        logger.warn({ err: error, teamRef: row.team_ref, target: route.target }, 'nudge send failed and nothing was posted; retrying');
      }
    }
  }

  async function deliver(row: DeliveryRow, interrupted: boolean): Promise<DeliveryStatus> {
    const messages = [...(row.messages ?? [])];
    const errors: string[] = [];
    let uncertain = false;
    let suspect = interrupted;
    for (const route of row.route.routes) {
      const key = messageKey(row.run_id, row.team_ref, route);
      if (messages.some((m) => m.key === key)) continue;
      const sender = senders.get(route.platform);
      if (!sender) {
        errors.push(`${route.platform}:${route.target}: no sender for ${route.platform}`);
        continue;
      }
      let sent: SentMessage[] | undefined;
      if (suspect) {
        // Routes are sent in order, so only the first unrecorded one can have been in flight.
        suspect = false;
        if (!sender.findSent) {
          uncertain = true;
          errors.push(`${route.platform}:${route.target}: interrupted while sending; not re-sent because ${route.platform} cannot confirm whether it was posted`);
          continue;
        }
        const found = await sender.findSent(route, key);
        if (found.length > 0) sent = found;
      }
      try {
        sent ??= await sendOne(sender, route, row, key);
      } catch (error) {
        if (error instanceof LostClaimError) throw error;
        errors.push(`${route.platform}:${route.target}: ${messageOf(error)}`);
        if (!(error instanceof DeliveryRejectedError) && !(error instanceof RateLimitedError) && !sender.findSent) uncertain = true;
        continue;
      }
      messages.push(...sent.map((m) => ({ ...m, platform: route.platform, target: route.target, key })));
      await saveMessages(row, messages);
    }
    const status: DeliveryStatus = messages.length > 0 ? 'sent' : uncertain ? 'uncertain' : 'failed';
    const finished = await db
      .update(nudgeDeliveries)
      .set({ status, messages, sentAt: messages.length > 0 ? deps.clock.now() : null, error: errors.length > 0 ? errors.join('\n') : null })
      .where(and(eq(nudgeDeliveries.runId, row.run_id), eq(nudgeDeliveries.teamRef, row.team_ref), eq(nudgeDeliveries.claimedBy, me), eq(nudgeDeliveries.status, 'sending')))
      .returning({ teamRef: nudgeDeliveries.teamRef });
    if (finished.length === 0) throw new LostClaimError(row.run_id);
    metrics.nudges.inc({ outcome: status });
    if (errors.length > 0) logger.warn({ teamRef: row.team_ref, status, errors }, 'nudge delivery had errors');
    return status;
  }

  async function finishIfComplete(runId: number): Promise<boolean> {
    const [open] = await query<{ n: number | string }>(db, sql`select count(*) as n from nudge_deliveries where run_id = ${runId} and status in ('pending', 'sending')`);
    if (Number(open?.n ?? 0) > 0) return false;
    const counts = await query<{ status: string; n: number | string }>(db, sql`select status, count(*) as n from nudge_deliveries where run_id = ${runId} group by status`);
    await db.execute(sql`update nudge_runs set status = 'done', finished_at = now(),
        summary = coalesce(summary, '{}'::jsonb) || ${JSON.stringify({ deliveries: Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])) })}::jsonb
      where id = ${runId} and claimed_by = ${me}`);
    return true;
  }

  async function execute(run: { id: number; startedAt: Date; prepared: boolean }): Promise<RunOutcome> {
    const stopHeartbeat = startHeartbeat(run.id);
    const counts: RunOutcome['counts'] = {};
    const count = (s: DeliveryStatus) => (counts[s] = (counts[s] ?? 0) + 1);
    try {
      if (!run.prepared) await prepare(run.id, run.startedAt);
      for (const orphan of await claimOrphans(run.id)) {
        if (stopped) break;
        count(await deliver(orphan, true));
      }
      while (!stopped) {
        const row = await claimNextPending(run.id);
        if (!row) break;
        count(await deliver(row, false));
      }
      const done = !stopped && (await finishIfComplete(run.id));
      logger.info({ runId: run.id, counts, done }, 'nudge run finished its part');
      return { claimed: true, runId: run.id, counts, done };
    } catch (error) {
      if (error instanceof LostClaimError) {
        logger.warn({ runId: run.id }, 'another replica took over this nudge run; stopping');
        return { claimed: true, runId: run.id, counts, done: false };
      }
      throw error;
    } finally {
      stopHeartbeat();
    }
  }

  return {
    async runSlot(slot) {
      if (stopped) return { claimed: false, counts: {}, done: false };
      const run = await claimRun(slot);
      if (!run) return { claimed: false, counts: {}, done: false };
      logger.info({ slot, runId: run.id, resumed: run.prepared }, 'nudge run claimed');
      return execute(run);
    },
    async resumeStale() {
      const stale = await query<{ slot: string }>(
        db,
        sql`select slot from nudge_runs where status = 'running' and heartbeat_at < now() - ${timeout}::interval order by id`,
      );
      const outcomes: RunOutcome[] = [];
      for (const { slot } of stale) outcomes.push(await this.runSlot(slot));
      return outcomes;
    },
    stop() {
      stopped = true;
      for (const beat of heartbeats) clearInterval(beat);
      heartbeats.clear();
    },
  };
}

/** Our claim on a run or delivery was taken over by another replica (our heartbeat went stale). */
class LostClaimError extends Error {
  constructor(runId: number) {
    super(`lost the claim on nudge run ${runId}`);
  }
}
