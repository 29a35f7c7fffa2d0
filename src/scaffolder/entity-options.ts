/**
 * Options for entity pickers (OwnerPicker, EntityPicker, MyGroupsPicker, OwnedEntityPicker): catalog
 * entities matching the field's kinds and `catalogFilter`, narrowed by what the person typed, bounded.
 */
import { and, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { entities } from '../db/schema.js';
import type { Requester } from '../reply/requester.js';
import type { CatalogFilter, EntityField, Option } from '../reply/form.js';
import { fitText, SLACK_MODAL_LIMITS } from './form-limits.js';
import { groupsOf } from './templates.js';

export const MAX_ENTITY_OPTIONS = SLACK_MODAL_LIMITS.options;

const COLUMNS: Record<string, SQL> = {
  kind: sql`${entities.kind}`,
  'metadata.name': sql`${entities.name}`,
  'metadata.namespace': sql`${entities.namespace}`,
  'spec.type': sql`lower(${entities.type})`,
  'spec.lifecycle': sql`lower(${entities.lifecycle})`,
  'spec.owner': sql`${entities.ownerRef}`,
  'relations.ownedBy': sql`${entities.ownerRef}`,
};

function condition(key: string, values: string[]): SQL {
  const lower = values.map((v) => v.toLowerCase());
  const column = COLUMNS[key] ?? sql`lower(${entities.entity} #>> ${`{${key.split('.').join(',')}}`})`;
  return sql`${column} in (${sql.join(lower.map((v) => sql`${v}`), sql`, `)})`;
}

function filterCondition(filter: CatalogFilter): SQL | undefined {
  const parts = Object.entries(filter).map(([key, value]) => {
    const values = Array.isArray(value) ? value : [value];
    if (key === 'metadata.tags') return or(...values.map((v) => sql`${v.toLowerCase()} = any(${entities.tags})`))!;
    return condition(key, values);
  });
  return parts.length > 0 ? and(...parts) : undefined;
}

export async function entityOptions(db: Db, field: EntityField, requester: Requester, options: { search?: string; limit?: number } = {}): Promise<Option[]> {
  const limit = Math.max(1, Math.min(options.limit ?? MAX_ENTITY_OPTIONS, MAX_ENTITY_OPTIONS));
  const where: (SQL | undefined)[] = [];
  if (field.kinds.length > 0) where.push(inArray(entities.kind, field.kinds.map((k) => k.toLowerCase())));
  const filters = field.filter.map(filterCondition).filter((c): c is SQL => c !== undefined);
  if (filters.length > 0) where.push(or(...filters));
  if (field.scope) {
    const groups = [...(await groupsOf(db, requester.userRef))];
    if (field.scope === 'mine') where.push(groups.length > 0 ? inArray(entities.ref, groups) : sql`false`);
    else {
      const owners = [...groups, ...(requester.userRef ? [requester.userRef.toLowerCase()] : [])];
      where.push(owners.length > 0 ? inArray(entities.ownerRef, owners) : sql`false`);
    }
  }
  const search = options.search?.trim().slice(0, 100);
  if (search) {
    const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(entities.name, pattern), ilike(entities.title, pattern), ilike(entities.ref, pattern)));
  }
  const rows = await db
    .select({ ref: entities.ref, name: entities.name, title: entities.title, kind: entities.kind, namespace: entities.namespace })
    .from(entities)
    .where(and(...where.filter((c): c is SQL => c !== undefined)))
    .orderBy(entities.name, entities.ref)
    .limit(limit);
  return rows.map((r) => ({ value: r.ref, label: fitText(r.title ? `${r.title} (${r.name})` : r.namespace === 'default' ? r.name : `${r.namespace}/${r.name}`, SLACK_MODAL_LIMITS.optionText) }));
}
