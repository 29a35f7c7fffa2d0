/**
 * The compose-box search (a search-based message extension): results are thumbnail cards; picking one
 * asks the bot (`composeExtension/selectItem`) for the entity's full Adaptive Card, which Teams inserts.
 */
import { searchCatalog } from '../../src/catalog/search.js';
import type { Db } from '../../src/db/client.js';
import type { CardJson } from './render-card.js';

export const SEARCH_COMMAND_ID = 'searchCatalog';
export const MAX_RESULTS = 25;

export interface SearchHit {
  ref: string;
  title: string;
  kind: string;
  description?: string;
}

/** The compose-box search over the catalog: the same ranked search as `find`. */
export function catalogSearch(db: Db): (text: string, limit: number) => Promise<SearchHit[]> {
  return async (text, limit) => {
    const { hits } = await searchCatalog(db, text, { limit });
    return hits.map(({ row }) => ({ ref: row.ref, title: row.title ?? row.name, kind: row.kind, ...(row.description ? { description: row.description } : {}) }));
  };
}

export interface ExtensionQuery {
  commandId?: string;
  parameters?: Array<{ name?: string; value?: unknown }>;
  queryOptions?: { skip?: number; count?: number };
}

/** The search text of a query, or undefined for the initial run (the box opened, nothing typed). */
export function queryText(query: ExtensionQuery): string | undefined {
  const params = query.parameters ?? [];
  if (params.some((p) => p.name === 'initialRun')) return undefined;
  const value = params.find((p) => typeof p.value === 'string')?.value as string | undefined;
  const text = value?.trim().slice(0, 100);
  return text ? text : undefined;
}

export function resultLimit(query: ExtensionQuery): number {
  const count = Number(query.queryOptions?.count ?? MAX_RESULTS);
  return Math.max(1, Math.min(MAX_RESULTS, Number.isFinite(count) ? count : MAX_RESULTS));
}

function thumbnail(hit: SearchHit, withTap: boolean) {
  return {
    contentType: 'application/vnd.microsoft.card.thumbnail',
    content: {
      title: hit.title,
      subtitle: hit.kind,
      text: (hit.description ?? '').slice(0, 200),
      ...(withTap ? { tap: { type: 'invoke', value: { ref: hit.ref } } } : {}),
    },
  };
}

export function searchResults(hits: SearchHit[]) {
  return {
    composeExtension: {
      type: 'result',
      attachmentLayout: 'list',
      attachments: hits.map((hit) => ({ ...thumbnail(hit, true), preview: thumbnail(hit, true) })),
    },
  };
}

export function searchHint(text: string) {
  return { composeExtension: { type: 'message', text } };
}

export function selectedCard(hit: SearchHit, card: CardJson) {
  return {
    composeExtension: {
      type: 'result',
      attachmentLayout: 'list',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card, preview: thumbnail(hit, false) }],
    },
  };
}
