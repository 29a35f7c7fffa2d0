/**
 * Tells this replica when any replica changed the catalog, so entity JSON kept in memory is never
 * served stale for longer than a notification takes to arrive.
 *
 * Migration 0010 makes every statement on `entities` or `relations` send NOTIFY callsheet_catalog
 * at commit. A lost notification (the LISTEN connection dropped) would leave a cache stale, so the
 * feed also sends itself a ping every `pingMs` on the same channel: Postgres delivers notifications
 * in commit order, so once our ping is back, every change committed before it was sent has been
 * seen. The cache is trusted only until `trustMs` after the last returned ping was sent; past that
 * (listener connection half-open, database unreachable, this process too busy to hear) every read
 * goes to the database. Pings coming back on the same connection prove nothing was lost meanwhile
 * (Postgres queues notifications for a listening session), so the cache is kept; only a reconnect
 * of the LISTEN connection, which loses what was sent while it was down, moves the generation on.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from './client.js';

export const CATALOG_CHANNEL = 'callsheet_catalog';

export interface CatalogChangeFeed {
  /** Changes on each change seen, and after a gap in which changes may have been missed. */
  generation(): number;
  /** True while every change committed more than a ping interval ago is known to have been seen. */
  trusted(): boolean;
  close(): Promise<void>;
}

export interface FeedOptions {
  pingMs?: number;
  trustMs?: number;
  now?: () => number;
}

export async function watchCatalogChanges(database: Pick<Database, 'db' | 'listen'>, options: FeedOptions = {}): Promise<CatalogChangeFeed> {
  const pingMs = options.pingMs ?? 500;
  const trustMs = options.trustMs ?? 6 * pingMs;
  const now = options.now ?? Date.now;
  let generation = 1;
  let trustedUntil = 0;
  let closed = false;
  const pending = new Map<string, number>();
  const nonce = randomUUID();
  let seq = 0;

  const onNotify = (payload: string) => {
    if (payload.startsWith('ping:')) {
      const sentAt = pending.get(payload);
      if (sentAt === undefined) return; // another replica's ping
      pending.delete(payload);
      trustedUntil = Math.max(trustedUntil, sentAt + trustMs);
      return;
    }
    generation++;
  };
  const unlisten = await database.listen(CATALOG_CHANNEL, onNotify, () => {
    // (Re)connected: what happened while the connection was down is unknown.
    generation++;
  });

  const ping = async () => {
    const id = `ping:${nonce}:${++seq}`;
    pending.set(id, now());
    // Forget pings that never came back (their connection died with them).
    for (const [key, at] of pending) if (now() - at > trustMs * 4) pending.delete(key);
    await database.db.execute(sql`select pg_notify(${CATALOG_CHANNEL}, ${id})`).catch(() => {});
  };
  await ping();
  const timer = setInterval(() => void ping(), pingMs);
  timer.unref();

  return {
    generation: () => generation,
    trusted: () => !closed && now() < trustedUntil,
    async close() {
      closed = true;
      clearInterval(timer);
      await unlisten().catch(() => {});
    },
  };
}
