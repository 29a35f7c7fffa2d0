/**
 * A webhook's re-read of one repository or project in a source. When another run holds the source (a
 * scheduled sync, another push's re-read) the re-read is tried again once that run is done: pushes
 * arriving together are all followed within seconds, not at the next SYNC_INTERVAL.
 */
import type { SyncService } from '../sync/service.js';

export interface ResyncOptions {
  retryMs?: number;
  giveUpMs?: number;
}

export async function resyncWhenFree(sync: Pick<SyncService, 'syncSource'>, sourceId: string, trees: string[], options: ResyncOptions = {}): Promise<void> {
  const retryMs = options.retryMs ?? 250;
  const giveUpMs = options.giveUpMs ?? 120_000;
  const started = Date.now();
  for (;;) {
    const report = await sync.syncSource(sourceId, { trees });
    if (report.status !== 'skipped' || report.skippedBecause !== 'held' || Date.now() - started > giveUpMs) return;
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}
