/**
 * The catalog API as it runs: the demo catalog copied to a temp folder and synced by the real sync
 * service, the change feed listening, the real HTTP server, and Backstage's own CatalogClient
 * pointed at it with an API token.
 */
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { CatalogClient } from '@backstage/catalog-client';
import { fixedClock } from '../../src/clock.js';
import { watchCatalogChanges, type CatalogChangeFeed } from '../../src/db/catalog-changes.js';
import { createHttpApp, startHttpServer, type RunningServer } from '../../src/http/server.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService, type SyncService } from '../../src/sync/service.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { demoCatalogDir } from './seed.js';
import { syncConfig, tempDir } from './sync-fixtures.js';

export const API_TOKEN = 'catalog-client-test-token-0123456789';

export interface CatalogApiBed {
  database: TestDatabase;
  folder: string;
  sync: SyncService;
  feed: CatalogChangeFeed;
  server: RunningServer;
  app: ReturnType<typeof createHttpApp>;
  base: string;
  client: CatalogClient;
  /** A fetch with the API token, for what the client does not expose (headers, raw errors). */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export function clientFor(base: string, token?: string): CatalogClient {
  return new CatalogClient({
    discoveryApi: { getBaseUrl: async () => `${base}/api/catalog` },
    fetchApi: { fetch: (input, init) => fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers).entries()), ...(token ? { authorization: `Bearer ${token}` } : {}) } }) },
  });
}

export async function startCatalogApiBed(options: { open?: boolean; cacheBytes?: number; answerCacheBytes?: number } = {}): Promise<CatalogApiBed> {
  const database = await createTestDatabase();
  const folder = await tempDir('callsheet-api-catalog-');
  await cp(demoCatalogDir, folder, { recursive: true });
  const dataDir = await tempDir('callsheet-api-data-');
  const sync = createSyncService({ db: database.db, config: syncConfig({ DATA_DIR: dataDir, CATALOG_SOURCES: [folder] }), logger: silentLogger(), clock: fixedClock('2026-02-01T00:00:00Z') });
  await sync.syncAll();
  const feed = await watchCatalogChanges(database, { pingMs: 100 });
  const app = createHttpApp({
    db: database.db,
    logger: silentLogger(),
    isReady: () => true,
    apiAuth: { tokens: [{ name: 'catalog-client', secret: API_TOKEN }], open: options.open },
    catalog: { feed, cacheBytes: options.cacheBytes, answerCacheBytes: options.answerCacheBytes, refreshSource: (id) => sync.syncSource(id) },
  });
  const server = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${server.port}`;
  // The cache is used only once the feed has seen its own ping come back.
  for (let i = 0; i < 100 && !feed.trusted(); i++) await new Promise((r) => setTimeout(r, 20));
  return {
    database,
    folder,
    sync,
    feed,
    server,
    app,
    base,
    client: clientFor(base, API_TOKEN),
    get: (path, headers = {}) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${API_TOKEN}`, ...headers } }),
    async close() {
      await server.close();
      await feed.close();
      await sync.stop();
      await database.close();
    },
  };
}

export const fileIn = (bed: CatalogApiBed, path: string) => join(bed.folder, path);
