/**
 * Backstage's `filter=` query for the catalog API. Repeated `filter` parameters are alternatives
 * (any may match); inside one, comma-separated `key=value` conditions must all match, a repeated
 * key accepts any of its values, and a bare `key` means the field exists. Keys and values compare
 * case-insensitively against the entity flattened as Backstage's search table flattens it.
 */
import { and, inArray, or, sql, type SQL } from 'drizzle-orm';
import { entities } from '../db/schema.js';
import { inputError } from './errors.js';

export interface Condition {
  key: string;
  /** Any of these (lower-cased) values; absent when only existence is asked. */
  values?: string[];
  exists?: boolean;
}

/** Alternatives, each a list of conditions that must all hold. */
export type EntityFilter = Condition[][];

const MAX_FILTERS = 50;
const MAX_CONDITIONS = 50;

// Backstage lower-cases with toLocaleLowerCase('en-US'); V8 maps that to plain toLowerCase for every
// language but az, el, lt and tr, after resolving the locale on each call, which costs five times more.
const lower = (s: string) => s.toLowerCase();

export function parseEntityFilter(params: string[] | undefined): EntityFilter | undefined {
  if (!params?.length) return undefined;
  if (params.length > MAX_FILTERS) throw inputError(`Invalid filter, at most ${MAX_FILTERS} filter parameters are accepted`);
  const alternatives: EntityFilter = [];
  for (const param of params) {
    const statements = param
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!statements.length) continue;
    if (statements.length > MAX_CONDITIONS) throw inputError(`Invalid filter, at most ${MAX_CONDITIONS} conditions per filter are accepted`);
    const byKey = new Map<string, Condition>();
    for (const statement of statements) {
      const eq = statement.indexOf('=');
      const key = lower(eq === -1 ? statement : statement.slice(0, eq).trim());
      if (!key) throw inputError(`Invalid filter, '${statement}' is not a valid statement (expected a string on the form a=b or a= or a)`);
      const condition = byKey.get(key) ?? { key };
      byKey.set(key, condition);
      if (eq === -1) condition.exists = true;
      else (condition.values ??= []).push(lower(statement.slice(eq + 1).trim()));
    }
    alternatives.push([...byKey.values()]);
  }
  return alternatives.length ? alternatives : undefined;
}

/** Keys Backstage leaves out of the generic walk (they are added specially or not at all). */
const SPECIAL = new Set(['attachments', 'relations', 'status', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'metadata.etag']);
/** Backstage stores longer values as "present, no value". */
const MAX_VALUE = 200;

export type SearchIndex = Map<string, Set<string | null>>;

/** The entity as Backstage's search table sees it: lower-cased dotted keys to lower-cased values. */
export function searchIndexOf(entity: { metadata: { name: string; namespace?: string; uid?: string } } & Record<string, unknown>, relations: Array<{ type: string; targetRef: string }>, options: { keepCase?: boolean } = {}): SearchIndex {
  const index: SearchIndex = new Map();
  // Facets show values as written (Backstage's original_value); filters compare lower-cased.
  const valueOf = (s: string) => (options.keepCase ? s : lower(s));
  const put = (key: string, value: unknown) => {
    const k = lower(key);
    const set = index.get(k) ?? new Set<string | null>();
    index.set(k, set);
    if (value === null || value === undefined) set.add(null);
    else {
      const v = valueOf(String(value));
      set.add(v.length <= MAX_VALUE ? v : null);
    }
  };
  const visit = (path: string, value: unknown) => {
    if (SPECIAL.has(path)) return;
    if (value === null || value === undefined || ['string', 'number', 'boolean'].includes(typeof value)) {
      put(path, value);
      return;
    }
    if (typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) {
        visit(path, item);
        if (typeof item === 'string') put(`${path}.${item}`, true);
      }
      return;
    }
    for (const [k, v] of Object.entries(value)) visit(path ? `${path}.${k}` : k, v);
  };
  visit('', entity);
  put('metadata.name', entity.metadata.name);
  put('metadata.namespace', entity.metadata.namespace ?? 'default');
  if (!entity.metadata.namespace) put('metadata.namespace', 'default');
  put('metadata.uid', entity.metadata.uid);
  for (const r of relations) put(`relations.${r.type}`, r.targetRef);
  return index;
}

export function matchesFilter(index: SearchIndex, filter: EntityFilter | undefined): boolean {
  if (!filter) return true;
  return filter.some((all) =>
    all.every((c) => {
      const values = index.get(c.key);
      if (!values) return false;
      if (c.values) return c.values.some((v) => values.has(v));
      return true;
    }),
  );
}

export interface Pushdown {
  /** A predicate keeping every entity the filter could match; undefined: any entity could. */
  where?: SQL;
  /** True when the predicate decides exactly, so matchesFilter need not look at the entities. */
  exact: boolean;
}

/**
 * A database predicate for the filter, so only plausible rows are read; when every condition maps
 * to a column or to the relations table it is exact, and no entity has to be looked at.
 */
export function filterPushdown(filter: EntityFilter | undefined): Pushdown {
  if (!filter) return { exact: true };
  const alternatives: SQL[] = [];
  let exact = true;
  for (const all of filter) {
    const parts: SQL[] = [];
    for (const c of all) {
      const values = c.values?.filter((v) => v !== '');
      if (!values?.length || values.length !== c.values?.length || c.exists) {
        if (c.key.startsWith('relations.') && !c.values) parts.push(sql`exists (select 1 from relations r where r.source_ref = ${entities.ref} and lower(r.type) = ${c.key.slice(10)})`);
        else exact = false;
        continue;
      }
      if (c.key === 'kind') parts.push(inArray(entities.kind, values));
      else if (c.key === 'metadata.name') parts.push(inArray(entities.name, values));
      else if (c.key === 'metadata.namespace') parts.push(inArray(entities.namespace, values));
      else if (c.key === 'metadata.uid') parts.push(sql`lower(${entities.uid}) in ${values}`);
      else if (c.key === 'spec.type') parts.push(sql`lower(${entities.type}) in ${values}`);
      else if (c.key === 'spec.lifecycle') parts.push(sql`lower(${entities.lifecycle}) in ${values}`);
      else if (c.key.startsWith('relations.')) {
        parts.push(sql`exists (select 1 from relations r where r.source_ref = ${entities.ref} and lower(r.type) = ${c.key.slice(10)} and r.target_ref in ${values})`);
      } else exact = false;
    }
    // An alternative with nothing to push down could match any row.
    if (!parts.length) return { exact: false };
    alternatives.push(and(...parts)!);
  }
  return { where: or(...alternatives), exact };
}
