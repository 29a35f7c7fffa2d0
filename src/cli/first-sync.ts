/**
 * The first sync at start-up, retried until it completes: a replica that starts while the
 * database is failing over must not stay unready (and never sync again) because of one error.
 */
import type { Logger } from '../logger.js';
import type { SourceReport, SyncService } from '../sync/service.js';
import type { ProgressListener } from '../sync/progress.js';

export async function firstSyncWithRetry(sync: Pick<SyncService, 'syncAll'>, logger: Logger, stopped: () => boolean, onProgress?: ProgressListener): Promise<SourceReport[] | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      // Like every scheduled sync: a source another replica synced within SYNC_INTERVAL is not repeated.
      return await sync.syncAll({ skipRecent: true, ...(onProgress ? { onProgress } : {}) });
    } catch (error) {
      if (stopped()) return undefined;
      const delayMs = Math.min(30_000, 1000 * 2 ** (attempt - 1));
      logger.error({ err: String(error), attempt, retryInMs: delayMs }, 'first sync failed; retrying');
      await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      if (stopped()) return undefined;
    }
  }
}
