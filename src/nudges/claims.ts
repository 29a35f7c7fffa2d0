/**
 * Claiming a nudge run and its deliveries in Postgres, so that only one replica works on each.
 *
 * A run is claimed by its schedule slot (`nudge_runs.slot` is unique); its holder heartbeats, and a
 * replica may take over a run whose heartbeat is stale. Each delivery row is claimed on its own
 * (`pending` -> `sending`, with claim time) and kept fresh by the same heartbeat.
 */
import { sql } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';
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

export async function claimRun(c: ClaimContext, slot: string, startedAt: Date): Promise<ClaimedRun | undefined> {
  const rows = await query<{ id: number | string; started_at: Date | string; summary: Record<string, unknown> | null }>(
    c.db,
    sql`insert into nudge_runs (slot, status, claimed_by, heartbeat_at, started_at)
        values (${slot}, 'running', ${c.me}, now(), ${startedAt.toISOString()}::timestamptz)
        on conflict (slot) do update set claimed_by = excluded.claimed_by, heartbeat_at = now()
          where nudge_runs.status = 'running' and nudge_runs.heartbeat_at < now() - ${c.timeout}::interval
        returning id, started_at, summary`,
  );
  const row = rows[0];
  if (!row) return undefined;
  return { id: Number(row.id), startedAt: new Date(row.started_at), prepared: row.summary?.prepared === true };
}

/** Slots of unfinished runs whose holder stopped heartbeating. */
export async function staleSlots(c: ClaimContext): Promise<string[]> {
  const rows = await query<{ slot: string }>(c.db, sql`select slot from nudge_runs where status = 'running' and heartbeat_at < now() - ${c.timeout}::interval order by id`);
  return rows.map((r) => r.slot);
}

/** Keeps the run's and its `sending` deliveries' claims fresh until the returned function is called. */
export function startHeartbeat(c: ClaimContext, runId: number, intervalMs: number): () => void {
  const beat = setInterval(() => {
    void (async () => {
      await c.db.execute(sql`update nudge_runs set heartbeat_at = now() where id = ${runId} and claimed_by = ${c.me}`);
      await c.db.execute(sql`update nudge_deliveries set claimed_at = now() where run_id = ${runId} and claimed_by = ${c.me} and status = 'sending'`);
    })().catch((err: unknown) => c.logger.warn({ err, runId }, 'nudge heartbeat failed'));
  }, intervalMs);
  beat.unref();
  return () => clearInterval(beat);
}

export async function claimNextPending(c: ClaimContext, runId: number): Promise<DeliveryRow | undefined> {
  const rows = await query<DeliveryRow>(
    c.db,
    sql`update nudge_deliveries set status = 'sending', claimed_by = ${c.me}, claimed_at = now(), attempts = attempts + 1
         where run_id = ${runId} and team_ref = (
           select team_ref from nudge_deliveries where run_id = ${runId} and status = 'pending'
            order by team_ref limit 1 for update skip locked)
           and status = 'pending'
        returning run_id, team_ref, route, digest, messages`,
  );
  return rows[0];
}

/** Deliveries left `sending` by a runner that stopped heartbeating. */
export async function claimOrphans(c: ClaimContext, runId: number): Promise<DeliveryRow[]> {
  return query<DeliveryRow>(
    c.db,
    sql`update nudge_deliveries set claimed_by = ${c.me}, claimed_at = now(), attempts = attempts + 1
         where run_id = ${runId} and status = 'sending' and claimed_by <> ${c.me} and claimed_at < now() - ${c.timeout}::interval
        returning run_id, team_ref, route, digest, messages`,
  );
}

/** Marks the run done when no delivery is left open; false while some are. */
export async function finishIfComplete(c: ClaimContext, runId: number): Promise<boolean> {
  const [open] = await query<{ n: number | string }>(c.db, sql`select count(*) as n from nudge_deliveries where run_id = ${runId} and status in ('pending', 'sending')`);
  if (Number(open?.n ?? 0) > 0) return false;
  const counts = await query<{ status: string; n: number | string }>(c.db, sql`select status, count(*) as n from nudge_deliveries where run_id = ${runId} group by status`);
  await c.db.execute(sql`update nudge_runs set status = 'done', finished_at = now(),
      summary = coalesce(summary, '{}'::jsonb) || ${JSON.stringify({ deliveries: Object.fromEntries(counts.map((x) => [x.status, Number(x.n)])) })}::jsonb
    where id = ${runId} and claimed_by = ${c.me}`);
  return true;
}
