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

/**
 * Indexes what a write wrote. Systems written are added to `systems` (ref -> domain, or null when it
 * has none), for `carryDomains` once the write has written everything.
 */
export async function indexForSearch(tx: Tx, records: readonly Written[], systems: Map<string, string | null>): Promise<void> {
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
  for (const d of docs) if (d.ref.startsWith('system:')) systems.set(d.ref, d.domain);
}

/**
 * A System written carries its domain (or its lack of one) to its parts written before it, in this
 * write or earlier ones. Once per write, not per chunk: each such statement reads the System's
 * parts, and run per chunk that grew with the catalog times the chunks holding Systems.
 */
export async function carryDomains(tx: Tx, systems: ReadonlyMap<string, string | null>): Promise<void> {
  if (!systems.size) return;
  const rows = JSON.stringify([...systems].map(([ref, domain]) => ({ ref, domain })));
  // Only rows whose context differs: a part written after its System has it already, and rewriting
  // it anyway put every part into the GIN indexes a second time.
  // The vector is made once per System, not once per part.
  await tx.execute(sql`update entity_search es set context = v.context
    from (select p.ref, d.context from entities p join (select x.ref, (select ${DOMAIN_VECTOR} from (select x.domain) as dom) as context
      from json_to_recordset(${rows}::json) as x(ref text, domain text)) as d on p.system_ref = d.ref) as v
    where es.ref = v.ref and es.context is distinct from v.context`);
}

/** Deleted entities leave the index. */
export async function removeFromSearch(tx: Tx, refs: readonly string[]): Promise<void> {
  if (refs.length) await tx.execute(sql`delete from entity_search where ref = any(${textArray([...refs])}::text[])`);
}

/** The GIN indexes sync writes to (migration 0023: fastupdate on, so their rows wait in a pending list). */
const GIN_INDEXES = ['entity_search_all_idx', 'entity_search_strong_idx', 'search_words_trgm_idx', 'entities_name_trgm_idx'];

/**
 * Merges the pending lists of the GIN indexes into their trees, in bulk, so that searches after a
 * sync read no long list. PGlite runs no autovacuum: without this a list would only ever grow.
 */
export async function mergePendingLists(tx: Tx): Promise<void> {
  await tx.execute(sql.raw(`select ${GIN_INDEXES.map((name) => `gin_clean_pending_list('${name}'::regclass)`).join(', ')}`));
}
