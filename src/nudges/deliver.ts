/**
 * Delivering one claimed delivery row: its digest is sent route by route, and each posted message
 * is recorded before the next route is sent; the row ends `sent`, `failed` or `uncertain`.
 *
 * The one window a crash can leave open is between a message being posted and its id being recorded.
 * A replica taking over finds the row `sending`: the first route without a recorded message may or
 * may not have been posted. It asks the sender's `findSent` (the platform's own record, looked up by
 * the run's key); if the platform says nothing was posted the message is sent, else the found ids are
 * recorded. A sender without `findSent` gets nothing re-sent: the row becomes `uncertain` (at most
 * once, never twice). Every other route is known to be unsent and is sent normally.
 */
import { and, eq } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { nudgeDeliveries } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { metrics } from '../metrics.js';
import { digestToReply } from './digest.js';
import type { Pacer } from './pacer.js';
import { DeliveryRejectedError, RateLimitedError, type DigestSender, type Route, type SentMessage } from './ports.js';
import { LostClaimError, messageKey, type DeliveryRow, type DeliveryStatus, type StoredMessage } from './run-model.js';

export interface DeliverDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  me: string;
  senders: Map<string, DigestSender>;
  pacer: Pacer;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createDeliverer(deps: DeliverDeps): (row: DeliveryRow, interrupted: boolean) => Promise<DeliveryStatus> {
  const { db, logger, me, senders, pacer } = deps;
  const mine = (row: DeliveryRow) =>
    and(eq(nudgeDeliveries.runId, row.run_id), eq(nudgeDeliveries.teamRef, row.team_ref), eq(nudgeDeliveries.claimedBy, me), eq(nudgeDeliveries.status, 'sending'));

  async function saveMessages(row: DeliveryRow, messages: StoredMessage[]): Promise<void> {
    const updated = await db.update(nudgeDeliveries).set({ messages }).where(mine(row)).returning({ teamRef: nudgeDeliveries.teamRef });
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

  return async function deliver(row, interrupted) {
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
      .where(mine(row))
      .returning({ teamRef: nudgeDeliveries.teamRef });
    if (finished.length === 0) throw new LostClaimError(row.run_id);
    metrics.nudges.inc({ outcome: status });
    if (errors.length > 0) logger.warn({ teamRef: row.team_ref, status, errors }, 'nudge delivery had errors');
    return status;
  };
}
