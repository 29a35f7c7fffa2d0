/**
 * Candidate retrieval, then ranking, in one statement (issue 16: p99 under 20 ms at 50,000
 * entities). Each question is answered by a GIN index (migration 0022): "any word anywhere"
 * (document || context), "every word anywhere", and "any word in a strong field" (weights A and B:
 * name, title, tags, system, APIs). ts_rank costs per candidate and a prefix term's bitmap costs per
 * match, so each bitmap is built once (materialized CTEs) and at most RANK_POOL candidates are
 * ranked: when a word is everywhere (`service`, `production`), those with the words in a strong
 * field, those with every word, and a sample of the rest. When a word is on at least COUNT_CAP
 * entities (the stored frequencies of migration 0027 say so before anything is read), nothing of it
 * is read through the index: the rarest word drives (commonStatement). Order: words matched, then a
 * name or title that is the whole query, then ts_rank (weights A 1.0, B 0.4, C 0.2, D 0.1), shorter
 * name, ref.
 */
import { sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';
import { textArray } from '../db/copy.js';
import { termStats, type TermStats, type TermWord } from './search-terms.js';

/** Most matches counted (the answer says "500+"): each costs a heap fetch. */
export const COUNT_CAP = 500;
/** Most candidates ranked. */
export const RANK_POOL = 250;
/** Of a word found everywhere, how many arbitrary matches join the candidates. */
const SAMPLE = 50;

const tsq = (q: string) => sql`to_tsquery('english', ${q})`;
const ALL = sql`(es.document || es.context)`;
const STRONG = sql`ts_filter(es.document, '{a,b}')`;

/** Refs whose text matches `match`, at most `cap`, narrowed by the filters (on `entities`). */
function matching(match: SQL, filters: SQL[], cap: number): SQL {
  // Joined only when filtered: without statistics on the expression indexes (PGlite runs no
  // ANALYZE) the planner would otherwise hash-join all entities for one hit.
  if (!filters.length) return sql`select es.ref from entity_search es where ${match} limit ${cap}`;
  return sql`select es.ref from entity_search es join entities on entities.ref = es.ref where ${match} and ${sql.join(filters, sql` and `)} limit ${cap}`;
}

export interface RankInput {
  /** One tsquery text per word (with its typo correction). */
  perTerm: string[];
  /** The words as typed, for the exact-name rule. */
  phrase: string;
  filters: SQL[];
  limit: number;
}

export interface Ranked {
  ref: string;
  matched: number;
  score: number;
}

export interface RankOutput {
  ranked: Ranked[];
  /** Entities matching any word, up to COUNT_CAP. */
  anyCount: number;
  /** Entities matching every word, up to COUNT_CAP. */
  everyCount: number;
}

/**
 * `words`: per term, its spellings as matched (for the stored frequencies); without them, or with
 * filters, matches are counted by reading them.
 */
export async function rankCandidates(db: Db, input: RankInput & { words?: TermWord[][] }): Promise<RankOutput> {
  // Set locally: see the comment in the statement's builder.
  return db.transaction(async (tx) => {
    // JIT off: a scan left with enable_seqscan's penalty (cost 1e10) is far over jit_above_cost, and
    // compiling such a statement took 400 ms on Postgres (PGlite has no JIT; the setting exists).
    await tx.execute(sql`select set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)`);
    const t = tx as unknown as Db;
    // Frequencies count the whole index; a filtered search is counted by reading its matches.
    const stats = !input.filters.length && input.words ? await termStats(t, input.words) : undefined;
    const common = stats && Math.max(...stats.terms.map((b) => b.lower)) >= COUNT_CAP;
    // A dense word's first matches, by a table scan that stops at the LIMIT. Its own statement, with
    // sequential scans allowed: disallowed, PGlite walked the primary key instead, in ref order,
    // where the word can be rare for thousands of rows (`api:` refs before the services).
    let filler: string[] | undefined;
    if (stats && common && Math.max(...stats.terms.map((b) => b.lower)) * 20 >= stats.documents) {
      await tx.execute(sql`select set_config('enable_seqscan', 'on', true)`);
      const rows = await query<{ ref: string }>(t, sql`select es.ref from entity_search es where (es.context || es.document) @@ ${tsq(input.perTerm.join(' | '))} limit ${SAMPLE}`);
      await tx.execute(sql`select set_config('enable_seqscan', 'off', true)`);
      filler = rows.map((r) => r.ref);
    }
    const statement = stats && common ? commonStatement(input, stats, filler) : countingStatement(input);
    const rows = await query<{ ref: string | null; matched: number; score: number; any_count: number; every_count: number }>(t, statement);
    return {
      ranked: rows.filter((r) => r.ref !== null).map((r) => ({ ref: r.ref!, matched: Number(r.matched), score: Number(r.score) })),
      anyCount: Number(rows[0]?.any_count ?? 0),
      everyCount: Number(rows[0]?.every_count ?? 0),
    };
  });
}

/**
 * The candidates ranked: `cand` and `top` over a `pool` CTE of refs. Scalar subqueries, not joins:
 * the planner cannot know how few candidates there are (no statistics on expression indexes in
 * PGlite) and would hash-join whole tables.
 */
function ranking(input: RankInput): SQL {
  const matched = sql.join(input.perTerm.map((q) => sql`(c.v @@ ${tsq(q)})::int`), sql` + `);
  const named = sql`(entities.name = ${input.phrase.replace(/\s+/g, '-')} or coalesce(lower(entities.title) = ${input.phrase}, false))::int`;
  return sql`cand as materialized (select pool.ref, (select ${ALL} from entity_search es where es.ref = pool.ref) as v,
          (select array[${named}, length(entities.name)] from entities where entities.ref = pool.ref) as nl from pool),
      top as (
        select c.ref, ${matched} as matched, ts_rank(c.v, ${tsq(input.perTerm.join(' | '))}) as score, c.nl[1] as named, c.nl[2] as len
          from cand c where c.nl is not null
         order by matched desc, named desc, score desc, len asc, c.ref asc limit ${input.limit})`;
}

const ORDER = sql`order by t.matched desc, t.named desc, t.score desc, t.len asc, t.ref asc`;

/**
 * Every path of these statements is an index path by design; without statistics on the expression
 * indexes (PGlite never runs ANALYZE) the planner guesses a word matches half the table and would
 * rather scan all of it for a LIMIT (seen: 480 ms at 50,000 entities). The one scan meant as a scan
 * (commonStatement's filler) has no index to choose instead.
 */
function countingStatement(input: RankInput): SQL {
  const { perTerm, filters } = input;
  const anyQuery = tsq(perTerm.join(' | '));
  const several = perTerm.length > 1;
  const wide = sql`(select n from counted) > ${RANK_POOL}`;
  const matched = sql.join(perTerm.map((q) => sql`(c.v @@ ${tsq(q)})::int`), sql` + `);
  return sql`with anyhits as materialized (${matching(sql`${ALL} @@ ${anyQuery}`, filters, COUNT_CAP)}),
      counted as (select count(*)::int as n from anyhits),
      everyhits as materialized (${several ? sql`select ref from (${matching(sql`${ALL} @@ ${tsq(perTerm.join(' & '))}`, filters, COUNT_CAP)}) as x where ${wide}` : sql`select null::text as ref where false`}),
      pool as (
        select ref from anyhits where not ${wide}
        union (select ref from anyhits where ${wide} limit ${SAMPLE})
        union (select ref from everyhits limit ${RANK_POOL})
        union (select ref from (${matching(sql`${STRONG} @@ ${anyQuery}`, filters, RANK_POOL)}) as s where ${wide})),
      ${ranking(input)}
    select t.ref, t.matched, t.score, (select n from counted) as any_count,
      ${several ? sql`case when ${wide} then (select count(*) from everyhits) else (select count(*) from cand c where ${matched} = ${perTerm.length}) end::int` : sql`(select n from counted)`} as every_count
      from (select 1) as one left join top t on true ${ORDER}`;
}

/**
 * A word on at least COUNT_CAP entities (known from the stored frequencies): the count is the cap
 * and the search is wide without reading a match of it. A common word's matches are never read
 * through the index (building its bitmap is the cost: 12 ms for `production` at 50,000 entities):
 * those with every word are found from the rarest word's matches, checked one by one, when it has
 * at most COUNT_CAP; the sample is the rare words' matches, then the first matches of a table scan
 * when a word is dense (one entity in 20: ~1,000 rows read at most; `dense`, read before), else of
 * the index.
 */
function commonStatement(input: RankInput, stats: TermStats, dense?: string[]): SQL {
  const { perTerm } = input;
  const several = perTerm.length > 1;
  const bounds = stats.terms;
  const rarest = bounds.reduce((best, b, i) => (b.upper < bounds[best]!.upper ? i : best), 0);
  const every = tsq(perTerm.join(' & '));
  const everyhits = bounds[rarest]!.upper <= COUNT_CAP
    ? sql`select x.ref from (select es.ref, ${ALL} as v from entity_search es where ${ALL} @@ ${tsq(perTerm[rarest]!)} offset 0) as x where x.v @@ ${every} limit ${COUNT_CAP}`
    : sql`select es.ref from entity_search es where ${ALL} @@ ${every} limit ${COUNT_CAP}`;
  const rare = perTerm.filter((_, i) => bounds[i]!.upper <= COUNT_CAP);
  const anyQuery = tsq(perTerm.join(' | '));
  const filler = dense ? sql`select unnest(${textArray(dense)}::text[]) as ref` : sql`select es.ref from entity_search es where ${ALL} @@ ${anyQuery} limit ${SAMPLE}`;
  return sql`with everyhits as materialized (${several ? everyhits : sql`select null::text as ref where false`}),
      pool as (
        (select ref from everyhits limit ${RANK_POOL})
        union (select es.ref from entity_search es where ${STRONG} @@ ${anyQuery} limit ${RANK_POOL})
        ${rare.length ? sql`union (select es.ref from entity_search es where ${ALL} @@ ${tsq(rare.join(' | '))} limit ${SAMPLE})` : sql``}
        union (${filler})),
      ${ranking(input)}
    select t.ref, t.matched, t.score, ${COUNT_CAP}::int as any_count,
      ${several ? sql`(select count(*) from everyhits)::int` : sql`${COUNT_CAP}::int`} as every_count
      from (select 1) as one left join top t on true ${ORDER}`;
}
