/**
 * MCP sessions over Streamable HTTP (issue 17): the SDK's own Client and raw requests against the
 * real HTTP app and MCP router. A session is reused, belongs to its token, is told of a sync's change
 * on its GET stream, ends on DELETE, on idling and at the limit, and is unknown (404) on another
 * replica; requests without a session are answered statelessly.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { MAX_SUBSCRIPTIONS } from '../../adapters/mcp/subscriptions.js';
import { ALICE_TOKEN, MCP_TOKEN, startMcpBed, type McpBed } from '../helpers/mcp-bed.js';

const IDLE_MS = 400;
let bed: McpBed;
beforeAll(async () => {
  bed = await startMcpBed({ sessions: { idleMs: IDLE_MS, maxSessions: 50 } });
}, 120_000);
afterAll(async () => bed?.close());

const headers = (token: string | undefined, sessionId?: string) => ({
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': LATEST_PROTOCOL_VERSION,
  ...(token ? { authorization: `Bearer ${token}` } : {}),
  ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
});
const post = (url: URL, token: string | undefined, body: unknown, sessionId?: string) => fetch(url, { method: 'POST', headers: headers(token, sessionId), body: JSON.stringify(body) });
const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'raw', version: '0' } } };
const ownerCall = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'owner', arguments: { entity: 'payments-api' } } };
/** A session opened with a bare initialize (no GET stream held open, so it can idle). */
const openRaw = async (url = bed.url, token = MCP_TOKEN) => {
  const res = await post(url, token, initialize);
  expect(res.status).toBe(200);
  const id = res.headers.get('mcp-session-id');
  expect(id).toBeTruthy();
  return id!;
};
const sessionOf = (client: { transport?: unknown }) => (client.transport as StreamableHTTPClientTransport).sessionId;

describe('MCP sessions over Streamable HTTP', () => {
  it('initialize opens a session whose server answers every later call', async () => {
    const client = await bed.connect();
    const id = sessionOf(client);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const before = bed.router.sessionCount();
    for (let i = 0; i < 3; i++) expect((await client.callTool({ name: 'owner', arguments: { entity: 'payments-api' } })).isError).toBeFalsy();
    expect((await client.listTools()).tools.length).toBeGreaterThan(5);
    expect(sessionOf(client)).toBe(id);
    expect(bed.router.sessionCount()).toBe(before);
    const raw = await post(bed.url, MCP_TOKEN, ownerCall, id);
    expect(raw.status).toBe(200);
    expect(JSON.stringify(await raw.json())).toContain('payments-api');
  });

  it('refuses a session id presented with another token, or with none', async () => {
    const client = await bed.connect();
    const id = sessionOf(client)!;
    const stolen = await post(bed.url, ALICE_TOKEN, ownerCall, id);
    expect(stolen.status).toBe(404);
    expect(((await stolen.json()) as { error: { code: number } }).error.code).toBe(-32001);
    expect((await fetch(bed.url, { method: 'DELETE', headers: headers(ALICE_TOKEN, id) })).status).toBe(404);
    expect((await fetch(bed.url, { method: 'GET', headers: { ...headers(ALICE_TOKEN, id), accept: 'text/event-stream' } })).status).toBe(404);
    expect((await post(bed.url, undefined, ownerCall, id)).status).toBe(401);
    expect((await fetch(bed.url, { method: 'DELETE', headers: headers(undefined, id) })).status).toBe(401);
    expect((await fetch(bed.url, { method: 'GET', headers: headers(undefined, id) })).status).toBe(401);
    // The owner's session is untouched by the refusals.
    expect((await client.callTool({ name: 'owner', arguments: { entity: 'payments-api' } })).isError).toBeFalsy();
  });

  it('a subscribed HTTP session is told on its GET stream when a sync changed the entity', async () => {
    const client = await bed.connect();
    expect(client.getServerCapabilities()?.resources?.subscribe).toBe(true);
    const updated: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, async (n) => void updated.push(n.params.uri));
    const uri = 'catalog://entity/component/default/payments-api';
    await client.readResource({ uri });
    await client.subscribeResource({ uri });
    await client.subscribeResource({ uri: 'catalog://entity/component/default/ledger-service' });
    const file = join(bed.catalogDir, 'components', 'payments.yaml');
    const before = await readFile(file, 'utf8');
    try {
      await writeFile(file, before.replace('Public API for creating, capturing and refunding card and bank payments', 'Public API for payments (changed over HTTP)'));
      await bed.sync();
      await vi.waitFor(() => expect(updated).toContain(uri), { timeout: 10_000 });
      expect(updated).not.toContain('catalog://entity/component/default/ledger-service');
      const read = await client.readResource({ uri });
      expect((read.contents[0] as { text: string }).text).toContain('(changed over HTTP)');
    } finally {
      await writeFile(file, before);
      await bed.sync();
    }
  });

  it('a session may watch at most MAX_SUBSCRIPTIONS resources', async () => {
    const client = await bed.connect();
    // Distinct URIs of one entity (the path is case-insensitive), so the demo catalog is enough.
    const variant = (i: number) => `catalog://entity/component/default/${[...'payments-api'].map((c, j) => ((i >> j) & 1 ? c.toUpperCase() : c)).join('')}`;
    for (let i = 0; i < MAX_SUBSCRIPTIONS; i++) await client.subscribeResource({ uri: variant(i) });
    await client.subscribeResource({ uri: variant(0) });
    await expect(client.subscribeResource({ uri: variant(MAX_SUBSCRIPTIONS) })).rejects.toThrow(/Too many subscriptions/);
    await client.unsubscribeResource({ uri: variant(1) });
    await client.subscribeResource({ uri: variant(MAX_SUBSCRIPTIONS) });
  });

  it('a session with its stream open does not idle out; one without does, and its id then gets 404', async () => {
    const client = await bed.connect();
    const idle = await openRaw();
    await new Promise((r) => setTimeout(r, IDLE_MS * 2.5));
    expect((await client.callTool({ name: 'owner', arguments: { entity: 'payments-api' } })).isError).toBeFalsy();
    const expired = await post(bed.url, MCP_TOKEN, ownerCall, idle);
    expect(expired.status).toBe(404);
    expect(((await expired.json()) as { error: { message: string } }).error.message).toMatch(/initialize a new session/);
    // What a client does on 404: initialise again, which works.
    expect(await openRaw()).not.toBe(idle);
  });

  it('DELETE ends a session; its id is then unknown', async () => {
    const client = await bed.connect();
    const id = sessionOf(client)!;
    await (client.transport as StreamableHTTPClientTransport).terminateSession();
    expect((await post(bed.url, MCP_TOKEN, ownerCall, id)).status).toBe(404);
  });

  it('holds at most maxSessions: a new one ends the least recently used idle one', async () => {
    const small = await bed.replica({ idleMs: 60_000, maxSessions: 2 });
    const [first, second] = [await openRaw(small.url), await openRaw(small.url)];
    // Used last, so the first is the least recently used when a third arrives.
    expect((await post(small.url, MCP_TOKEN, ownerCall, first)).status).toBe(200);
    const third = await openRaw(small.url);
    expect(small.router.sessionCount()).toBe(2);
    expect((await post(small.url, MCP_TOKEN, ownerCall, second)).status).toBe(404);
    expect((await post(small.url, MCP_TOKEN, ownerCall, first)).status).toBe(200);
    expect((await post(small.url, MCP_TOKEN, ownerCall, third)).status).toBe(200);
  });

  it('a session id reaching another replica gets 404, and the client initialises there', async () => {
    const other = await bed.replica();
    const id = await openRaw(bed.url);
    const elsewhere = await post(other.url, MCP_TOKEN, ownerCall, id);
    expect(elsewhere.status).toBe(404);
    expect(((await elsewhere.json()) as { error: { code: number } }).error.code).toBe(-32001);
    const client = await bed.connect(MCP_TOKEN, other.url);
    expect((await client.callTool({ name: 'owner', arguments: { entity: 'payments-api' } })).isError).toBeFalsy();
  });

  it('answers requests without a session statelessly, and MCP_MAX_SESSIONS=0 issues no session id', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await post(bed.url, ALICE_TOKEN, ownerCall);
      expect(res.status).toBe(200);
      expect(res.headers.get('mcp-session-id')).toBeNull();
      expect(JSON.stringify(await res.json())).toContain('payments-api');
    }
    // More at once than a token's pool holds: each gets a server of its own, and all are answered.
    const together = await Promise.all(Array.from({ length: 6 }, () => post(bed.url, ALICE_TOKEN, ownerCall)));
    expect(together.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect((await post(bed.url, ALICE_TOKEN, ownerCall)).status).toBe(200);
    const stateless = await bed.replica({ idleMs: IDLE_MS, maxSessions: 0 });
    const init = await post(stateless.url, MCP_TOKEN, initialize);
    expect(init.status).toBe(200);
    expect(init.headers.get('mcp-session-id')).toBeNull();
    const client = await bed.connect(MCP_TOKEN, stateless.url);
    expect(sessionOf(client)).toBeUndefined();
    expect((await client.callTool({ name: 'owner', arguments: { entity: 'payments-api' } })).isError).toBeFalsy();
    expect(stateless.router.sessionCount()).toBe(0);
  });
});
