/**
 * Filters that name their entities (`kind=component,metadata.name=ledger`, as CatalogClient's
 * getEntities and many scripts send) answered from the refs of the whole catalog instead of one
 * query each: every alternative has a `metadata.name=` condition and nothing besides `kind=` and
 * `metadata.namespace=`. A ref is `kind:namespace/name`, lower-cased, exactly the values Backstage's
 * search table compares such a filter with, so the answer is the same as the database's.
 */
import type { EntityFilter } from './entity-filter.js';

/** Refs by name, in ref order. */
export type NameIndex = Map<string, string[]>;

const KEYS = new Set(['kind', 'metadata.namespace', 'metadata.name']);
/** Longer values are "present, no value" in the search table: such a condition matches nothing. */
const MAX_VALUE = 200;

/** The filter when it can be answered from names alone, else undefined. */
export function nameOnlyFilter(spec: { filter?: EntityFilter; order: unknown[]; fullText?: unknown; requireSortValue?: boolean }): EntityFilter | undefined {
  const { filter } = spec;
  if (!filter?.length || spec.order.length || spec.fullText || spec.requireSortValue) return undefined;
  for (const all of filter) {
    if (!all.some((c) => c.key === 'metadata.name')) return undefined;
    if (!all.every((c) => KEYS.has(c.key) && c.values && !c.exists)) return undefined;
  }
  return filter;
}

export function buildNameIndex(refs: readonly string[]): { index: NameIndex; bytes: number } {
  const index: NameIndex = new Map();
  let bytes = 0;
  for (const ref of refs) {
    const name = ref.slice(ref.indexOf('/') + 1);
    const list = index.get(name);
    if (list) list.push(ref);
    else index.set(name, [ref]);
    bytes += name.length * 2 + 48;
  }
  return { index, bytes };
}

const partsOf = (ref: string) => {
  const colon = ref.indexOf(':');
  const slash = ref.indexOf('/', colon);
  return { kind: ref.slice(0, colon), namespace: ref.slice(colon + 1, slash) };
};

/** The refs the filter matches, in ref order (the order of a list without sort fields). */
export function matchByName(filter: EntityFilter, index: NameIndex): string[] {
  const found = new Set<string>();
  for (const all of filter) {
    const want = (key: string) => all.find((c) => c.key === key)?.values?.filter((v) => v.length <= MAX_VALUE);
    const kinds = want('kind');
    const namespaces = want('metadata.namespace');
    for (const name of want('metadata.name') ?? []) {
      for (const ref of index.get(name) ?? []) {
        const { kind, namespace } = partsOf(ref);
        if ((!kinds || kinds.includes(kind)) && (!namespaces || namespaces.includes(namespace))) found.add(ref);
      }
    }
  }
  return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
