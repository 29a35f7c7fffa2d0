/**
 * MCP sessions against the running service (startService, as `callsheet serve`), with the SDK's own
 * Client over Streamable HTTP: a session is reused and bound to its token, a subscription is told on
 * the session's GET stream when a sync changed the entity, an idle session's id gets 404, and the
 * service stops promptly with a client's stream still open.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { startService, type RunningService } from '../../src/cli/serve.js';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/logger.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/db.js';
import { demoCatalogDir } from '../helpers/seed.js';

const AGENT = 'mcp-session-agent-token-0123456789';
const OTHER = 'mcp-session-other-token-0123456789';
const URI = 'catalog://entity/component/default/payments-api';

describe('MCP sessions on the running service', () => {
  let service: RunningService;
  let database: TestDatabase | undefined;
  let dataDir: string;
  let catalogDir: string;
  const clients: Client[] = [];
  const url = () => new URL(`http://127.0.0.1:${service.port}/mcp`);
  const connect = async (token: string) => {
    const client = new Client({ name: 'agent', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(url(), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    clients.push(client);
    return client;
  };
  const post = (token: string | undefined, sessionId: string | undefined, body: unknown) =>
    fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': LATEST_PROTOCOL_VERSION, ...(token ? { authorization: `Bearer ${token}` } : {}), ...(sessionId ? { 'mcp-session-id': sessionId } : {}) },
      body: JSON.stringify(body),
    });
  const ownerCall = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'owner', arguments: { entity: 'payments-api' } } };
  const sessionOf = (client: Client) => (client.transport as StreamableHTTPClientTransport).sessionId;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'callsheet-mcp-sessions-'));
    catalogDir = join(dataDir, 'catalog');
    await cp(demoCatalogDir, catalogDir, { recursive: true });
    if (testDatabaseUrl()) database = await createTestDatabase();
    const config = loadConfig({
      DATA_DIR: join(dataDir, 'data'),
      ...(database?.url ? { DATABASE_URL: database.url } : {}),
      CATALOG_SOURCES: catalogDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      NUDGE_ENABLED: 'false',
      API_TOKENS: `agent:${AGENT},other:${OTHER}`,
      MCP_SESSION_IDLE: '1s',
    });
    service = await startService(config, { shell: false, logger: silentLogger() });
    await service.firstSync;
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await service?.stop();
    await database?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('reuses one session for every call; another token or none is refused', async () => {
    const agent = await connect(AGENT);
    const id = sessionOf(agent);
    expect(id).toBeTruthy();
    for (let i = 0; i < 3; i++) expect((await agent.callTool({ name: 'owner', arguments: { entity: 'payments-api' } })).isError).toBeFalsy();
    expect(sessionOf(agent)).toBe(id);
    expect((await post(AGENT, id, ownerCall)).status).toBe(200);
    expect((await post(OTHER, id, ownerCall)).status).toBe(404);
    expect((await post(undefined, id, ownerCall)).status).toBe(401);
  });

  it('tells a subscribed session on its GET stream when a sync changed the entity', async () => {
    const agent = await connect(AGENT);
    const updated: string[] = [];
    agent.setNotificationHandler(ResourceUpdatedNotificationSchema, async (n) => void updated.push(n.params.uri));
    await agent.readResource({ uri: URI });
    await agent.subscribeResource({ uri: URI });
    const file = join(catalogDir, 'components', 'payments.yaml');
    const before = await readFile(file, 'utf8');
    await writeFile(file, before.replace('Public API for creating, capturing and refunding card and bank payments', 'Public API for payments (changed on the service)'));
    await service.runtime.sync.syncAll();
    await vi.waitFor(() => expect(updated).toEqual([URI]), { timeout: 10_000 });
    const read = await agent.readResource({ uri: URI });
    expect((read.contents[0] as { text: string }).text).toContain('(changed on the service)');
  });

  it('an idle session ends: its id gets 404 and the client initialises again', async () => {
    const agent = await connect(AGENT);
    const id = sessionOf(agent)!;
    // A client gone without DELETE: its stream closes and the idle clock (MCP_SESSION_IDLE=1s) runs.
    await agent.close();
    await new Promise((r) => setTimeout(r, 1500));
    const expired = await post(AGENT, id, ownerCall);
    expect(expired.status).toBe(404);
    const again = await connect(AGENT);
    expect(sessionOf(again)).not.toBe(id);
    expect((await again.callTool({ name: 'owner', arguments: { entity: 'payments-api' } })).isError).toBeFalsy();
  });

  it('stops promptly with a client\'s stream still open', async () => {
    const agent = await connect(AGENT);
    // The client opens its GET stream once initialised; a call after that finds it open.
    await new Promise((r) => setTimeout(r, 300));
    expect((await agent.callTool({ name: 'owner', arguments: { entity: 'payments-api' } })).isError).toBeFalsy();
    const started = Date.now();
    await service.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 20_000);
});
