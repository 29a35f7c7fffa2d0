/**
 * The list side of the catalog API: which entities a filtered, ordered query matches (refs and
 * sort values only; the entities themselves come from the API's cache), the origin locations the
 * catalog was read from, and the Location entities of a source (for ancestry).
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';
import { textArray } from '../db/copy.js';
import { entities } from '../db/schema.js';

const lowerCol = (column: SQL | typeof entities.type) => sql`lower(${column})`;

/** Keys of Backstage's search table that are columns here (already lower-cased or lowered). */
const COLUMNS: Record<string, SQL> = {
  kind: sql`${entities.kind}`,
  'metadata.name': sql`${entities.name}`,
  'metadata.namespace': sql`${entities.namespace}`,
  'metadata.uid': lowerCol(sql`${entities.uid}`),
  'metadata.title': lowerCol(sql`${entities.title}`),
  'spec.type': lowerCol(entities.type),
  'spec.lifecycle': lowerCol(sql`${entities.lifecycle}`),
};

/** The JSON path of a dotted field; annotation and label keys contain dots and slashes themselves. */
export function fieldPath(field: string): string[] {
  const lower = field.toLocaleLowerCase('en-US');
  for (const map of ['metadata.annotations.', 'metadata.labels.']) {
    if (lower.startsWith(map)) return [...map.slice(0, -1).split('.'), field.slice(map.length)];
  }
  return field.split('.');
}

/**
 * A field's value as Backstage's search table holds it (lower-cased text, null when absent or
 * longer than 200 characters), for ordering and full-text matching.
 */
export function searchValueSql(field: string): SQL {
  const column = COLUMNS[field.toLocaleLowerCase('en-US')];
  if (column) return column;
  const value = sql`lower(${entities.entity} #>> ${textArray(fieldPath(field))}::text[])`;
  return sql`(case when length(${value}) <= 200 then ${value} end)`;
}

export interface ListRequest {
  /** A predicate (superset) from the entity filter, if any. */
  where?: SQL;
  /** Fields whose values each row carries, in order. */
  sortFields: string[];
  /** Rows whose value of one of these fields contains `term` (lower-cased). */
  fullText?: { term: string; fields: string[] };
}

export interface ListRow {
  ref: string;
  values: Array<string | null>;
}

export async function listEntityRefs(db: Db, request: ListRequest): Promise<ListRow[]> {
  const conditions: SQL[] = [];
  if (request.where) conditions.push(request.where);
  if (request.fullText) {
    const pattern = `%${request.fullText.term.toLocaleLowerCase('en-US').replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const alternatives = request.fullText.fields.map((f) => sql`${searchValueSql(f)} like ${pattern}`);
    conditions.push(sql`(${sql.join(alternatives, sql` or `)})`);
  }
  const values = request.sortFields.map((f, i) => sql`${searchValueSql(f)} as ${sql.raw(`v${i}`)}`);
  const rows = await query<Record<string, string | null>>(
    db,
    sql`select ${entities.ref} as ref${values.length ? sql`, ${sql.join(values, sql`, `)}` : sql``} from ${entities}${conditions.length ? sql` where ${and(...conditions)}` : sql``}`,
  );
  return rows.map((r) => ({ ref: r.ref as string, values: request.sortFields.map((_, i) => r[`v${i}`] ?? null) }));
}

/** Each distinct origin location (`type:target`) entities were read from, with how many. */
export async function originLocations(db: Db): Promise<Array<{ location: string; sourceId: string }>> {
  const rows = await query<{ location: string; source_id: string }>(
    db,
    sql`select distinct ${entities.entity} -> 'metadata' -> 'annotations' ->> 'backstage.io/managed-by-origin-location' as location, ${entities.sourceId} as source_id
        from ${entities} where ${entities.entity} -> 'metadata' -> 'annotations' ? 'backstage.io/managed-by-origin-location'`,
  );
  return rows.map((r) => ({ location: r.location, sourceId: r.source_id }));
}

/** Location entities of one source, with the file each sits in. */
export async function locationEntitiesOf(db: Db, sourceId: string): Promise<Array<{ ref: string; filePath: string; entity: Record<string, unknown> }>> {
  return db
    .select({ ref: entities.ref, filePath: entities.filePath, entity: entities.entity })
    .from(entities)
    .where(and(eq(entities.sourceId, sourceId), eq(entities.kind, 'location')));
}
