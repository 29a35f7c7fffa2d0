/**
 * Search tables (migrations 0014, 0022): one weighted tsvector per entity, written by sync through the
 * src/catalog/search-index.ts, and the vocabulary pg_trgm corrects typos against.
 */
import { sql } from 'drizzle-orm';
import { customType, index, pgTable, text } from 'drizzle-orm/pg-core';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const entitySearch = pgTable(
  'entity_search',
  { ref: text('ref').primaryKey(), document: tsvector('document').notNull(), context: tsvector('context').notNull().default('') },
  // Migration 0022: every word anywhere, and words of the strong fields (weights A and B). Migration
  // 0023: with pending lists, which sync merges at the end of each write (search-index.ts).
  (t) => [
    index('entity_search_all_idx').using('gin', sql`(${t.document} || ${t.context})`).with({ fastupdate: true }),
    index('entity_search_strong_idx').using('gin', sql`ts_filter(${t.document}, '{a,b}')`).with({ fastupdate: true }),
  ],
);

export const searchWords = pgTable('search_words', { word: text('word').primaryKey() }, (t) => [index('search_words_trgm_idx').using('gin', t.word.op('gin_trgm_ops'))]);
