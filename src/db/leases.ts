/**
 * Leases in Postgres: how replicas agree that exactly one of them does a piece of work now.
 * A lease expires, so a crashed holder frees its work after `ttlMs`; the holder renews while busy.
 */
import { sql } from 'drizzle-orm';
import { query, type Db } from './client.js';

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

/** Runs `work` only if the lease is won; renews it while the work runs; releases it after. */
export async function withLease<T>(
  db: Db,
  name: string,
  holder: string,
  ttlMs: number,
  work: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  if (!(await acquireLease(db, name, holder, ttlMs))) return { ran: false };
  const renew = setInterval(() => {
    acquireLease(db, name, holder, ttlMs).catch(() => {});
  }, Math.max(1000, Math.floor(ttlMs / 3)));
  renew.unref();
  try {
    return { ran: true, value: await work() };
  } finally {
    clearInterval(renew);
    await releaseLease(db, name, holder).catch(() => {});
  }
}
