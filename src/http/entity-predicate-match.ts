/**
 * Evaluates a parsed predicate (entity-predicate.ts) against an entity as Backstage's search table
 * sees it (searchIndexOf in entity-filter.ts), with the answers of Backstage's SQL: a field condition
 * holds when some row of that key has a matching value; `$exists` asks only for a row of the key.
 *
 * And the part of a predicate the filter code can push to the database: a filter every entity the
 * predicate selects also passes, so only those candidates are judged one by one.
 */
import { filterPushdown, type Condition, type EntityFilter, type SearchIndex } from './entity-filter.js';
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
  if ('all' in p) {
    // The conjunction of the children's alternatives, multiplied out while that stays small.
    let alternatives: Condition[][] = [[]];
    let exact = true;
    for (const q of p.all) {
      const f = necessary(q);
      exact &&= f.exact;
      if (!f.filter) continue;
      if (alternatives.length * f.filter.length > MAX_ALTERNATIVES) {
        exact = false;
        continue;
      }
      alternatives = alternatives.flatMap((a) => f.filter!.map((b) => [...a, ...b]));
    }
    return { filter: alternatives.some((a) => !a.length) ? undefined : alternatives, exact };
  }
  const conditions: Condition[] = [];
  let exact = true;
  for (const [key, m] of p.fields) {
    if ('eq' in m) conditions.push({ key, values: m.eq });
    else if ('relation' in m) conditions.push(m.targets ? { key: `relations.${m.relation}`, values: m.targets } : { key: `relations.${m.relation}`, exists: true });
    else if ('prefix' in m) {
      conditions.push({ key, exists: true });
      exact = false;
    } else if (m.exists) conditions.push({ key, exists: true });
    else exact = false;
  }
  return { filter: conditions.length ? [conditions] : undefined, exact };
}

/** Whether the database alone decides the condition (a column or the relations table). */
const decidedByDatabase = (c: Condition) => {
  const pushed = filterPushdown([[c]]);
  return pushed.exact && pushed.where !== undefined;
};

/**
 * A filter for the database (see entity-filter.ts) that every entity `p` selects passes, and
 * whether it is exact: then the entities need not be judged one by one.
 */
export function necessaryFilter(p: Predicate): Necessary {
  const n = necessary(p);
  if (n.exact || !n.filter) return n;
  // The entities are judged one by one anyway: a condition the database cannot decide would only
  // make the list code judge them a first time.
  const pruned = n.filter.map((a) => a.filter(decidedByDatabase));
  return { filter: pruned.some((a) => !a.length) ? undefined : pruned, exact: false };
}
