/**
 * Postgres for fault tests: a fresh migrated database per test file, an admin connection outside
 * the service, and the faults themselves (pg_terminate_backend of the service's connections).
 */
import postgres from 'postgres';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../../helpers/db.js';

export type Sql = postgres.Sql;

export interface FaultDatabase {
  /** URL of the fresh database, to give the service processes as DATABASE_URL. */
  url: string;
  database: TestDatabase;
  /** A connection of the test's own (application_name `faults`), never terminated by the helpers below. */
  sql: Sql;
  /**
   * Terminates the service's backends on this database (every `callsheet/<instance>` application, or those of
   * one instance), like a failover or a pgbouncer restart.
   * Returns how many were terminated.
   */
  terminateBackends(options?: { instance?: string; onlyActive?: boolean }): Promise<number>;
  close(): Promise<void>;
}

/** Why the fault suite is skipped, or undefined when it can run. */
export function faultSkipReason(): string | undefined {
  return testDatabaseUrl() ? undefined : 'fault-injection suite skipped: set TEST_DATABASE_URL to a real Postgres (PGlite cannot terminate backends or host several processes)';
}

export async function createFaultDatabase(): Promise<FaultDatabase> {
  const database = await createTestDatabase();
  if (!database.url) throw new Error('the fault suite needs TEST_DATABASE_URL (real Postgres)');
  const url = database.url;
  const sql = postgres(url, { max: 2, onnotice: () => {}, connection: { application_name: 'faults' } });
  return {
    url,
    database,
    sql,
    async terminateBackends(options = {}) {
      const name = options.instance ? `callsheet/${options.instance}` : null;
      const rows = await sql<{ ok: boolean }[]>`
        select pg_terminate_backend(pid) as ok from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()
          and application_name like 'callsheet/%'
          and (${name}::text is null or application_name = ${name})
          and (${options.onlyActive ?? false} = false or state <> 'idle')`;
      return rows.filter((r) => r.ok).length;
    },
    async close() {
      await sql.end({ timeout: 5 });
      await database.close();
    },
  };
}
