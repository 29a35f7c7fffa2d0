/**
 * The MCP face as it runs: the demo catalog synced into a real database, the real HTTP app with the
 * MCP router mounted behind API tokens, and the SDK's own Client connecting over Streamable HTTP.
 */
import { cp } from 'node:fs/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mcpHttpRouter } from '../../adapters/mcp/http.js';
import type { McpDeps } from '../../adapters/mcp/deps.js';
import { fixedClock } from '../../src/clock.js';
import { runLine } from '../../src/commands/run.js';
import { createHttpApp, startHttpServer, type RunningServer } from '../../src/http/server.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService } from '../../src/sync/service.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { demoCatalogDir } from './seed.js';
import { syncConfig, tempDir } from './sync-fixtures.js';

export const MCP_TOKEN = 'mcp-agent-test-token-0123456789abc';

export interface McpBed {
  database: TestDatabase;
  server: RunningServer;
  url: URL;
  connect(token?: string): Promise<Client>;
  close(): Promise<void>;
}

export async function startMcpBed(): Promise<McpBed> {
  const database = await createTestDatabase();
  const folder = await tempDir('callsheet-mcp-catalog-');
  await cp(demoCatalogDir, folder, { recursive: true });
  const clock = fixedClock('2026-02-01T00:00:00Z');
  const logger = silentLogger();
  const sync = createSyncService({ db: database.db, config: syncConfig({ DATA_DIR: await tempDir('callsheet-mcp-data-'), CATALOG_SOURCES: [folder] }), logger, clock });
  await sync.syncAll();
  const deps: McpDeps = {
    db: database.db,
    logger,
    clock,
    context: (requester) => ({ db: database.db, clock, logger, requester, staleAfterDays: 180 }),
    runLine,
    oncallConfigured: false,
    yamlLimits: { maxBytes: 1024 * 1024, maxDocuments: 100 },
  };
  const auth = { tokens: [{ name: 'coding-agent', secret: MCP_TOKEN }] };
  const app = createHttpApp({ db: database.db, logger, isReady: () => true, apiAuth: auth, mounts: [{ path: '/', router: mcpHttpRouter(deps, auth) }] });
  const server = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
  const url = new URL(`http://127.0.0.1:${server.port}/mcp`);
  const clients: Client[] = [];
  return {
    database,
    server,
    url,
    async connect(token = MCP_TOKEN) {
      const client = new Client({ name: 'callsheet-test', version: '0.0.0' });
      await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) await c.close().catch(() => {});
      await server.close();
      await sync.stop();
      await database.close();
    },
  };
}
