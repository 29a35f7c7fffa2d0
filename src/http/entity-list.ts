/**
 * Which entities a list query matches, in answer order: refs (and the first sort field's values,
 * for cursors), computed once per catalog generation and kept in the API cache, so paging through
 * the whole catalog is slicing an array, and each page's entities come from the entity cache.
 *
 * Order is Backstage's: by each sort field's search value (lower-cased; entities without it last),
 * then by ref; without sort fields, by ref. Strings compare by code point, the same on every replica.
 */
import { listEntityRefs, type ListRow } from '../catalog/queries-list.js';
import type { Db } from '../db/client.js';
import type { OrderField } from './api-params.js';
import type { EntityBodies } from './entity-bodies.js';
import { parseBody } from './entity-bodies.js';
import type { ApiCache } from './entity-cache.js';
import { filterPushdown, matchesFilter, searchIndexOf, type EntityFilter } from './entity-filter.js';
import { buildNameIndex, matchByName, nameOnlyFilter, type NameIndex } from './entity-name-index.js';

export interface ListSpec {
  filter?: EntityFilter;
  order: OrderField[];
  fullText?: { term: string; fields: string[] };
  /** by-query leaves out entities that have no value for the sort field, as Backstage does. */
  requireSortValue?: boolean;
}

export interface Matches {
  refs: string[];
  /** Values of the first sort field, parallel to refs (empty without sort fields). */
  values: Array<string | null>;
}

const CHUNK = 1000;

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function compareRows(order: OrderField[]) {
  return (a: ListRow, b: ListRow): number => {
    for (let i = 0; i < order.length; i++) {
      const x = a.values[i];
      const y = b.values[i];
      if (x !== y) {
        if (x === null) return 1;
        if (y === null) return -1;
        const c = compareText(x, y);
        if (c) return order[i].order === 'desc' ? -c : c;
      }
    }
    return compareText(a.ref, b.ref);
  };
}

export function createEntityLists(db: Db, cache: ApiCache, bodies: EntityBodies) {
  async function compute(spec: ListSpec): Promise<Matches> {
    const pushdown = filterPushdown(spec.filter);
    let rows = await listEntityRefs(db, { where: pushdown.where, sortFields: spec.order.map((o) => o.field), fullText: spec.fullText });
    if (!pushdown.exact) {
      // Conditions the database cannot decide are judged on the entity as the API shows it.
      const kept: ListRow[] = [];
      for (let i = 0; i < rows.length; i += CHUNK) {
        const part = rows.slice(i, i + CHUNK);
        const loaded = await bodies.load(part.map((r) => r.ref));
        for (const row of part) {
          const body = loaded.get(row.ref);
          if (!body) continue;
          const entity = parseBody(body);
          if (matchesFilter(searchIndexOf(entity, entity.relations as Array<{ type: string; targetRef: string }>), spec.filter)) kept.push(row);
        }
      }
      rows = kept;
    }
    if (spec.requireSortValue && spec.order.length) rows = rows.filter((r) => r.values[0] !== null);
    rows.sort(compareRows(spec.order));
    return { refs: rows.map((r) => r.ref), values: spec.order.length ? rows.map((r) => r.values[0]) : [] };
  }

  const keyOf = (spec: ListSpec) => `q:${JSON.stringify(spec)}`;
  const EVERYTHING: ListSpec = { order: [] };
  const INDEX_KEY = 'n:names';

  /** A name-only filter's matches from the name index (entity-name-index.ts), when the cache holds what that needs. */
  function byName(spec: ListSpec): Matches | undefined {
    const filter = nameOnlyFilter(spec);
    if (!filter) return undefined;
    let index = cache.peek<NameIndex>(INDEX_KEY);
    if (!index) {
      const all = cache.peek<Matches>(keyOf(EVERYTHING));
      if (!all) return undefined;
      // Built from a list that is current, so as current as it: tag it with the same generation.
      const built = buildNameIndex(all.refs);
      index = built.index;
      cache.put(INDEX_KEY, index, built.bytes, cache.readGeneration());
    }
    return { refs: matchByName(filter, index), values: [] };
  }

  /** The generation in which the list of every ref did not fit the cache: name-only filters then query. */
  let tooLargeIn: number | undefined;

  async function matchesOf(spec: ListSpec): Promise<Matches> {
    const key = keyOf(spec);
    const hit = cache.get<Matches>(key);
    if (hit) return hit;
    const current = cache.readGeneration();
    if (nameOnlyFilter(spec) && current !== undefined && tooLargeIn !== current) {
      // One list of every ref per generation serves every such filter.
      await matchesOf(EVERYTHING);
      const named = byName(spec);
      if (named) return named;
      if (!cache.peek(keyOf(EVERYTHING))) tooLargeIn = current;
    }
    const generation = cache.readGeneration();
    const result = await compute(spec);
    let bytes = 0;
    for (const r of result.refs) bytes += r.length * 2 + 16;
    for (const v of result.values) bytes += (v?.length ?? 0) * 2 + 16;
    cache.put(key, result, bytes, generation);
    return result;
  }

  return {
    /** The matches when the cache has them (or what they are made of), else undefined (nothing is read). */
    peek(spec: ListSpec): Matches | undefined {
      // A name-only filter is kept under its own key only when the index could not be built.
      return byName(spec) ?? cache.peek<Matches>(keyOf(spec));
    },
    matches: matchesOf,
  };
}

export type EntityLists = ReturnType<typeof createEntityLists>;

/** Index of the first row after (value, ref) in `matches`, by binary search in answer order. */
export function positionAfter(matches: Matches, order: OrderField[], value: string | null, ref: string): number {
  const cmp = compareRows(order.slice(0, 1));
  const probe: ListRow = { ref, values: [value] };
  let lo = 0;
  let hi = matches.refs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp({ ref: matches.refs[mid], values: [matches.values[mid] ?? null] }, probe) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
