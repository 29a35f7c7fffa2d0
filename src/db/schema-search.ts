/**
 * Search tables (migration 0014): one weighted tsvector per entity, written by sync through the
 * src/catalog/search-index.ts, and the vocabulary pg_trgm corrects typos against.
 */
import { customType, index, pgTable, text } from 'drizzle-orm/pg-core';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const entitySearch = pgTable(
  'entity_search',
  { ref: text('ref').primaryKey(), document: tsvector('document').notNull(), context: tsvector('context').notNull().default('') },
  (t) => [index('entity_search_document_idx').using('gin', t.document), index('entity_search_context_idx').using('gin', t.context)],
);

export const searchWords = pgTable('search_words', { word: text('word').primaryKey() }, (t) => [index('search_words_trgm_idx').using('gin', t.word.op('gin_trgm_ops'))]);
