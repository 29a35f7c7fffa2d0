/**
 * The database's clock as a `Clock`. Replicas' own clocks drift; Postgres's `now()` is the one clock
 * they share, so schedules, heartbeats and staleness are compared against it. The offset between
 * this process's clock and the database's is measured at start and refreshed periodically, so that
 * `now()` stays synchronous for callers.
 */
import { sql } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import { query, type Db } from './client.js';

export interface DatabaseClock extends Clock {
  /** Measures the offset again (one round trip). */
  refresh(): Promise<void>;
  /** Milliseconds to add to the local clock to get the database's. */
  offsetMs(): number;
  stop(): void;
}

export async function databaseNow(db: Db): Promise<Date> {
  const [row] = await query<{ now: string | Date }>(db, sql`select clock_timestamp() as now`);
  return new Date(row.now);
}

export async function createDatabaseClock(db: Db, refreshMs = 60_000): Promise<DatabaseClock> {
  let offset = 0;
  const refresh = async () => {
    const before = Date.now();
    const dbNow = (await databaseNow(db)).getTime();
    const after = Date.now();
    // Assume the server read its clock half-way through the round trip.
    offset = dbNow - (before + after) / 2;
  };
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), refreshMs);
  timer.unref();
  return {
    now: () => new Date(Date.now() + offset),
    refresh,
    offsetMs: () => offset,
    stop: () => clearInterval(timer),
  };
}
