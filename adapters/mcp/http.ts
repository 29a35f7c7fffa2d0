/**
 * Streamable HTTP at POST /mcp, behind the catalog API's tokens: the token's name is who is asking.
 * Stateless (no session id): each request gets its own server and transport, so any replica can
 * answer any request and nothing is held between calls.
 */
import express, { type Request, type Response } from 'express';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { catalogUser } from '../../src/catalog/users.js';
import { apiTokenName, requireApiToken, tokenGrant, type ApiAuthOptions } from '../../src/http/api-auth.js';
import type { McpDeps } from './deps.js';
import { createMcpServer } from './server.js';

/** Bodies are JSON-RPC messages: a catalog-info.yaml for validate_entity is the largest expected. */
const BODY_LIMIT = '2mb';

export function mcpHttpRouter(deps: McpDeps, auth: ApiAuthOptions): express.Router {
  const router = express.Router();
  // Stateless: no session outlives a request, so there is nowhere to send subscription updates.
  const stateless: McpDeps = { ...deps };
  delete stateless.onCatalogChange;
  const handle = async (req: Request, res: Response) => {
    const name = apiTokenName(res);
    const token = name ?? 'open';
    // The token's User (API_TOKEN_USERS) is who templates run as; a name matching no User is nobody.
    const grant = tokenGrant(auth, name);
    const userRef = grant.user ? ((await catalogUser(deps.db, grant.user)) ?? undefined) : undefined;
    if (grant.user && !userRef) deps.logger.warn({ token, user: grant.user }, 'API_TOKEN_USERS names no catalog User; the token acts as nobody in particular');
    const server = createMcpServer(stateless, { name: token, scopes: grant.scopes, requester: { platform: 'mcp', externalId: token, displayName: token, ...(userRef ? { userRef } : {}) } });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  };
  router.post('/mcp', requireApiToken({ logger: deps.logger, ...auth }), express.json({ limit: BODY_LIMIT }), (req, res, next) => {
    handle(req, res).catch(next);
  });
  // Stateless: no server-sent stream to open and no session to end.
  router.all('/mcp', requireApiToken({ logger: deps.logger, ...auth }), (_req, res) => {
    res.status(405).setHeader('Allow', 'POST').json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: POST JSON-RPC messages to /mcp' }, id: null });
  });
  return router;
}
