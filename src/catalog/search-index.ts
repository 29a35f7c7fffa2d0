/**
 * Keeps the search index (migration 0014) in step with what sync writes, inside its transaction.
 * The texts are built here (regular expressions in V8 cost a fraction of Postgres's), Postgres only
 * stems them (to_tsvector 'english') into one vector weighted by field: name and title A; tags,
 * system and provided APIs B; kind, type and owner C; description, lifecycle and consumed APIs D.
 * An entity's system's domain goes into its `context` vector, refreshed when either is written.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { textArray } from '../db/copy.js';
import type { Entity } from '@backstage/catalog-model';
import type { Relation } from './relations.js';

/** What sync writes of an entity (a Written). */
interface Written {
  ref: string;
  entity: Entity;
  relations: Relation[];
}

type Tx = Pick<Db, 'execute'>;

/** The text, then again with its compounds joined ("e-mail" -> "email", "payments-api" -> "paymentsapi"). */
export function searchText(parts: (string | null | undefined)[]): string {
  const text = parts.filter(Boolean).join(' ').toLocaleLowerCase('en-US');
  const joined = text.replace(/([\p{L}\p{N}])[-_.](?=[\p{L}\p{N}])/gu, '$1');
  // Dots would make "checkout.web" one host-name token for to_tsvector's parser.
  return `${text} ${joined === text ? '' : joined}`.replace(/\./g, ' ');
}

/** Words of the vocabulary typos are corrected against. */
export function vocabulary(texts: string[], into: Set<string>): void {
  for (const text of texts) for (const w of text.split(/[^\p{L}\p{N}]+/u)) if (w.length >= 3 && w.length <= 40 && !/^\d+$/.test(w)) into.add(w);
}

const nameOf = (ref: string | null | undefined) => (ref ? ref.slice(ref.lastIndexOf('/') + 1) : '');

export function documentTexts(record: Written) {
  const e = record.entity;
  const spec = (e.spec ?? {}) as Record<string, unknown>;
  const targets = (type: string) => record.relations.filter((r) => r.sourceRef === record.ref && r.type === type).map((r) => nameOf(r.targetRef));
  const system = record.relations.find((r) => r.sourceRef === record.ref && r.type === 'partOf' && r.targetRef.startsWith('system:'))?.targetRef;
  return {
    ref: record.ref,
    a: searchText([e.metadata.name, e.metadata.title]),
    b: searchText([...(e.metadata.tags ?? []), nameOf(system), ...targets('providesApi')]),
    c: searchText([e.kind, typeof spec.type === 'string' ? spec.type : '', nameOf(targets('ownedBy')[0])]),
    d: searchText([e.metadata.description, typeof spec.lifecycle === 'string' ? spec.lifecycle : '', ...targets('consumesApi')]),
    system: system ?? null,
    domain: e.kind.toLowerCase() === 'system' && typeof spec.domain === 'string' ? spec.domain : null,
  };
}

const DOMAIN_VECTOR = sql.raw(`setweight(to_tsvector('english', lower(coalesce(split_part(domain, '/', -1), ''))), 'C')`);

export async function indexForSearch(tx: Tx, records: readonly Written[]): Promise<void> {
  if (!records.length) return;
  const docs = records.map(documentTexts);
  // The context is the domain: a System's own, or that of the entity's system (written before this).
  await tx.execute(sql`insert into entity_search (ref, document, context)
    select x.ref, setweight(to_tsvector('english', x.a), 'A') || setweight(to_tsvector('english', x.b), 'B') || setweight(to_tsvector('english', x.c), 'C') || setweight(to_tsvector('english', x.d), 'D'),
      (select ${DOMAIN_VECTOR} from (select coalesce(x.domain, s.entity->'spec'->>'domain') as domain) as dom)
    from json_to_recordset(${JSON.stringify(docs)}::json) as x(ref text, a text, b text, c text, d text, system text, domain text)
    left join entities s on s.ref = x.system
    on conflict (ref) do update set document = excluded.document, context = excluded.context`);
  const words = new Set<string>();
  vocabulary(docs.flatMap((d) => [d.a, d.b, d.c, d.d]), words);
  await tx.execute(sql`insert into search_words (word) select unnest(${textArray([...words])}::text[]) on conflict (word) do nothing`);
  // A System written now carries its domain to parts written before it (or not written now). A part
  // that has it already (written with it, or the domain did not change) is not rewritten: each updated
  // row is a dead tuple every search reads past until a vacuum (PGlite never runs one; a first sync
  // of 50,000 entities left the table half dead tuples).
  const systems = docs.filter((d) => d.domain !== null && d.ref.startsWith('system:')).map((d) => d.ref);
  if (!systems.length) return;
  await tx.execute(sql`update entity_search es set context = n.context
    from (select p.ref, (select ${DOMAIN_VECTOR} from (select s.entity->'spec'->>'domain' as domain) as dom) as context
            from entities p join entities s on s.ref = p.system_ref
           where p.system_ref = any(${textArray(systems)}::text[])) as n
    where es.ref = n.ref and es.context is distinct from n.context`);
}

/** Deleted entities leave the index. */
export async function removeFromSearch(tx: Tx, refs: readonly string[]): Promise<void> {
  if (refs.length) await tx.execute(sql`delete from entity_search where ref = any(${textArray([...refs])}::text[])`);
}
