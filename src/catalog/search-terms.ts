/**
 * Document frequencies of the search index's lexemes (migration 0027: `search_terms`, kept by
 * triggers on entity_search), so the ranked search knows a word found on most entities from one
 * index look-up instead of from reading its matches (search-rank.ts).
 */
import { sql } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';
import { textArray } from '../db/copy.js';

type Tx = Pick<Db, 'execute'>;

/** One word of a query as it is matched: by prefix (`pay` finds `payments`) or whole. */
export interface TermWord {
  word: string;
  prefix: boolean;
}

/** How many documents a term matches, bounded from both sides. */
export interface TermBounds {
  /** At least this many (the most frequent single lexeme it matches). */
  lower: number;
  /** At most this many (every lexeme it matches, summed). */
  upper: number;
}

export interface TermStats {
  /** Per term, in order. */
  terms: TermBounds[];
  /** Documents in the index. */
  documents: number;
}

// Any key works; it only has to be the same for every replica.
const COMPACT_LOCK_KEY = 424242_027;

/**
 * Bounds per term, each term being one or more spellings (a word and its typo correction), any of
 * which matches. A word is stemmed as to_tsquery stems it; a word that stems to several lexemes
 * (matched as a phrase) is bounded above by its rarest part and below by nothing.
 */
export async function termStats(db: Db, terms: readonly TermWord[][]): Promise<TermStats> {
  const words = terms.flat();
  const index = terms.flatMap((alts, i) => alts.map(() => i));
  const rows = await query<{ i: number; w: number; upper: number; lower: number }>(
    db,
    sql`select w.i, w.n as w, coalesce(sum(f.d), 0)::int as upper, coalesce(max(f.d), 0)::int as lower
          from unnest(${textArray(words.map((w) => w.word))}::text[], ${`{${index.join(',')}}`}::int[], ${`{${words.map((w) => w.prefix).join(',')}}`}::bool[])
               with ordinality as w(word, i, prefix, n)
         cross join lateral unnest(tsvector_to_array(to_tsvector('english', w.word))) as p(lexeme)
          left join lateral (select sum(s.docs) as d from search_terms s
                 where s.lexeme >= p.lexeme and s.lexeme < p.lexeme || case when w.prefix then chr(1114111) else chr(1) end
                 group by s.lexeme) as f on true
         group by w.i, w.n, p.lexeme
        union all select -1, 0, coalesce(sum(docs), 0)::int, 0 from search_terms where lexeme = ''`,
  );
  const documents = rows.find((r) => r.i === -1)?.upper ?? 0;
  const out = terms.map(() => ({ lower: 0, upper: 0 }));
  const byWord = new Map<number, { term: number; parts: { lower: number; upper: number }[] }>();
  for (const r of rows) {
    if (r.i === -1) continue;
    const entry = byWord.get(r.w) ?? { term: r.i, parts: [] };
    entry.parts.push({ lower: Number(r.lower), upper: Number(r.upper) });
    byWord.set(r.w, entry);
  }
  // Spellings of one term are alternatives: their matches add up (at most) and the most frequent counts (at least).
  for (const { term, parts } of byWord.values()) {
    const bounds = parts.length === 1 ? parts[0]! : { lower: 0, upper: Math.min(...parts.map((p) => p.upper)) };
    out[term]!.upper += bounds.upper;
    out[term]!.lower = Math.max(out[term]!.lower, bounds.lower);
  }
  return { terms: out, documents: Number(documents) };
}

/**
 * Folds the deltas the triggers wrote into one row per lexeme and drops lexemes no document holds.
 * Each statement moves counts without changing their sums, so it is right whatever runs beside it;
 * the lock keeps two of them from deleting the same rows in different orders (a deadlock).
 */
export async function compactSearchTerms(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${COMPACT_LOCK_KEY})`);
  await tx.execute(sql`with gone as (delete from search_terms where lexeme in (select lexeme from search_terms group by lexeme having count(*) > 1 or sum(docs) = 0) returning lexeme, docs)
    insert into search_terms (lexeme, docs) select lexeme, sum(docs)::int from gone group by lexeme having sum(docs) <> 0`);
}
