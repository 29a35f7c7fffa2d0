/**
 * Delivering one claimed delivery row: its digest is sent route by route, and each posted message
 * is recorded before the next route is sent; the row ends `sent`, `failed` or `uncertain`, or goes
 * back to `pending` with a `next_attempt_at` when a route could not be sent for now.
 *
 * The one window a crash can leave open is between a message being posted and its id being recorded.
 * A replica taking over finds the row `sending`: the first route without a recorded message may or
 * may not have been posted. It asks the sender's `findSent` (the platform's own record, looked up by
 * the run's key); if the platform says nothing was posted the message is sent, else the found ids are
 * recorded. A sender without `findSent` gets nothing re-sent: the row becomes `uncertain` (at most
 * once, never twice). Every other route is known to be unsent and is sent normally.
 *
 * For now versus for good: a 429 defers the row until Retry-After (the run goes on with other
 * channels meanwhile, and the wait costs no attempt); a transient error (5xx, timeout) defers it with
 * exponential backoff, up to `retry.attempts` attempts; a refusal (`channel_not_found`,
 * `not_in_channel`) is final. Before a retried route is sent again the platform is asked whether the
 * failed attempt was posted after all, so a retry never doubles a digest.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { nudgeDeliveries } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { metrics } from '../metrics.js';
import { dbRetry } from './claims.js';
import { digestToReply } from './digest.js';
import type { Pacer } from './pacer.js';
import { DeliveryRejectedError, RateLimitedError, type DigestSender, type Route, type SentMessage } from './ports.js';
import { LostClaimError, messageKey, type DeliveryMode, type DeliveryResult, type DeliveryRow, type RetryPolicy, type StoredMessage } from './run-model.js';

export interface DeliverDeps {
  db: Db;
  logger: Logger;
  me: string;
  senders: Map<string, DigestSender>;
  pacer: Pacer;
  retry: RetryPolicy;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createDeliverer(deps: DeliverDeps): (row: DeliveryRow, mode: DeliveryMode) => Promise<DeliveryResult> {
  const { db, logger, me, senders, pacer } = deps;
  const mine = (row: DeliveryRow) =>
    and(eq(nudgeDeliveries.runId, row.run_id), eq(nudgeDeliveries.teamRef, row.team_ref), eq(nudgeDeliveries.claimedBy, me), eq(nudgeDeliveries.status, 'sending'));

  async function update(row: DeliveryRow, values: Partial<typeof nudgeDeliveries.$inferInsert> | Record<string, unknown>): Promise<void> {
    const updated = await dbRetry(deps, 'record delivery', () => db.update(nudgeDeliveries).set(values).where(mine(row)).returning({ teamRef: nudgeDeliveries.teamRef }));
    if (updated.length === 0) throw new LostClaimError(row.run_id);
  }

  async function sendOne(sender: DigestSender, route: Route, row: DeliveryRow, key: string): Promise<SentMessage[]> {
    const reply = digestToReply(row.digest);
    const meta = { runId: row.run_id, teamRef: row.team_ref, key };
    for (let attempt = 1; ; attempt++) {
      try {
        return (await pacer.send(route.platform, route.target, () => sender.send(route, reply, meta))).messages;
      } catch (error) {
        if (error instanceof DeliveryRejectedError || error instanceof RateLimitedError || !sender.findSent) throw error;
        // Outcome unknown (timeout, connection reset, 5xx): only the platform can say whether it was posted.
        const found = await sender.findSent(route, key).catch(() => undefined);
        if (found && found.length > 0) return found;
        if (!found || attempt >= 2) throw error;
        logger.warn({ err: error, teamRef: row.team_ref, target: route.target }, 'nudge send failed and nothing was posted; retrying');
      }
    }
  }

  return async function deliver(row, mode) {
    const messages = [...(row.messages ?? [])];
    const errors: string[] = [];
    let uncertain = false;
    let suspect = mode === 'orphan';
    let transient = false;
    let rateLimitedMs: number | undefined;
    for (const route of row.route.routes) {
      const key = messageKey(row.run_id, row.team_ref, route);
      if (messages.some((m) => m.key === key)) continue;
      const sender = senders.get(route.platform);
      const where = `${route.platform}:${route.target}`;
      if (!sender) {
        errors.push(`${where}: no sender for ${route.platform}`);
        continue;
      }
      let sent: SentMessage[] | undefined;
      // An orphan's first unrecorded route may have been in flight; a retried row's failed attempts may have landed.
      if (suspect || (mode === 'retry' && sender.findSent)) {
        suspect = false;
        if (!sender.findSent) {
          uncertain = true;
          errors.push(`${where}: interrupted while sending; not re-sent because ${route.platform} cannot confirm whether it was posted`);
          continue;
        }
        try {
          const found = await sender.findSent(route, key);
          if (found.length > 0) sent = found;
        } catch (error) {
          transient = true;
          errors.push(`${where}: could not check whether it was posted: ${messageOf(error)}`);
          continue;
        }
      }
      try {
        sent ??= await sendOne(sender, route, row, key);
      } catch (error) {
        if (error instanceof LostClaimError) throw error;
        errors.push(`${where}: ${messageOf(error)}`);
        if (error instanceof RateLimitedError) rateLimitedMs = Math.max(rateLimitedMs ?? 0, error.retryAfterMs);
        else if (error instanceof DeliveryRejectedError) continue;
        else if (sender.findSent) transient = true;
        else uncertain = true;
        continue;
      }
      messages.push(...sent.map((m) => ({ ...m, platform: route.platform, target: route.target, key })));
      await update(row, { messages });
    }
    const error = errors.length > 0 ? errors.join('\n') : null;
    if (rateLimitedMs !== undefined || (transient && row.attempts < deps.retry.attempts)) {
      // Waiting out a 429 is not a failed attempt; a transient error is, with exponential backoff.
      const backoff = transient ? deps.retry.backoffMs * 2 ** Math.max(0, row.attempts - 1) : 0;
      const retryInMs = Math.max(rateLimitedMs ?? 0, backoff);
      await update(row, {
        status: 'pending',
        messages,
        error,
        nextAttemptAt: sql`now() + ${retryInMs} * interval '1 millisecond'`,
        attempts: transient ? sql`attempts` : sql`attempts - 1`,
      });
      logger.info({ teamRef: row.team_ref, retryInMs, attempt: row.attempts, errors }, 'nudge delivery deferred');
      return { status: 'pending', retryInMs };
    }
    const status = messages.length > 0 ? 'sent' : uncertain ? 'uncertain' : 'failed';
    await update(row, { status, messages, sentAt: messages.length > 0 ? sql`now()` : null, error, nextAttemptAt: null });
    metrics.nudges.inc({ outcome: status });
    if (errors.length > 0) logger.warn({ teamRef: row.team_ref, status, errors }, 'nudge delivery had errors');
    return { status };
  };
}
