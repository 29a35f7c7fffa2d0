/**
 * The delivery loop the chat notifiers share (problem-notify.ts, watch-notify.ts): claim rows of a
 * ledger so one replica sends each, deliver each to its routes at most once, and on failure either
 * release the row for the next pass or, after maxAttempts, give it up (logged) so one bad route does
 * not retry forever.
 */
import type { Logger } from '../logger.js';
import type { Reply } from '../reply/reply.js';
import type { DigestSender, Route, SendMeta } from './ports.js';

export interface ClaimedRow {
  attempts: number;
}

export interface ClaimLoop<Row extends ClaimedRow> {
  logger: Logger;
  /** What is delivered, for the log: "catalog problem notification". */
  what: string;
  maxAttempts: number;
  claim(): Promise<Row[]>;
  deliver(row: Row): Promise<void>;
  /** Marks the row as sent: after a delivery, and when it is given up. */
  done(row: Row): Promise<void>;
  release(row: Row): Promise<void>;
  /** Log fields naming the row. */
  describe(row: Row): Record<string, unknown>;
}

/** Claims and delivers until nothing is left or a batch had a failure (its rows are retried next pass). */
export async function drainClaims<Row extends ClaimedRow>(loop: ClaimLoop<Row>): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  for (;;) {
    const claimed = await loop.claim();
    if (claimed.length === 0) break;
    for (const row of claimed) {
      try {
        await loop.deliver(row);
        await loop.done(row);
        sent++;
      } catch (err) {
        failed++;
        if (row.attempts >= loop.maxAttempts) {
          loop.logger.error({ err, ...loop.describe(row) }, `${loop.what} given up`);
          await loop.done(row);
        } else {
          loop.logger.warn({ err, ...loop.describe(row) }, `${loop.what} failed; retrying next pass`);
          await loop.release(row);
        }
      }
    }
    // Released rows are claimable again at once: stop after a failing batch and retry next pass.
    if (failed > 0) break;
  }
  return { sent, failed };
}

/**
 * Sends one reply to each route through its platform's sender. On a retried claim (a replica died
 * mid-send) the platform is asked first, so no route hears twice.
 */
export async function sendToRoutes(senders: DigestSender[], routes: Route[], reply: Reply, attempts: number, meta: SendMeta): Promise<void> {
  for (const route of routes) {
    const sender = senders.find((s) => s.platform === route.platform);
    if (!sender) continue;
    if (attempts > 1 && sender.findSent && (await sender.findSent(route, meta.key)).length > 0) continue;
    await sender.send(route, reply, meta);
  }
}
