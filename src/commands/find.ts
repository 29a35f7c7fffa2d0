/** `find <text>`: ranked full-text search (src/catalog/search-text.ts), with filters and typo correction. */
import { COUNT_CAP, closestNames, searchCatalog, type SearchResult } from '../catalog/search.js';
import { shortRef } from '../catalog/refs.js';
import { usageReply } from './args.js';
import { LIST_LIMIT, entitySpan, kindLabel } from './catalog-spans.js';
import type { Reply, RichText } from '../reply/reply.js';
import type { Command } from './types.js';

/** A filter that really narrows these hits: the kind (or type) most of them share, when they differ. */
function narrowing(result: SearchResult): string | undefined {
  const { filters, phrase } = result.parsed;
  const common = (values: (string | null)[]) => {
    const counts = new Map<string, number>();
    for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
    const sorted = [...counts].sort((a, b) => b[1] - a[1]);
    return sorted.length > 1 ? sorted[0]![0] : undefined;
  };
  const kind = filters.kind ? undefined : common(result.hits.map((h) => h.row.kind));
  if (kind) return `find ${phrase} kind:${kind}`;
  const type = filters.type ? undefined : common(result.hits.map((h) => h.row.type?.toLowerCase() ?? null));
  if (type) return `find ${phrase} type:${type}`;
  return undefined;
}

async function nothingFound(text: string, ctx: Parameters<Command['run']>[1]): Promise<Reply> {
  const close = await closestNames(ctx.db, text, 5);
  if (close.length) {
    return {
      summary: `Nothing matched "${text}". Closest names: ${close.map((r) => shortRef(r.ref)).join(', ')}.`,
      sections: [
        {
          text: ['Nothing matched ', { type: 'bold', text }, '. Closest names:'],
          list: close.map((row) => ({ text: [entitySpan(row), ` — ${kindLabel(row.kind)}`], button: { label: 'Owner', action: { type: 'command', command: `owner ${row.ref}` } } })),
        },
      ],
      isError: true,
    };
  }
  return {
    summary: `Nothing matched "${text}". Try one distinctive word, a team (team <name>), or help.`,
    sections: [{ text: ['Nothing matched ', { type: 'bold', text }, '. Try one distinctive word (a name, tag or team), ', { type: 'code', text: 'team <name>' }, ', or ', { type: 'code', text: 'help' }, '.'] }],
    isError: true,
  };
}

export const findEntitiesCommand: Command = {
  name: 'find',
  aliases: ['search'],
  summary: 'Search the catalog (names, titles, descriptions, tags, owners, systems, APIs); filters kind: type: owner: system: tag: lifecycle:',
  usage: 'find <text> [kind:<kind>] [owner:<team>] …',
  example: 'find pci service',
  async run(args, ctx) {
    const text = args.trim();
    if (!text) return usageReply(findEntitiesCommand);
    const result = await searchCatalog(ctx.db, text, { limit: LIST_LIMIT });
    const { hits, total, corrections } = result;
    if (!hits.length) return nothingFound(text, ctx);
    const reply: Reply = {
      summary: `${total}${total >= COUNT_CAP ? '+' : ''} ${total === 1 ? 'match' : 'matches'} for "${text}"; best: ${shortRef(hits[0]!.row.ref)}.`,
      header: `Search: ${text}`,
      sections: [
        {
          list: hits.map(({ row }) => ({
            text: [entitySpan(row), ` — ${kindLabel(row.kind)}${row.type ? ` (${row.type})` : ''}`],
            detail: [row.description ?? (row.tags.length ? `tags: ${row.tags.join(', ')}` : 'No description.')],
            button: { label: 'Owner', action: { type: 'command', command: `owner ${row.ref}` } },
          })),
          ...(total > hits.length ? { more: { count: total - hits.length } } : {}),
        },
      ],
    };
    const context: RichText = [];
    const fixed = Object.entries(corrections);
    if (fixed.length) context.push(`Also searched for ${fixed.map(([typed, word]) => `"${word}" (for "${typed}")`).join(', ')}. `);
    const narrower = total > hits.length ? narrowing(result) : undefined;
    if (narrower) context.push('Narrow it down with a filter, e.g. ', { type: 'code', text: narrower }, '.');
    if (context.length) reply.context = [context];
    return reply;
  },
};
