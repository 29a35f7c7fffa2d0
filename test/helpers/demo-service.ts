/**
 * The whole service (`startService`) on the demo catalog, as the end-to-end suites start it: its
 * own DATA_DIR, real Postgres when TEST_DATABASE_URL is set (else the embedded database), no
 * templates or nudges unless asked, an ephemeral port, and the first sync finished.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type RunningService, type ServeOptions } from '../../src/cli/serve.js';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/logger.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from './db.js';
import { demoCatalogDir } from './seed.js';

export interface DemoService {
  service: RunningService;
  dataDir: string;
  database?: TestDatabase;
  /** Stops the service, then drops its database and DATA_DIR. */
  close(): Promise<void>;
}

/** `env` is added to (and may override) the defaults; `options` go to startService (shell, input, output). */
export async function startDemoService(name: string, env: Record<string, string>, options: ServeOptions = {}): Promise<DemoService> {
  const dataDir = await mkdtemp(join(tmpdir(), `callsheet-${name}-`));
  const database = testDatabaseUrl() ? await createTestDatabase() : undefined;
  const config = loadConfig({
    DATA_DIR: dataDir,
    ...(database?.url ? { DATABASE_URL: database.url, DATABASE_POOL_SIZE: '4' } : {}),
    CATALOG_SOURCES: demoCatalogDir,
    TEMPLATE_SOURCES: '',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    NUDGE_ENABLED: 'false',
    ...env,
  });
  const service = await startService(config, { shell: false, logger: silentLogger(), ...options });
  await service.firstSync;
  return {
    service,
    dataDir,
    database,
    async close() {
      await service.stop();
      await database?.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
