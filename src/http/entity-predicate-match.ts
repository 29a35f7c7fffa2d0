/**
 * Evaluates a parsed predicate (entity-predicate.ts) against an entity as Backstage's search table
 * sees it (searchIndexOf in entity-filter.ts), with the answers of Backstage's SQL: a field condition
 * holds when some row of that key has a matching value; `$exists` asks only for a row of the key.
 *
 * And the part of a predicate the filter code can push to the database: a filter every entity the
 * predicate selects also passes, so only those candidates are judged one by one.
 */
import type { Condition, EntityFilter, SearchIndex } from './entity-filter.js';
import type { Matcher, Predicate } from './entity-predicate.js';

function matcherHolds(index: SearchIndex, key: string, m: Matcher): boolean {
  if ('exists' in m) return index.has(key) === m.exists;
  if ('relation' in m) {
    const rows = index.get(`relations.${m.relation}`);
    return Boolean(rows) && (!m.targets || m.targets.some((t) => rows!.has(t)));
  }
  const rows = index.get(key);
  if (!rows) return false;
  if ('eq' in m) return m.eq.some((v) => rows.has(v));
  for (const v of rows) if (v !== null && v.startsWith(m.prefix)) return true;
  return false;
}

export function matchesPredicate(index: SearchIndex, p: Predicate): boolean {
  if ('all' in p) return p.all.every((q) => matchesPredicate(index, q));
  if ('any' in p) return p.any.some((q) => matchesPredicate(index, q));
  if ('not' in p) return !matchesPredicate(index, p.not);
  return p.fields.every(([key, m]) => matcherHolds(index, key, m));
}

const MAX_ALTERNATIVES = 50;

interface Necessary {
  /** undefined: no condition (any entity may match). */
  filter: EntityFilter | undefined;
  /** The filter selects exactly what the predicate selects. */
  exact: boolean;
}

/** Conditions that must hold for `p` to hold, as one alternative (or several, for $any). */
function necessary(p: Predicate): Necessary {
  if ('not' in p) return { filter: undefined, exact: false };
  if ('any' in p) {
    const parts = p.any.map(necessary);
    const exact = p.any.length > 0 && parts.every((f) => f.exact);
    // An alternative that constrains nothing lets any entity through.
    if (!parts.length || parts.some((f) => !f.filter)) return { filter: undefined, exact };
    const flat = parts.flatMap((f) => f.filter!);
    return flat.length <= MAX_ALTERNATIVES ? { filter: flat, exact } : { filter: undefined, exact: false };
  }
  const conditions: Condition[] = [];
  let exact = true;
  if ('all' in p) {
    for (const q of p.all) {
      const f = necessary(q);
      // Only a single alternative can be merged into one conjunction.
      if (f.filter?.length === 1) conditions.push(...f.filter[0]);
      else if (f.filter) exact = false;
      exact &&= f.exact;
    }
  } else {
    for (const [key, m] of p.fields) {
      if ('eq' in m) conditions.push({ key, values: m.eq });
      else if ('relation' in m) conditions.push(m.targets ? { key: `relations.${m.relation}`, values: m.targets } : { key: `relations.${m.relation}`, exists: true });
      else if ('prefix' in m) {
        conditions.push({ key, exists: true });
        exact = false;
      } else if (m.exists) conditions.push({ key, exists: true });
      else exact = false;
    }
  }
  return { filter: conditions.length ? [conditions] : undefined, exact };
}

/**
 * A filter for the database (see entity-filter.ts) that every entity `p` selects passes, and
 * whether it is exact: then the entities need not be judged one by one.
 */
export function necessaryFilter(p: Predicate): Necessary {
  return necessary(p);
}
