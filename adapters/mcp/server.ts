/**
 * The MCP face: one server per caller (an HTTP request's token, or the stdio user), built from the
 * core. The SDK stays here; src/ never imports it.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { auditedTools } from './audit.js';
import { registerCatalogTools } from './catalog-tools.js';
import type { McpCaller, McpDeps } from './deps.js';
import { registerResources } from './resources.js';
import { registerValidateTool } from './validate-tool.js';

export type { McpCaller, McpDeps } from './deps.js';

export const SERVER_INFO = { name: 'callsheet', version: '1.0.0' };

export function createMcpServer(deps: McpDeps, caller: McpCaller): McpServer {
  const server = new McpServer(SERVER_INFO, {
    capabilities: { tools: {}, resources: {} },
    instructions: 'Callsheet answers questions about the software catalog: who owns what, who is on call, dependencies, teams and systems.',
  });
  const audited = auditedTools(deps, caller);
  registerCatalogTools(server, deps, caller, audited);
  registerValidateTool(server, deps, audited);
  registerResources(server, deps);
  return server;
}
