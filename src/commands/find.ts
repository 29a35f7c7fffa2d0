/** `find <text>`: ranked search over names, titles, descriptions and tags. */
import { suggest, searchCatalog } from '../catalog/search.js';
import { shortRef } from '../catalog/refs.js';
import { usageReply } from './args.js';
import { LIST_LIMIT, entitySpan, kindLabel, unresolvedReply } from './catalog-spans.js';
import type { Reply } from '../reply/reply.js';
import type { Command } from './types.js';

export const findEntitiesCommand: Command = {
  name: 'find',
  aliases: ['search'],
  summary: 'Search the catalog by name, title, description or tag',
  usage: 'find <text>',
  example: 'find ledger',
  async run(args, ctx) {
    const text = args.trim();
    if (!text) return usageReply(findEntitiesCommand);
    const { hits, total } = await searchCatalog(ctx.db, text, { limit: LIST_LIMIT });
    if (!hits.length) {
      const close = await suggest(ctx.db, text, { limit: 5 });
      return unresolvedReply('owner', text, close.length ? { status: 'suggestions', candidates: close.map((c) => c.row) } : { status: 'none' });
    }
    const reply: Reply = {
      summary: `${total} ${total === 1 ? 'match' : 'matches'} for "${text}"; best: ${shortRef(hits[0].row.ref)}.`,
      header: `Search: ${text}`,
      sections: [
        {
          list: hits.map(({ row, matched }) => ({
            text: [entitySpan(row), ` — ${kindLabel(row.kind)}${row.type ? ` (${row.type})` : ''}`],
            detail: [row.description ?? (matched === 'tag' ? `tags: ${row.tags.join(', ')}` : 'No description.')],
            button: { label: 'Owner', action: { type: 'command', command: `owner ${row.ref}` } },
          })),
          ...(total > hits.length ? { more: { count: total - hits.length } } : {}),
        },
      ],
    };
    if (total > hits.length) reply.context = [['Add words to narrow the search, e.g. ', { type: 'code', text: `find ${text} service` }, '.']];
    return reply;
  },
};
