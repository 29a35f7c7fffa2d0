/** The MCP server on stdin/stdout (the SDK stays in adapters/); resolves when the client hangs up. */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { McpCaller, McpDeps } from './deps.js';
import { createMcpServer } from './server.js';

export async function serveMcpStdio(deps: McpDeps, caller: McpCaller): Promise<void> {
  const server = createMcpServer(deps, caller);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    process.stdin.once('end', resolve);
  });
  await server.connect(transport);
  await closed;
  await server.close();
}
