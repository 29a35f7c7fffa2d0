/**
 * Streamable HTTP at POST /mcp, behind the catalog API's tokens: the token's name is who is asking.
 * Stateless (no session id): each request gets its own server and transport, so any replica can
 * answer any request and nothing is held between calls.
 */
import express, { type Request, type Response } from 'express';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { apiTokenName, requireApiToken, type ApiAuthOptions } from '../../src/http/api-auth.js';
import type { McpDeps } from './deps.js';
import { createMcpServer } from './server.js';

/** Bodies are JSON-RPC messages: a catalog-info.yaml for validate_entity is the largest expected. */
const BODY_LIMIT = '2mb';

export function mcpHttpRouter(deps: McpDeps, auth: ApiAuthOptions): express.Router {
  const router = express.Router();
  const handle = async (req: Request, res: Response) => {
    const token = apiTokenName(res) ?? 'open';
    const server = createMcpServer(deps, { name: token, requester: { platform: 'mcp', externalId: token, displayName: token } });
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
