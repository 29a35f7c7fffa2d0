import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { openDatabase, type Database } from './client.js';

/**
 * The database every face of one installation shares: Postgres at DATABASE_URL, else PGlite in
 * `<DATA_DIR>/pglite`. Migrated before it is returned.
 */
export async function openDatabaseFromConfig(config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR' | 'DATABASE_POOL_SIZE'> & Partial<Pick<Config, 'INSTANCE_ID'>>): Promise<Database> {
  const database = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: join(config.DATA_DIR, 'pglite'),
    poolSize: config.DATABASE_POOL_SIZE,
    applicationName: config.INSTANCE_ID ? `callsheet/${config.INSTANCE_ID}`.slice(0, 63) : undefined,
  });
  try {
    await database.migrate();
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
  return database;
}
