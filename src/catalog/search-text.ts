/**
 * Ranked full-text search (`find`, the Teams compose-box search, entity typeaheads): every word is
 * matched by prefix after English stemming, anywhere in the entity's weighted document (migration
 * 0014), a word found in no document is corrected to the nearest word of the catalog's vocabulary
 * by trigram similarity, and hits are ordered by how many words they match, then by field weight
 * (search-rank.ts: candidates by index, then ranking).
 * The same SQL runs on Postgres and PGlite (pg_trgm is one of PGlite's contrib extensions).
 */
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { distance } from 'fastest-levenshtein';
import { query, type Db } from '../db/client.js';
import { textArray } from '../db/copy.js';
import { entities } from '../db/schema.js';
import type { EntityRow } from './queries.js';
import { alternatives, parseSearch, type ParsedSearch } from './search-query.js';
import { COUNT_CAP, rankCandidates } from './search-rank.js';

export interface SearchHit {
  row: EntityRow;
  /** How many of the words it matched. */
  matched: number;
  /** ts_rank of the document (field weights A 1.0, B 0.4, C 0.2, D 0.1). */
  score: number;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Entities that matched every word (or, when none did, any word), counted up to COUNT_CAP. */
  total: number;
  /** Words found nowhere, with the catalog word searched for as well. */
  corrections: Record<string, string>;
  parsed: ParsedSearch;
}

export { COUNT_CAP } from './search-rank.js';

/**
 * Per term found in no word of the catalog (as a prefix): the nearest catalog word. pg_trgm's `%`
 * picks a few by trigram similarity (GIN: cheap to keep up as sync writes); edit distance (at most a quarter of the word, at least one)
 * decides, since a transposition (`paymnets`) costs trigrams but only two edits, while `find` is
 * three edits from `finance`.
 */
async function correct(db: Db, terms: string[]): Promise<Map<string, string>> {
  const typed = terms.filter((t) => t.length >= 3);
  if (!typed.length) return new Map();
  // Only words no catalog word starts with are looked up by trigram (that look-up is the costly part).
  const known = await query<{ term: string }>(
    db,
    sql`select t.term from unnest(${textArray(typed)}::text[]) as t(term) where exists (select 1 from search_words w where w.word >= t.term and w.word < t.term || chr(1114111))`,
  );
  const unknown = typed.filter((t) => !known.some((k) => k.term === t));
  if (!unknown.length) return new Map();
  const rows = await query<{ term: string; near: string }>(
    db,
    sql`select t.term, n.word as near from unnest(${textArray(unknown)}::text[]) as t(term)
        join lateral (select w.word from search_words w where w.word % t.term order by similarity(w.word, t.term) desc, w.word limit 5) as n on true`,
  );
  const out = new Map<string, string>();
  for (const term of unknown) {
    const allowed = Math.max(1, Math.floor(term.length / 4));
    const best = rows
      .filter((r) => r.term === term)
      .map((r) => ({ word: r.near, edits: distance(term, r.near) }))
      .filter((c) => c.edits <= allowed)
      .sort((x, y) => x.edits - y.edits)[0];
    if (best) out.set(term, best.word);
  }
  return out;
}

function refValue(kind: string, value: string): string[] {
  return value.includes(':') ? [value] : [`${kind}:default/${value}`, ...(kind === 'group' ? [`user:default/${value}`] : [])];
}

function filterConditions(parsed: ParsedSearch, kinds: readonly string[] | undefined): SQL[] {
  const f = parsed.filters;
  const out: SQL[] = [];
  if (kinds?.length) out.push(inArray(entities.kind, [...kinds]));
  if (f.kind) out.push(eq(entities.kind, f.kind));
  if (f.type) out.push(sql`lower(${entities.type}) = ${f.type}`);
  if (f.lifecycle) out.push(sql`lower(${entities.lifecycle}) = ${f.lifecycle}`);
  if (f.owner) out.push(inArray(entities.ownerRef, refValue('group', f.owner)));
  if (f.system) out.push(inArray(entities.systemRef, refValue('system', f.system)));
  if (f.tag) out.push(sql`exists (select 1 from unnest(${entities.tags}) as t(tag) where lower(t.tag) = ${f.tag})`);
  return out;
}

export async function searchCatalog(db: Db, text: string, options: { limit?: number; kinds?: readonly string[] } = {}): Promise<SearchResult> {
  const parsed = parseSearch(text);
  const limit = Math.max(1, Math.min(options.limit ?? 50, 200));
  const filters = filterConditions(parsed, options.kinds);
  if (!parsed.terms.length) {
    if (!Object.keys(parsed.filters).length) return { hits: [], total: 0, corrections: {}, parsed };
    // Filters alone list what they select, by name.
    const where = and(...filters)!;
    const rows = await db.select().from(entities).where(where).orderBy(asc(entities.name), asc(entities.ref)).limit(limit);
    const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(entities).where(where);
    return { hits: rows.map((row) => ({ row, matched: 0, score: 0 })), total: Math.min(Number(count?.n ?? 0), COUNT_CAP), corrections: {}, parsed };
  }
  const corrections = await correct(db, parsed.terms);
  const perTerm = parsed.terms.map((t) => alternatives(t, corrections.get(t)));
  // The spellings each term is matched by, as termQuery matches them (a single letter whole).
  const words = parsed.terms.map((t) => [t, ...(corrections.get(t) && corrections.get(t) !== t ? [corrections.get(t)!] : [])].map((word) => ({ word, prefix: word.length > 1 })));
  const { ranked, anyCount, everyCount } = await rankCandidates(db, { perTerm, phrase: parsed.phrase, filters, limit, words });
  const rows = ranked.length ? await db.select().from(entities).where(inArray(entities.ref, ranked.map((r) => r.ref))) : [];
  const byRef = new Map(rows.map((r) => [r.ref, r]));
  const hits = ranked.flatMap((r) => {
    const row = byRef.get(r.ref);
    return row ? [{ row, matched: r.matched, score: r.score }] : [];
  });
  // Counted: those with every word when the best has them all, else those with any.
  const total = hits.length && perTerm.length > 1 && hits[0]!.matched === perTerm.length ? everyCount : anyCount;
  return { hits, total: Math.max(total, hits.length), corrections: Object.fromEntries(corrections), parsed };
}

/** Names closest to `text` by trigram similarity, for a search that found nothing. */
export async function closestNames(db: Db, text: string, limit = 5): Promise<EntityRow[]> {
  const name = parseSearch(text).phrase.replace(/\s+/g, '-').slice(0, 100);
  if (name.length < 2) return [];
  return db
    .select()
    .from(entities)
    .where(sql`${entities.name} % ${name}`)
    .orderBy(sql`similarity(${entities.name}, ${name}) desc`, asc(entities.ref))
    .limit(limit);
}
