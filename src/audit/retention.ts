/**
 * AUDIT_RETENTION_DAYS: rows older than that are deleted. Every replica runs the timer; a lease
 * makes one of them prune each time, so replicas do not race the same delete.
 */
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { withLease } from '../db/leases.js';
import type { Logger } from '../logger.js';
import { pruneAudit } from './query.js';

export const AUDIT_PRUNE_LEASE = 'audit-retention';
const DAY_MS = 86_400_000;

export interface RetentionDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  retentionDays: number;
  /** This replica's name (INSTANCE_ID), the lease holder. */
  holder: string;
}

/** One prune under the lease: the number of rows deleted, or undefined when another replica holds it. */
export async function pruneAuditOnce(deps: RetentionDeps): Promise<number | undefined> {
  const before = new Date(deps.clock.now().getTime() - deps.retentionDays * DAY_MS);
  const result = await withLease(deps.db, AUDIT_PRUNE_LEASE, deps.holder, 10 * 60_000, () => pruneAudit(deps.db, before));
  if (!result.ran) return undefined;
  if (result.value > 0) deps.logger.info({ deleted: result.value, before: before.toISOString() }, 'pruned the audit log');
  return result.value;
}

/** Prunes soon after start and then every `everyMs` (default: hourly; the cut-off moves by the hour). */
export function startAuditRetention(deps: RetentionDeps & { everyMs?: number }): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = pruneAuditOnce(deps).catch((error: unknown) => deps.logger.warn({ err: (error as Error).message }, 'could not prune the audit log; trying again later'));
  };
  const first = setTimeout(tick, 5_000);
  const timer = setInterval(tick, deps.everyMs ?? 3_600_000);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
