/**
 * Claiming one source for one sync: the source's lease (one replica, and one run within a replica,
 * at a time), renewed by a heartbeat while the sync runs; transient database errors retried with
 * backoff under the same claim; `running` rows a dead run left behind closed; and, for scheduled
 * syncs, no sync when any replica already synced the source within SYNC_INTERVAL.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { query, type Db } from '../db/client.js';
import { withLease, type LeaseTiming } from '../db/leases.js';
import { sources, syncRuns } from '../db/schema.js';
import { retryTransient } from '../db/transient.js';
import { emptyReport, type ConfiguredSource, type SourceReport } from './report.js';

export const DEFAULT_LEASE_TTL_MS = 12_000;
export const DEFAULT_LEASE_HEARTBEAT_MS = 4_000;

export interface ClaimConfig {
  INSTANCE_ID: string;
  SYNC_INTERVAL: number;
  SYNC_LEASE_TTL?: number;
  SYNC_LEASE_HEARTBEAT?: number;
}

export interface ClaimDeps {
  db: Db;
  logger: Logger;
  clock: Clock;
  config: ClaimConfig;
}

export const INTERRUPTED_RUN = 'interrupted: the replica running this sync stopped or lost the database before it finished';

/** A holder name for one run: the replica (for people reading the leases table) and a run id. */
export function runHolder(instance: string): string {
  return `${instance}#${randomUUID().slice(0, 8)}`;
}

export function leaseTiming(config: ClaimConfig, logger: Logger, name: string): LeaseTiming {
  return {
    ttlMs: config.SYNC_LEASE_TTL ?? DEFAULT_LEASE_TTL_MS,
    heartbeatMs: config.SYNC_LEASE_HEARTBEAT ?? DEFAULT_LEASE_HEARTBEAT_MS,
    onLost: () => logger.warn({ lease: name }, 'sync lease lost to another replica while syncing (heartbeat too late)'),
    onRenewError: (error) => logger.warn({ lease: name, err: String(error) }, 'could not renew the sync lease; retrying at the next beat'),
  };
}

/**
 * Marks the source's `running` runs as interrupted. Called under the source's lease, so none of
 * them is still running: their replica died, or lost the database before it could record the end.
 */
export async function closeStaleRuns(db: Db, sourceId: string, now: Date): Promise<number> {
  const rows = await db
    .update(syncRuns)
    .set({ status: 'interrupted', finishedAt: now, error: INTERRUPTED_RUN })
    .where(and(eq(syncRuns.sourceId, sourceId), eq(syncRuns.status, 'running')))
    .returning({ id: syncRuns.id });
  return rows.length;
}

/**
 * Marks as interrupted every `running` run whose source's lease is gone (by the database's clock):
 * a run takes its lease before it writes its row, so such a run has no live holder. Catches the
 * runs of sources nobody syncs again (taken out of the configuration) too.
 */
export async function closeOrphanRuns(db: Db): Promise<number> {
  const rows = await query<{ id: number }>(
    db,
    sql`update sync_runs set status = 'interrupted', finished_at = now(), error = ${INTERRUPTED_RUN}
        where status = 'running'
          and not exists (select 1 from leases where leases.name = 'sync:' || sync_runs.source_id and leases.expires_at > now())
        returning id`,
  );
  return rows.length;
}

/** Whether any replica finished a sync of the source less than `intervalMs` ago (by the shared clock). */
export async function syncedWithin(db: Db, sourceId: string, now: Date, intervalMs: number): Promise<boolean> {
  const [row] = await db.select({ at: sources.lastSyncedAt }).from(sources).where(eq(sources.id, sourceId));
  if (!row?.at) return false;
  const age = now.getTime() - row.at.getTime();
  // A little slack: a replica's own timer fires one interval after its last sync ended.
  return age >= 0 && age < intervalMs - 1000;
}

/** Milliseconds until the lease runs out by the database's clock (0 when free or expired). */
export async function leaseExpiresIn(db: Db, name: string): Promise<number> {
  const rows = await query<{ ms: number | string | null }>(db, sql`select extract(epoch from (expires_at - now())) * 1000 as ms from leases where name = ${name}`);
  return Math.max(0, Number(rows[0]?.ms ?? 0));
}

export interface ClaimOptions {
  /** Scheduled syncs skip a source some replica synced within SYNC_INTERVAL; webhooks and adds do not. */
  skipRecent?: boolean;
}

/**
 * Runs `run` for the source under its lease. A transient database error (a failover, a killed
 * backend) is retried with backoff under the same holder, so the retry re-enters its own lease
 * instead of waiting for it to expire; other errors fail this sync only.
 */
export async function claimAndRun(
  deps: ClaimDeps,
  source: ConfiguredSource,
  run: () => Promise<SourceReport>,
  options: ClaimOptions = {},
): Promise<SourceReport> {
  const { db, logger, clock, config } = deps;
  const name = `sync:${source.driver.id}`;
  const holder = runHolder(config.INSTANCE_ID);
  const attempt = async (): Promise<SourceReport> => {
    const outcome = await withLease(db, name, holder, leaseTiming(config, logger, name), async () => {
      if (options.skipRecent && (await syncedWithin(db, source.driver.id, clock.now(), config.SYNC_INTERVAL))) {
        return { ...emptyReport(source, 'skipped'), skippedBecause: 'recent' as const, notes: ['synced by a replica within SYNC_INTERVAL'] };
      }
      const closed = await closeStaleRuns(db, source.driver.id, clock.now());
      if (closed) logger.warn({ source: source.driver.id, runs: closed }, 'closed sync runs left running by an interrupted sync');
      return run();
    });
    return outcome.ran ? outcome.value : { ...emptyReport(source, 'skipped'), skippedBecause: 'held' as const };
  };
  return retryTransient(attempt, {
    attempts: 6,
    baseDelayMs: 500,
    maxDelayMs: 5_000,
    onRetry: (error, n, delayMs) =>
      logger.warn({ source: source.driver.id, err: String(error), attempt: n, retryInMs: Math.round(delayMs) }, 'sync hit a transient database error; retrying'),
  });
}
