/**
 * The MCP face: one server per caller (an HTTP session or token, or the stdio user), built from the
 * core. The SDK stays here; src/ never imports it.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { auditedTools } from './audit.js';
import { registerCatalogTools } from './catalog-tools.js';
import type { McpCaller, McpDeps } from './deps.js';
import { registerResources } from './resources.js';
import { registerValidateTool } from './validate-tool.js';
import { registerAgentsMdTool } from './agents-md-tool.js';
import { registerSubscriptions } from './subscriptions.js';
import { registerTemplateTools } from './template-tools.js';

export type { McpCaller, McpDeps } from './deps.js';

export const SERVER_INFO = { name: 'callsheet', version: '1.0.0' };

/**
 * One validator for every server: HTTP makes a server per session (and per token for stateless
 * requests), and the SDK's default is a new Ajv instance (formats compiled) each time.
 */
const sharedValidator = new AjvJsonSchemaValidator();

export function createMcpServer(deps: McpDeps, caller: McpCaller): McpServer {
  const server = new McpServer(SERVER_INFO, {
    capabilities: { tools: {}, resources: {} },
    jsonSchemaValidator: sharedValidator,
    instructions:
      'Callsheet answers questions about the software catalog: who owns what, who is on call, dependencies, teams and systems; agents_md gives one component\'s context as Markdown. ' +
      'To create software: list_templates, describe_template (its parameters as JSON Schema), create_dry_run, then create.',
  });
  const audited = auditedTools(deps, caller);
  registerCatalogTools(server, deps, caller, audited);
  registerValidateTool(server, deps, audited);
  registerTemplateTools(server, deps, caller, audited);
  registerAgentsMdTool(server, deps, audited);
  registerResources(server, deps);
  const stopSubscriptions = registerSubscriptions(server, deps);
  const close = server.close.bind(server);
  server.close = async () => {
    stopSubscriptions();
    await close();
  };
  return server;
}
