/**
 * Audit rows for calls made with an API token, written in batches: one insert per request would
 * cost the database more than answering the request does (a read served from memory), and
 * thousands of inserts a second would slow every other writer. Rows are flushed every
 * `flushMs` or `maxBatch` rows, whichever comes first; a failed insert is logged, as
 * recordAuditSafely does, and never changes an answer.
 */
import { recordAuditMany, type AuditEntry } from '../audit/record.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';

export interface AuditBatcher {
  add(entry: AuditEntry): void;
  flush(): Promise<void>;
}

export function createAuditBatcher(db: Db, logger: Logger, options: { flushMs?: number; maxBatch?: number } = {}): AuditBatcher {
  const flushMs = options.flushMs ?? 200;
  const maxBatch = options.maxBatch ?? 500;
  let pending: AuditEntry[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (!batch.length) return writing;
    // One insert at a time, in order.
    writing = writing.then(() =>
      recordAuditMany(db, batch).catch((error: unknown) => {
        logger.error({ err: (error as Error).message, rows: batch.length, platform: 'api' }, 'could not write audit log rows');
      }),
    );
    return writing;
  };

  return {
    add(entry) {
      pending.push(entry);
      if (pending.length >= maxBatch) void flush();
      else if (!timer) {
        timer = setTimeout(() => void flush(), flushMs);
        timer.unref();
      }
    },
    flush,
  };
}
