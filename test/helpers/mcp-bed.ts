/**
 * The MCP face as it runs: the demo catalog synced into a real database, the real HTTP app with the
 * MCP router mounted behind API tokens, and the SDK's own Client connecting over Streamable HTTP.
 */
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { mcpHttpRouter, type McpHttpRouter } from '../../adapters/mcp/http.js';
import type { SessionOptions } from '../../adapters/mcp/http-sessions.js';
import type { McpCaller, McpDeps } from '../../adapters/mcp/deps.js';
import { createMcpServer } from '../../adapters/mcp/server.js';
import { catalogChangeListeners } from '../../src/cli/mcp-deps.js';
import { builtinActions } from '../../src/scaffolder/actions/index.js';
import { fixedClock } from '../../src/clock.js';
import { runLine } from '../../src/commands/run.js';
import { createHttpApp, startHttpServer, type RunningServer } from '../../src/http/server.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService } from '../../src/sync/service.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { demoCatalogDir } from './seed.js';
import { syncConfig, tempDir } from './sync-fixtures.js';

export const MCP_TOKEN = 'mcp-agent-test-token-0123456789abc';
/** Acts as alice-nguyen (payments), read only. */
export const ALICE_TOKEN = 'mcp-alice-test-token-0123456789abc';

/** A template only SRE may run, beside the shipped ones: for permission refusals. */
const RESTRICTED_TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: sre-runbook
  title: SRE runbook
  annotations:
    callsheet.io/allowed-groups: sre
spec:
  owner: group:default/sre
  type: documentation
  parameters: []
  steps:
    - id: log
      name: Log
      action: debug:log
      input:
        message: hello
`;

export interface McpBed {
  database: TestDatabase;
  server: RunningServer;
  url: URL;
  /** The SDK's Client over Streamable HTTP (a session: the router issues an Mcp-Session-Id), to this bed's URL or `at`. */
  connect(token?: string, at?: URL): Promise<Client>;
  /** Another replica (HTTP app and MCP router with its own sessions) on the same database. */
  replica(sessions?: SessionOptions): Promise<{ server: RunningServer; router: McpHttpRouter; url: URL }>;
  /** This bed's own MCP router (its sessions). */
  router: McpHttpRouter;
  /** A long-lived session (as stdio is) in this process, over the SDK's in-memory transport, told of catalog changes. */
  session(caller?: Partial<McpCaller>): Promise<Client>;
  /** The demo catalog's folder the bed syncs (a copy), to change and sync again. */
  catalogDir: string;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export async function startMcpBed(options: { sessions?: SessionOptions; auditBatch?: McpDeps['auditBatch'] } = {}): Promise<McpBed> {
  const database = await createTestDatabase();
  const folder = await tempDir('callsheet-mcp-catalog-');
  await cp(demoCatalogDir, folder, { recursive: true });
  const clock = fixedClock('2026-02-01T00:00:00Z');
  const logger = silentLogger();
  const templates = await tempDir('callsheet-mcp-templates-');
  await cp(new URL('../../templates', import.meta.url).pathname, templates, { recursive: true });
  await mkdir(join(templates, 'sre-runbook'));
  await writeFile(join(templates, 'sre-runbook', 'template.yaml'), RESTRICTED_TEMPLATE);
  const dataDir = await tempDir('callsheet-mcp-data-');
  const sync = createSyncService({ db: database.db, config: syncConfig({ DATA_DIR: dataDir, CATALOG_SOURCES: [folder], TEMPLATE_SOURCES: [templates] }), logger, clock });
  await sync.syncAll();
  const registrar = { register: async () => { throw new Error('the MCP bed registers nothing'); } };
  const runner = { clock, logger, actions: builtinActions({ registrar, publishGit: { reposDir: join(dataDir, 'repos') } }), workDir: join(dataDir, 'tasks') };
  const woken: number[] = [];
  const deps: McpDeps = {
    db: database.db,
    logger,
    clock,
    context: (requester) => ({ db: database.db, clock, logger, requester, staleAfterDays: 180 }),
    runLine,
    oncallConfigured: false,
    yamlLimits: { maxBytes: 1024 * 1024, maxDocuments: 100 },
    staleAfterDays: 180,
    runner,
    wake: () => woken.push(Date.now()),
    createWaitMs: 0,
    ...(options.auditBatch ? { auditBatch: options.auditBatch } : {}),
  };
  const auth = { tokens: [{ name: 'coding-agent', secret: MCP_TOKEN }, { name: 'alice-agent', secret: ALICE_TOKEN }], users: { 'alice-agent': 'alice-nguyen' } };
  const changes = catalogChangeListeners(database, logger);
  const routers: McpHttpRouter[] = [];
  const servers: RunningServer[] = [];
  // A replica: its own HTTP app and MCP router (its own sessions) on the same database, as serve mounts it.
  const replica = async (sessions = options.sessions) => {
    const router = mcpHttpRouter({ ...deps, onCatalogChange: (l) => changes.subscribe(l) }, auth, sessions);
    routers.push(router);
    const running = await startHttpServer(createHttpApp({ db: database.db, logger, isReady: () => true, apiAuth: auth, mounts: [{ path: '/', router }] }), { port: 0, host: '127.0.0.1' });
    servers.push(running);
    return { server: running, router, url: new URL(`http://127.0.0.1:${running.port}/mcp`) };
  };
  const { server, url, router } = await replica();
  const clients: Client[] = [];
  return {
    database,
    server,
    url,
    replica,
    router,
    async connect(token = MCP_TOKEN, at = url) {
      const client = new Client({ name: 'callsheet-test', version: '0.0.0' });
      await client.connect(new StreamableHTTPClientTransport(at, { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
      clients.push(client);
      return client;
    },
    async session(caller) {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const server = createMcpServer({ ...deps, onCatalogChange: (l) => changes.subscribe(l) }, { name: 'stdio:dev', scopes: ['read', 'write'], requester: { platform: 'mcp', externalId: 'stdio:dev' }, ...caller });
      await server.connect(serverSide);
      const client = new Client({ name: 'callsheet-session-test', version: '0.0.0' });
      await client.connect(clientSide);
      clients.push(client);
      return client;
    },
    catalogDir: folder,
    async sync() {
      await sync.syncAll();
    },
    async close() {
      for (const c of clients) await c.close().catch(() => {});
      for (const r of routers) await r.close();
      await changes.close();
      for (const s of servers) await s.close();
      await sync.stop();
      await database.close();
    },
  };
}
