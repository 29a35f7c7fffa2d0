/**
 * Leases in Postgres: how replicas agree that exactly one of them does a piece of work now.
 * A lease expires, so a crashed holder frees its work after `ttlMs`; the holder renews while busy.
 * Expiry is judged by the database's `now()`, so replicas' own clocks never decide it.
 */
import { sql } from 'drizzle-orm';
import { query, type Db } from './client.js';

/** Takes the lease when it is free, expired, or already ours (the same holder renews it). */
export async function acquireLease(db: Db, name: string, holder: string, ttlMs: number): Promise<boolean> {
  const rows = await query<{ holder: string }>(
    db,
    sql`insert into leases (name, holder, expires_at)
        values (${name}, ${holder}, now() + ${`${ttlMs} milliseconds`}::interval)
        on conflict (name) do update
          set holder = excluded.holder, expires_at = excluded.expires_at
          where leases.expires_at < now() or leases.holder = excluded.holder
        returning holder`,
  );
  return rows.length === 1 && rows[0].holder === holder;
}

export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.execute(sql`delete from leases where name = ${name} and holder = ${holder}`);
}

export interface LeaseTiming {
  ttlMs: number;
  /** How often the holder renews while the work runs; a third of the lifetime by default. */
  heartbeatMs?: number;
  /** Called when a renewal finds the lease taken by someone else (the work ran past its lifetime). */
  onLost?: () => void;
  /** Called when a renewal fails (database unreachable); the next beat tries again. */
  onRenewError?: (error: unknown) => void;
}

/**
 * Runs `work` only if the lease is won; renews it while the work runs; releases it after.
 * `holder` should name this one run (not just the replica): leases are re-entrant for their holder,
 * so two runs sharing a holder would both get in.
 */
export async function withLease<T>(
  db: Db,
  name: string,
  holder: string,
  timing: number | LeaseTiming,
  work: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const { ttlMs, heartbeatMs, onLost, onRenewError } = typeof timing === 'number' ? { ttlMs: timing } as LeaseTiming : timing;
  if (!(await acquireLease(db, name, holder, ttlMs))) return { ran: false };
  const renew = setInterval(() => {
    acquireLease(db, name, holder, ttlMs).then(
      (held) => (held ? undefined : onLost?.()),
      (error: unknown) => onRenewError?.(error),
    );
  }, Math.max(250, heartbeatMs ?? Math.floor(ttlMs / 3)));
  renew.unref();
  try {
    return { ran: true, value: await work() };
  } finally {
    clearInterval(renew);
    await releaseLease(db, name, holder).catch(() => {});
  }
}
