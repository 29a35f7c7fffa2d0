/**
 * Typo-tolerant name suggestions ("did you mean") for look-ups by name. The ranked full-text search
 * (`find`, typeaheads) is in search-text.ts and re-exported here.
 */
import { and, asc, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import { distance } from 'fastest-levenshtein';
import type { Db } from '../db/client.js';
import { entities } from '../db/schema.js';
import type { EntityRow } from './queries.js';

export { COUNT_CAP, searchCatalog, closestNames, type SearchHit, type SearchResult } from './search-text.js';

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

