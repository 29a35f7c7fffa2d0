/**
 * Search tables (migration 0014): one weighted tsvector per entity, written by sync through the
 * SQL function `callsheet_index_search`, and the vocabulary pg_trgm corrects typos against.
 */
import { customType, index, pgTable, text } from 'drizzle-orm/pg-core';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const entitySearch = pgTable('entity_search', { ref: text('ref').primaryKey(), document: tsvector('document').notNull() }, (t) => [
  index('entity_search_document_idx').using('gin', t.document),
]);

export const searchWords = pgTable('search_words', { word: text('word').primaryKey() }, (t) => [index('search_words_trgm_idx').using('gist', t.word.op('gist_trgm_ops'))]);
