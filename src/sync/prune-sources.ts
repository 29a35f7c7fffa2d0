/**
 * Removes the entities of sources that are neither configured nor registered at run time and that no
 * replica has synced for two SYNC_INTERVALs (during a rolling deploy, replicas still on the old
 * configuration keep syncing them, so they are not removed and re-added back and forth).
 */
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { removeSourceEntities } from '../catalog/store.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { withLease } from '../db/leases.js';
import { sources, syncProblems } from '../db/schema.js';
import { metrics } from '../metrics.js';
import { leaseTiming, runHolder, type ClaimConfig } from './claim.js';
import type { RemovedSource } from './report.js';
import { recordMetrics } from './sync-state.js';

export interface PruneDeps {
  db: Db;
  config: ClaimConfig & { SYNC_INTERVAL: number; INSTANCE_ID: string };
  logger: Logger;
  clock: Clock;
  isConfigured(id: string): boolean;
}

export async function pruneRemovedSources(deps: PruneDeps): Promise<RemovedSource[]> {
  const { db, config, logger, clock } = deps;
  const rows = await db.select({ id: sources.id, state: sources.state, lastSyncedAt: sources.lastSyncedAt }).from(sources);
  const graceMs = 2 * config.SYNC_INTERVAL;
  const now = clock.now().getTime();
  const out: RemovedSource[] = [];
  for (const row of rows) {
    if (deps.isConfigured(row.id) || row.state?.registered === true) continue;
    if (row.lastSyncedAt && now - row.lastSyncedAt.getTime() < graceMs) continue;
    // Under the source's own lease, so a replica still syncing it is never undercut mid-write.
    const name = `sync:${row.id}`;
    const outcome = await withLease(db, name, runHolder(config.INSTANCE_ID), leaseTiming(config, logger, name), async () => {
      const removed = await removeSourceEntities(db, row.id);
      await db.delete(syncProblems).where(eq(syncProblems.sourceId, row.id));
      await db.delete(sources).where(eq(sources.id, row.id));
      return removed.length;
    });
    if (!outcome.ran) continue;
    out.push({ sourceId: row.id, removed: outcome.value });
    metrics.syncChanges.inc({ change: 'removed' }, outcome.value);
    logger.info({ source: row.id, removed: outcome.value }, 'source is no longer configured; its entities were removed');
  }
  if (out.length) await recordMetrics(db).catch((e: unknown) => logger.warn({ err: String(e) }, 'could not update catalog metrics'));
  return out;
}
