/**
 * Ranked text search (`find`) and typo-tolerant suggestions ("did you mean"). The database narrows
 * the candidates with bounded LIKE queries; ranking happens here so it is the same on both drivers.
 */
import { and, asc, ilike, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import { distance } from 'fastest-levenshtein';
import type { Db } from '../db/client.js';
import { entities } from '../db/schema.js';
import type { EntityRow } from './queries.js';

/** Most candidates fetched for ranking; beyond this the query is too vague to rank usefully. */
const MAX_CANDIDATES = 300;
/** Most names compared for a suggestion. */
const MAX_SUGGESTION_SCAN = 1000;

export function tokens(text: string): string[] {
  return text
    .toLocaleLowerCase('en-US')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * How close `candidate` is to what was typed, 0..1. Edit distance carries most of the weight;
 * a shared prefix, a substring and shared tokens lift candidates a plain distance would rank low
 * (`payments` for `payments-api`).
 */
export function similarity(query: string, candidate: string): number {
  const q = query.toLocaleLowerCase('en-US');
  const c = candidate.toLocaleLowerCase('en-US');
  if (q === c) return 1;
  const longest = Math.max(q.length, c.length) || 1;
  let score = 1 - distance(q, c) / longest;
  if (c.startsWith(q) || q.startsWith(c)) score += 0.2;
  else if (c.includes(q) || q.includes(c)) score += 0.1;
  const qt = tokens(q);
  const ct = new Set(tokens(c));
  if (qt.length) score += (0.15 * qt.filter((t) => ct.has(t)).length) / qt.length;
  return Math.min(score, 0.99);
}

export interface Suggestion {
  row: EntityRow;
  score: number;
}

/** The entities whose names are closest to `text`, best first. */
export async function suggest(db: Db, text: string, options: { kinds?: string[]; limit?: number; minScore?: number } = {}): Promise<Suggestion[]> {
  const name = text.trim().toLocaleLowerCase('en-US');
  if (!name) return [];
  const limit = options.limit ?? 5;
  const minScore = options.minScore ?? 0.55;
  const slack = Math.max(2, Math.ceil(name.length / 3));
  // Names are stored lower-cased, so plain LIKE is enough (and cheaper than ILIKE).
  // A cheap database-side proxy (shared prefix, suffix, whole tokens, length) orders the candidates
  // so the bounded scan keeps the likely ones; edit distance then ranks them exactly.
  const proxy: SQL[] = [sql`case when abs(length(${entities.name}) - ${name.length}) <= ${slack} then 1 else 0 end`];
  const widen: SQL[] = [sql`abs(length(${entities.name}) - ${name.length}) <= ${slack}`];
  if (name.length >= 3) {
    const prefix = like(entities.name, `${likeEscape(name.slice(0, 3))}%`);
    const suffix = like(entities.name, `%${likeEscape(name.slice(-3))}`);
    widen.push(prefix, suffix);
    proxy.push(sql`case when ${prefix} then 3 else 0 end`, sql`case when ${suffix} then 1 else 0 end`);
  }
  for (const token of tokens(name).filter((t) => t.length >= 3).slice(0, 4)) {
    const contains = like(entities.name, `%${likeEscape(token)}%`);
    widen.push(contains);
    proxy.push(sql`case when ${contains} then 2 else 0 end`);
  }
  const rank = sql`(${sql.join(proxy, sql` + `)}) * 2 - abs(length(${entities.name}) - ${name.length})`;
  const where = options.kinds?.length ? and(or(...widen), inArray(entities.kind, options.kinds)) : or(...widen);
  const names = await db
    .select({ ref: entities.ref, name: entities.name })
    .from(entities)
    .where(where)
    .orderBy(sql`${rank} desc`, asc(entities.name))
    .limit(MAX_SUGGESTION_SCAN);
  const scored = names
    .map((r) => ({ ref: r.ref, name: r.name, score: similarity(name, r.name) }))
    .filter((r) => r.score >= minScore)
    .sort((a, b) => b.score - a.score || a.name.length - b.name.length || a.ref.localeCompare(b.ref))
    .slice(0, limit);
  if (!scored.length) return [];
  const rows = await db.select().from(entities).where(inArray(entities.ref, scored.map((s) => s.ref)));
  const byRef = new Map(rows.map((r) => [r.ref, r]));
  return scored.flatMap((s) => {
    const row = byRef.get(s.ref);
    return row ? [{ row, score: s.score }] : [];
  });
}

export interface SearchHit {
  row: EntityRow;
  score: number;
  /** Which field matched best (for showing why it was found). */
  matched: 'name' | 'title' | 'tag' | 'description';
}

export interface SearchResult {
  hits: SearchHit[];
  /** All entities that matched, including those not returned. */
  total: number;
}

/** Preference among equally good hits: the things people usually mean. */
const kindOrder = ['component', 'api', 'system', 'resource', 'domain', 'group', 'user', 'template', 'location'];

function scoreTerm(term: string, row: EntityRow): { score: number; matched: SearchHit['matched'] } {
  const name = row.name;
  const title = (row.title ?? '').toLocaleLowerCase('en-US');
  const description = (row.description ?? '').toLocaleLowerCase('en-US');
  const candidates: Array<[number, SearchHit['matched']]> = [];
  if (name === term) candidates.push([100, 'name']);
  else if (name.startsWith(term)) candidates.push([80, 'name']);
  else if (tokens(name).includes(term)) candidates.push([65, 'name']);
  else if (name.includes(term)) candidates.push([50, 'name']);
  if (title === term) candidates.push([70, 'title']);
  else if (tokens(title).includes(term)) candidates.push([45, 'title']);
  else if (title.includes(term)) candidates.push([35, 'title']);
  if (row.tags.some((t) => t.toLocaleLowerCase('en-US') === term)) candidates.push([40, 'tag']);
  else if (row.tags.some((t) => t.toLocaleLowerCase('en-US').includes(term))) candidates.push([25, 'tag']);
  if (tokens(description).includes(term)) candidates.push([15, 'description']);
  else if (description.includes(term)) candidates.push([10, 'description']);
  const best = candidates.sort((a, b) => b[0] - a[0])[0];
  return best ? { score: best[0], matched: best[1] } : { score: 0, matched: 'description' };
}

/** Ranks rows for `text`: exact name > name prefix > name token > title/tags > description. */
export function rankHits(text: string, rows: EntityRow[]): SearchHit[] {
  const phrase = text.trim().toLocaleLowerCase('en-US');
  const terms = phrase.split(/\s+/).filter(Boolean);
  return rows
    .map((row) => {
      const per = terms.map((t) => scoreTerm(t, row));
      let score = per.reduce((sum, p) => sum + p.score, 0) / (per.length || 1);
      if (terms.length > 1 && (row.name === phrase || (row.title ?? '').toLocaleLowerCase('en-US') === phrase)) score += 50;
      const matched = per.sort((a, b) => b.score - a.score)[0]?.matched ?? 'description';
      return { row, score, matched };
    })
    .sort(
      (a, b) =>
        b.score - a.score ||
        kindRank(a.row.kind) - kindRank(b.row.kind) ||
        a.row.name.length - b.row.name.length ||
        a.row.ref.localeCompare(b.row.ref),
    );
}

function kindRank(kind: string): number {
  const i = kindOrder.indexOf(kind);
  return i === -1 ? kindOrder.length : i;
}

/** Every whitespace-separated term must appear in the name, title, description or a tag. */
export async function searchCatalog(db: Db, text: string, options: { limit?: number; kinds?: string[] } = {}): Promise<SearchResult> {
  const terms = text.trim().toLocaleLowerCase('en-US').split(/\s+/).filter(Boolean).slice(0, 8);
  if (!terms.length) return { hits: [], total: 0 };
  const perTerm = terms.map((term) => {
    const pattern = `%${likeEscape(term)}%`;
    return or(
      ilike(entities.name, pattern),
      ilike(entities.title, pattern),
      ilike(entities.description, pattern),
      sql`array_to_string(${entities.tags}, ' ') ilike ${pattern}`,
    )!;
  });
  if (options.kinds?.length) perTerm.push(inArray(entities.kind, options.kinds));
  const where = and(...perTerm);
  const first = terms[0];
  // Rough database-side order so the best candidates survive the bound; the fine ranking is rankHits.
  const rough = sql`case when ${entities.name} = ${first} then 0 when ${entities.name} like ${`${likeEscape(first)}%`} then 1 when ${entities.name} like ${`%${likeEscape(first)}%`} then 2 when ${entities.title} ilike ${`%${likeEscape(first)}%`} then 3 else 4 end`;
  const rows = await db.select().from(entities).where(where).orderBy(rough, asc(entities.name)).limit(MAX_CANDIDATES);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(entities).where(where);
  const hits = rankHits(text, rows);
  return { hits: hits.slice(0, options.limit ?? hits.length), total: Number(count?.n ?? hits.length) };
}
