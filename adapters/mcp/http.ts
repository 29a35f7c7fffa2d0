/**
 * Streamable HTTP at /mcp, behind the catalog API's tokens: the token's name is who is asking.
 * `initialize` opens a session (Mcp-Session-Id, http-sessions.ts): later POSTs reuse its server, GET
 * opens its stream for notifications (resource subscriptions), DELETE ends it. A request without a
 * session id that is not `initialize` is answered statelessly by a server kept per token. With
 * maxSessions 0 nothing is held: `initialize` gets no session id, so any replica answers any request.
 */
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { catalogUser } from '../../src/catalog/users.js';
import { apiTokenName, requireApiToken, tokenGrant, type ApiAuthOptions } from '../../src/http/api-auth.js';
import type { McpCaller, McpDeps } from './deps.js';
import { createSessionStore, type SessionOptions } from './http-sessions.js';
import { createMcpServer } from './server.js';

/** Bodies are JSON-RPC messages: a catalog-info.yaml for validate_entity is the largest expected. */
const BODY_LIMIT = '2mb';
/** Idle stateless servers kept per token (one per request in flight at once; more are made and dropped). */
const POOL_PER_TOKEN = 4;
/** A pooled server's caller (the token's User, looked up in the catalog) is read again after this. */
const POOL_TTL_MS = 60_000;

export const DEFAULT_SESSION_OPTIONS: SessionOptions = { idleMs: 30 * 60_000, maxSessions: 1000 };

export type McpHttpRouter = express.Router & { close(): Promise<void>; sessionCount(): number };

/**
 * Whether a body opens a session. Only its method is looked at (the transport checks the rest):
 * the SDK's isInitializeRequest is a full schema parse, and a failed one (every tools/call) builds
 * a zod error, a visible share of a stateless call's CPU.
 */
const opensSession = (body: unknown) => (Array.isArray(body) ? body : [body]).some((m) => typeof m === 'object' && m !== null && (m as { method?: unknown }).method === 'initialize');

const jsonRpcError = (res: Response, status: number, code: number, message: string) => void res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });
const sessionNotFound = (res: Response) =>
  jsonRpcError(res, 404, -32001, 'Session not found: it ended, expired, belongs to another token, or was opened on another replica; initialize a new session');

export function mcpHttpRouter(deps: McpDeps, auth: ApiAuthOptions, options: SessionOptions = DEFAULT_SESSION_OPTIONS): McpHttpRouter {
  const router = express.Router();
  // A stateless request has no stream to send subscription updates on.
  const stateless: McpDeps = { ...deps };
  delete stateless.onCatalogChange;
  const store = createSessionStore(options, deps.logger);
  const pools = new Map<string, Array<{ server: McpServer; made: number }>>();

  const callerFor = async (name: string | undefined): Promise<McpCaller> => {
    const token = name ?? 'open';
    // The token's User (API_TOKEN_USERS) is who templates run as; a name matching no User is nobody.
    const grant = tokenGrant(auth, name);
    const userRef = grant.user ? ((await catalogUser(deps.db, grant.user)) ?? undefined) : undefined;
    if (grant.user && !userRef) deps.logger.warn({ token, user: grant.user }, 'API_TOKEN_USERS names no catalog User; the token acts as nobody in particular');
    return { name: token, scopes: grant.scopes, requester: { platform: 'mcp', externalId: token, displayName: token, ...(userRef ? { userRef } : {}) } };
  };

  const openSession = async (req: Request, res: Response, token: string) => {
    const server = createMcpServer(deps, await callerFor(apiTokenName(res)));
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      enableJsonResponse: true,
      onsessioninitialized: (id) => store.add({ id, token, server, transport }),
      onsessionclosed: (id) => store.end(id),
    });
    transport.onclose = () => transport.sessionId && store.end(transport.sessionId);
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
    // An initialize the transport refused opened nothing.
    if (!transport.sessionId) await server.close();
  };

  const statelessRequest = async (req: Request, res: Response, token: string) => {
    const pool = pools.get(token) ?? [];
    pools.set(token, pool);
    let pooled = pool.pop();
    // A token's User may have arrived with a sync since: an old server is replaced, not reused.
    while (pooled && Date.now() - pooled.made > POOL_TTL_MS) pooled = pool.pop();
    const entry = pooled ?? { server: createMcpServer(stateless, await callerFor(apiTokenName(res))), made: Date.now() };
    const { server } = entry;
    // The SDK's stateless transport answers one request; the server (its tools built once) is reused.
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    // Closing the server disconnects it from this request's transport, so it can take the next one;
    // a client gone while the server was made still releases it.
    const release = () => void server.close().then(() => void (pool.length < POOL_PER_TOKEN && pool.push(entry)));
    if (res.closed) release();
    else res.on('close', release);
    await transport.handleRequest(req, res, req.body);
  };

  const post = async (req: Request, res: Response) => {
    const token = apiTokenName(res) ?? 'open';
    const id = req.header('mcp-session-id');
    if (id) {
      const session = store.find(id, token);
      if (!session) return sessionNotFound(res);
      return session.transport.handleRequest(req, res, req.body);
    }
    if (options.maxSessions > 0 && opensSession(req.body)) return openSession(req, res, token);
    return statelessRequest(req, res, token);
  };

  // GET opens the session's stream (notifications); DELETE ends the session.
  const stream = async (req: Request, res: Response) => {
    const id = req.header('mcp-session-id');
    if (!id) {
      if (req.method === 'GET') return void res.status(405).setHeader('Allow', 'POST').json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: GET /mcp needs an Mcp-Session-Id (initialize first)' }, id: null });
      return jsonRpcError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    }
    const session = store.find(id, apiTokenName(res) ?? 'open');
    if (!session) return sessionNotFound(res);
    if (req.method === 'GET') store.holdStream(session, (closed) => res.on('close', closed));
    return session.transport.handleRequest(req, res);
  };

  const authed = requireApiToken({ logger: deps.logger, ...auth });
  router.post('/mcp', authed, express.json({ limit: BODY_LIMIT }), (req, res, next) => void post(req, res).catch(next));
  router.get('/mcp', authed, (req, res, next) => void stream(req, res).catch(next));
  router.delete('/mcp', authed, (req, res, next) => void stream(req, res).catch(next));
  router.all('/mcp', authed, (_req, res) => {
    res.status(405).setHeader('Allow', 'GET, POST, DELETE').json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: POST JSON-RPC messages to /mcp' }, id: null });
  });
  return Object.assign(router, {
    sessionCount: () => store.size,
    async close() {
      await store.closeAll();
      pools.clear();
    },
  });
}
