/**
 * DMs to watchers when a watched entity's owner, lifecycle or system changes or it is deleted
 * (problems reach watchers through problem-notify.ts). Runs in the problem notifier's pass, after
 * each sync; each change is claimed in the ledger (watch-claims.ts) so one replica sends it, and
 * each watcher hears once (a watcher of both the entity and its team gets one DM). Delivery goes
 * through the same senders as problem DMs (Slack, Teams; the log when no chat platform is set up:
 * the shell has no chat user to DM, so `watch` is for Slack and Teams).
 */
import { inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { watches } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { Reply, Span } from '../reply/reply.js';
import { drainClaims, sendToRoutes } from './claim-loop.js';
import type { DigestSender, Route } from './ports.js';
import { claimWatchChanges, markWatchChangeSent, reconcileWatches, releaseWatchChange, type WatchChangeRow, type WatchedState } from './watch-claims.js';

export interface WatchNotifierDeps {
  db: Db;
  logger: Logger;
  senders: DigestSender[];
  me: string;
  claimTimeout?: string;
  maxAttempts?: number;
}

const FIELDS: Array<{ key: keyof Omit<WatchedState, 'present'>; label: string }> = [
  { key: 'owner_ref', label: 'Owner' },
  { key: 'lifecycle', label: 'Lifecycle' },
  { key: 'system_ref', label: 'System' },
];

const shown = (value: string | null): Span => (value ? { type: 'code', text: value } : 'none');

export function watchChangeReply(row: WatchChangeRow): Reply {
  const { before, after } = row;
  if (!after.present) {
    const header = `${row.ref} was deleted from the catalog`;
    return { summary: header, header, sections: [{ text: ['It is no longer in any synced catalog file. Last owner: ', shown(before.owner_ref)] }], context: [[`You watch ${row.ref} or its owner.`]] };
  }
  const changed = FIELDS.filter((f) => before[f.key] !== after[f.key]);
  const header = `${row.ref}: ${changed.map((f) => f.label.toLowerCase()).join(', ')} changed`;
  return {
    summary: `${header} (${changed.map((f) => `${f.label.toLowerCase()} ${before[f.key] ?? 'none'} → ${after[f.key] ?? 'none'}`).join('; ')})`,
    header,
    sections: [{ fields: changed.map((f) => ({ label: f.label, value: [shown(before[f.key]), ' → ', shown(after[f.key])] })) }],
    context: [[`You watch ${row.ref} or its owner. `, { type: 'code', text: `unwatch ${row.ref}` }, ' stops these.']],
  };
}

/** Watchers of the entity and of its owner before and after, one DM route each. */
async function routesFor(db: Db, row: WatchChangeRow): Promise<Route[]> {
  const targets = [row.ref, row.before.owner_ref, row.after.owner_ref].filter((t): t is string => Boolean(t));
  const rows = await db.select().from(watches).where(inArray(watches.targetRef, targets));
  const seen = new Set<string>();
  return rows
    .filter((w) => !seen.has(`${w.platform}:${w.chatId}`) && seen.add(`${w.platform}:${w.chatId}`))
    .map((w) => ({ platform: w.platform, kind: 'dm' as const, target: w.chatId, reason: `${w.watcher} watches ${w.targetRef}` }));
}

async function deliver(d: WatchNotifierDeps, row: WatchChangeRow): Promise<void> {
  const meta = { runId: 0, teamRef: row.after.owner_ref ?? row.before.owner_ref ?? 'unowned', key: `watch:${row.id}` };
  await sendToRoutes(d.senders, await routesFor(d.db, row), watchChangeReply(row), row.attempts, meta);
}

/** One pass: record what changed since the last, then send what this replica claimed. */
export async function notifyWatchChanges(d: WatchNotifierDeps): Promise<{ sent: number; failed: number }> {
  await reconcileWatches(d.db);
  return drainClaims<WatchChangeRow>({
    logger: d.logger,
    what: 'watch notification',
    maxAttempts: d.maxAttempts ?? 5,
    claim: () => claimWatchChanges(d.db, d.me, d.claimTimeout ?? '5 minutes'),
    deliver: (row) => deliver(d, row),
    done: (row) => markWatchChangeSent(d.db, d.me, row),
    release: (row) => releaseWatchChange(d.db, d.me, row),
    describe: (row) => ({ ref: row.ref }),
  });
}
