/** `agents_md`: the AGENTS.md the catalog says for one component, as `callsheet agents-md` prints it. */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { agentsMdOf } from '../../src/catalog/agents-md-facts.js';
import { getEntity } from '../../src/catalog/queries.js';
import type { Audited } from './audit.js';
import { resolved } from './catalog-tools.js';
import type { McpDeps } from './deps.js';

export function registerAgentsMdTool(server: McpServer, deps: McpDeps, audited: Audited): void {
  server.registerTool('agents_md', {
    description: 'Concise Markdown context for one component (AGENTS.md): what it is, owner and how to reach them, system, dependencies both ways, APIs, docs, runbook, open catalog problems.',
    inputSchema: { entity: z.string().min(1).max(300).describe('Component name or ref, e.g. payments-api') },
  }, audited('agents_md', async ({ entity }) => {
    const found = await resolved(deps, entity, {});
    if (!found.ok) return { result: found.result, target: entity };
    const row = (await getEntity(deps.db, found.ref))!;
    const markdown = await agentsMdOf(deps.db, row, { now: deps.clock.now(), staleAfterDays: deps.staleAfterDays });
    return { result: { content: [{ type: 'text', text: markdown }], structuredContent: { ref: found.ref, markdown } }, target: found.ref };
  }));
}
