/**
 * The catalog questions as MCP tools. Each runs the same command the chat faces run (so the answer
 * and its permissions are the same), and adds what an agent wants as data: the entity JSON with
 * relations (secret annotations removed by entityJson/redactEntity) and the refs the answer names.
 */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { relationsFrom } from '../../src/catalog/queries.js';
import { resolveEntity, type ResolveOptions } from '../../src/catalog/queries-resolve.js';
import { entityJson } from '../../src/http/entity-json.js';
import type { Reply, RichText } from '../../src/reply/reply.js';
import type { McpCaller, McpDeps } from './deps.js';
import { errorResult, replyResult } from './results.js';
import type { Audited } from './audit.js';

/** Every entity ref a reply names, in order, once each: what the answer is about, as data. */
export function refsIn(reply: Reply): string[] {
  const out = new Set<string>();
  const walk = (text: RichText | undefined) => {
    for (const span of text ?? []) if (typeof span !== 'string' && (span.type === 'entity' || span.type === 'user')) out.add(span.ref);
  };
  for (const section of reply.sections) {
    walk(section.text);
    for (const f of section.fields ?? []) walk(f.value);
    for (const item of section.list ?? []) {
      walk(item.text);
      walk(item.detail);
    }
  }
  return [...out];
}

const entityInput = { entity: z.string().min(1).max(300).describe('Entity name or ref, e.g. payments-api or component:default/payments-api') };
const teamInput = { team: z.string().min(1).max(300).optional().describe('Group name or ref; omitted: the whole catalog') };

interface EntityTool {
  name: string;
  command: string;
  description: string;
  resolve: ResolveOptions;
}

const ENTITY_TOOLS: EntityTool[] = [
  { name: 'owner', command: 'owner', description: 'Who owns an entity and how to reach them (team, channel, on-call).', resolve: {} },
  { name: 'deps', command: 'deps', description: 'What an entity depends on and what depends on it.', resolve: {} },
  { name: 'system', command: 'system', description: 'A system: its components, APIs, resources and owner.', resolve: { kinds: ['system'], defaultKind: 'system' } },
  { name: 'oncall', command: 'oncall', description: 'Who is on call now for an entity or team (PagerDuty/Opsgenie).', resolve: {} },
];

/**
 * Resolves the asked-for entity; an unknown one is a tool error naming close candidates. `alongside`
 * (the command) runs while its relations are read: one database round trip less per call.
 */
export async function resolved<T = undefined>(deps: McpDeps, text: string, options: ResolveOptions, alongside?: (ref: string) => Promise<T>) {
  const r = await resolveEntity(deps.db, text, { suggestions: 5, ...options });
  if (r.status === 'found') {
    const [relations, also] = await Promise.all([relationsFrom(deps.db, [r.entity.ref]), alongside?.(r.entity.ref)]);
    return { ok: true as const, ref: r.entity.ref, entity: entityJson(r.entity, relations), also };
  }
  if (r.status === 'ambiguous') return { ok: false as const, result: errorResult(`"${text}" names several entities; pass one of these refs.`, { candidates: r.candidates.map((c) => c.ref) }) };
  const candidates = r.status === 'suggestions' ? r.candidates.map((c) => c.ref) : [];
  const hint = candidates.length ? ` Did you mean: ${candidates.join(', ')}?` : '';
  return { ok: false as const, result: errorResult(`No entity "${text}" in the catalog.${hint}`, { candidates }) };
}

export function registerCatalogTools(server: McpServer, deps: McpDeps, caller: McpCaller, audited: Audited): void {
  const ctx = () => deps.context(caller.requester);
  for (const tool of ENTITY_TOOLS) {
    if (tool.name === 'oncall' && !deps.oncallConfigured) continue;
    server.registerTool(tool.name, { description: tool.description, inputSchema: entityInput }, audited(tool.name, async ({ entity }) => {
      const found = await resolved(deps, entity, tool.resolve, (ref) => deps.runLine(`${tool.command} ${ref}`, ctx()));
      if (!found.ok) return { result: found.result, target: entity };
      const reply = found.also!;
      return { result: replyResult(reply, { entity: found.entity, refs: refsIn(reply) }), target: found.ref, reply };
    }));
  }

  server.registerTool('team', { description: 'A team (group): members, what it owns, its channel and on-call.', inputSchema: { team: z.string().min(1).max(300).describe('Group name or ref, e.g. payments') } }, audited('team', async ({ team }) => {
    const found = await resolved(deps, team, { kinds: ['group'], defaultKind: 'group' }, (ref) => deps.runLine(`team ${ref}`, ctx()));
    if (!found.ok) return { result: found.result, target: team };
    const reply = found.also!;
    return { result: replyResult(reply, { entity: found.entity, refs: refsIn(reply) }), target: found.ref, reply };
  }));

  server.registerTool('find', {
    description: 'Search the catalog by text, with optional filters in the text (kind:component owner:payments).',
    inputSchema: { query: z.string().min(1).max(500).describe('Search text, e.g. "payments kind:api"') },
  }, audited('find', async ({ query }) => {
    const reply = await deps.runLine(`find ${query}`, ctx());
    return { result: replyResult(reply, { refs: refsIn(reply), more: reply.sections.find((s) => s.more)?.more ?? null }), target: query, reply };
  }));

  for (const [name, description] of [
    ['stale', 'Catalog files nobody changed or confirmed for a long time, for a team or everyone.'],
    ['score', 'Catalog completeness scores (owner, docs, on-call, lifecycle…) for a team or everyone.'],
  ] as const) {
    server.registerTool(name, { description, inputSchema: teamInput }, audited(name, async ({ team }) => {
      const reply = await deps.runLine(team ? `${name} ${team}` : name, ctx());
      return { result: replyResult(reply, { refs: refsIn(reply) }), target: team ?? null, reply };
    }));
  }
}
