/**
 * Opens the database: Postgres through postgres.js when a URL is given, embedded PGlite otherwise.
 * Both give the same drizzle schema, migrations and queries.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import * as schema from './schema.js';
import { acquirePgliteLock } from './pglite-lock.js';
import { seedFromTemplate } from './pglite-template.js';
import { connectNoDelay } from './socket.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Apply migrations (idempotent; serialized across replicas on Postgres). */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /**
   * LISTEN on `channel`: `onNotify` gets each payload; `onListen` runs whenever the listening
   * connection is (re)established, since notifications sent while it was down are lost.
   */
  listen(channel: string, onNotify: (payload: string) => void, onListen?: () => void): Promise<() => Promise<void>>;
}

export interface OpenOptions {
  /** postgres:// URL; when absent, PGlite is used. */
  url?: string;
  /** PGlite data folder; `memory://` keeps it in memory (tests). */
  dataDir?: string;
  /** Connection pool size for Postgres. */
  poolSize?: number;
  /** PGlite only: a ready data folder to copy into a fresh `dataDir` (see pglite-template.ts); false for none. */
  pgliteTemplate?: string | false;
  /** Postgres application_name: `callsheet/<INSTANCE_ID>` shows which replica holds which backend. */
  applicationName?: string;
  migrationsFolder?: string;
}

/** `migrations/` at the package root, whether running from `src/` (tsx) or `dist/src/` (built). */
function findMigrations(): string {
  for (const up of ['../../migrations', '../../../migrations']) {
    const candidate = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
  }
  throw new Error('migrations folder not found next to the package');
}
// Any constant works; it only has to be the same for every replica.
const MIGRATION_LOCK_KEY = 424242_001;

/**
 * One process, one connection: Postgres's default 128 MB of shared buffers live inside PGlite's
 * WebAssembly memory and become resident as they fill, which was most of the demo's memory. The
 * files stay in the OS page cache, so a smaller pool costs little.
 */
const PGLITE_SETTINGS = ['-c', 'shared_buffers=16MB'];

/** postgres.js options for Callsheet's pool. */
export function postgresClientOptions(poolSize: number, applicationName = 'callsheet') {
  return {
    max: poolSize,
    onnotice: () => {},
    connection: { application_name: applicationName },
    // Without TCP_NODELAY a request split over two segments waits ~40 ms for a delayed ACK (see
    // socket.ts). `socket` is in postgres.js's documentation but not in its type declarations.
    socket: connectNoDelay,
  };
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  const migrationsFolder = options.migrationsFolder ?? findMigrations();
  if (options.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    const client = postgres(options.url, postgresClientOptions(options.poolSize ?? 10, options.applicationName));
    const db = drizzle(client, { schema }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      async migrate() {
        const reserved = await client.reserve();
        try {
          await reserved`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
          await migrate(drizzle(client, { schema }), { migrationsFolder });
        } finally {
          await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.catch(() => {});
          reserved.release();
        }
      },
      async close() {
        await client.end({ timeout: 5 });
      },
      async listen(channel, onNotify, onListen) {
        // postgres.js keeps one dedicated connection for LISTEN and re-listens after a reconnect.
        const { unlisten } = await client.listen(channel, (payload) => onNotify(payload), () => onListen?.());
        return unlisten;
      },
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  // Search (migration 0014) needs pg_trgm, which PGlite loads only when named here.
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const dataDir = options.dataDir ?? 'memory://';
  // A data folder has one owner process (see pglite-lock.ts): taken before the files are opened.
  let lock: Awaited<ReturnType<typeof acquirePgliteLock>> | undefined;
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true });
    lock = await acquirePgliteLock(`${resolve(dataDir)}.lock`);
  }
  let client: InstanceType<typeof PGlite>;
  try {
    if (lock && options.pgliteTemplate !== false) seedFromTemplate(dataDir, options.pgliteTemplate);
    client = new PGlite(dataDir, { extensions: { pg_trgm }, startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS] });
    await client.waitReady;
  } catch (error) {
    await lock?.release();
    throw error;
  }
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    async migrate() {
      await migrate(drizzle(client, { schema }), { migrationsFolder });
    },
    async listen(channel, onNotify, onListen) {
      // One in-process session: nothing to reconnect.
      const unlisten = await client.listen(channel, (payload) => onNotify(payload));
      onListen?.();
      return unlisten;
    },
    async close() {
      try {
        await client.close();
      } finally {
        await lock?.release();
      }
    },
  };
}

/** Rows of a raw `db.execute` result: postgres.js returns an array, PGlite an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  const rows = (result as { rows?: T[] } | null)?.rows;
  return rows ?? [];
}

export async function query<T>(db: Db, statement: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(statement));
}

export { sql };
