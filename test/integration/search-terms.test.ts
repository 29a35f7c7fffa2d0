/**
 * The stored document frequencies (migration 0027, src/catalog/search-terms.ts): kept by triggers
 * through every write a sync makes, so after re-syncs that change, move and remove entities (and a
 * System's domain, which rewrites its parts' context) they equal those of a fresh index of the same
 * catalog; and the ranked search that reads them (search-rank.ts) answers a common word as before.
 * Runs on Postgres or PGlite.
 */
import { createHash } from 'node:crypto';
import type { Entity } from '@backstage/catalog-model';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../../src/db/client.js';
import { refOf } from '../../src/catalog/refs.js';
import { relationsOf } from '../../src/catalog/relations.js';
import { COUNT_CAP, searchCatalog } from '../../src/catalog/search.js';
import { termStats } from '../../src/catalog/search-terms.js';
import { applySnapshot, removeSourceEntities, type CatalogRecord } from '../../src/catalog/store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

function record(kind: string, name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): CatalogRecord {
  const entity = { apiVersion: 'backstage.io/v1alpha1', kind, metadata: { name, ...metadata }, spec } as Entity;
  return { ref: refOf(entity), entity, relations: relationsOf(entity), filePath: `${name}.yaml`, contentHash: createHash('sha1').update(JSON.stringify(entity)).digest('hex') };
}

/** A catalog of `n` services in two systems; `version` changes descriptions, a domain and who exists. */
function catalog(n: number, version: 1 | 2): CatalogRecord[] {
  const out = [
    record('System', 'billing', { owner: 'payments', domain: version === 1 ? 'money' : 'finance' }),
    record('System', 'identity', { owner: 'guild', domain: 'people' }, { description: version === 1 ? 'Sign-in' : 'Sign-in and sessions' }),
  ];
  for (let i = 0; i < n; i++) {
    if (version === 2 && i % 5 === 0) continue; // removed
    const words = version === 2 && i % 3 === 0 ? `Renders invoices number ${i}` : `Keeps ledgers number ${i}`;
    out.push(record('Component', `svc-${i}`, { type: 'service', lifecycle: 'production', owner: `team-${i % 4}`, system: i % 2 ? 'billing' : 'identity' }, { description: words }));
  }
  if (version === 2) out.push(record('Component', 'newcomer', { type: 'website', lifecycle: 'experimental', owner: 'team-9' }, { title: 'A new face' }));
  return out;
}

/** The stored frequencies, one number per lexeme, as the search reads them. */
const stored = async (database: TestDatabase) =>
  query<{ lexeme: string; docs: number }>(database.db, sql`select lexeme, sum(docs)::int as docs from search_terms group by lexeme having sum(docs) <> 0 order by lexeme`);
/** The frequencies counted from the index itself. */
const counted = async (database: TestDatabase) =>
  query<{ lexeme: string; docs: number }>(
    database.db,
    sql`select l as lexeme, count(*)::int as docs from entity_search es, unnest(array_append(tsvector_to_array(es.document || es.context), '')) as l group by l order by l collate "C"`,
  );

let resynced: TestDatabase;
let fresh: TestDatabase;
beforeAll(async () => {
  [resynced, fresh] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  await applySnapshot(resynced.db, { sourceId: 's', records: catalog(700, 1), now: new Date('2026-02-01T00:00:00Z') });
  await applySnapshot(resynced.db, { sourceId: 's', records: catalog(700, 2), now: new Date('2026-02-02T00:00:00Z') });
  await applySnapshot(fresh.db, { sourceId: 's', records: catalog(700, 2), now: new Date('2026-02-02T00:00:00Z') });
});
afterAll(async () => Promise.all([resynced?.close(), fresh?.close()]));

describe('stored document frequencies', () => {
  it('after a re-sync that changes, removes and adds entities and changes a domain, equal a fresh index', async () => {
    const after = await stored(resynced);
    expect(after).toEqual(await stored(fresh));
    expect(after).toEqual(await counted(resynced));
    expect(after.find((r) => r.lexeme === 'financ')?.docs).toBe(281); // billing and its 280 remaining parts
    expect(after.find((r) => r.lexeme === 'money')).toBeUndefined();
    expect(after.find((r) => r.lexeme === '')?.docs).toBe(2 + 560 + 1);
  });

  it('are folded into one row per lexeme when a sync ends, and stay right when a source is removed', async () => {
    const [rows] = await query<{ rows: number; lexemes: number }>(resynced.db, sql`select count(*)::int as rows, count(distinct lexeme)::int as lexemes from search_terms`);
    expect(rows!.rows).toBe(rows!.lexemes);
    const scratch = await createTestDatabase();
    try {
      await applySnapshot(scratch.db, { sourceId: 'a', records: catalog(40, 1), now: new Date() });
      await applySnapshot(scratch.db, { sourceId: 'b', records: [record('Component', 'other', { type: 'library', owner: 'x' }, { description: 'Keeps ledgers too' })], now: new Date() });
      await removeSourceEntities(scratch.db, 'a');
      expect(await stored(scratch)).toEqual(await counted(scratch));
      expect((await stored(scratch)).find((r) => r.lexeme === 'ledger')?.docs).toBe(1);
    } finally {
      await scratch.close();
    }
  });

  it('bound what a term matches: a whole word exactly, a prefix between its commonest word and their sum', async () => {
    const stats = await termStats(resynced.db, [[{ word: 'ledgers', prefix: false }], [{ word: 'invoic', prefix: true }], [{ word: 'nowhere', prefix: true }, { word: 'renders', prefix: true }]]);
    expect(stats.documents).toBe(563);
    expect(stats.terms[0]).toEqual({ lower: 373, upper: 373 });
    expect(stats.terms[1]).toEqual({ lower: 187, upper: 187 });
    expect(stats.terms[2]).toEqual({ lower: 187, upper: 187 });
  });
});

describe('search over a word on at least COUNT_CAP entities (read from the frequencies)', () => {
  it('answers as counting would: the cap, every word from the rarest, strong fields first', async () => {
    const common = await searchCatalog(resynced.db, 'production', { limit: 10 });
    expect(common.total).toBe(COUNT_CAP);
    expect(common.hits).toHaveLength(10);
    // `servic` is on 560 of 563: everything with every word is found from the rarest word's matches.
    const both = await searchCatalog(resynced.db, 'invoices service', { limit: 5 });
    expect(both.total).toBe(187);
    expect(both.hits.every((h) => h.matched === 2)).toBe(true);
    // The title (weight A) outranks the type (C) of 560 others.
    expect((await searchCatalog(resynced.db, 'face service', { limit: 1 })).hits[0]?.row.name).toBe('newcomer');
  });
});

describe('the system context update', () => {
  it('does not rewrite the parts of a System whose domain did not change', async () => {
    const ctid = async () => (await query<{ ctid: string }>(resynced.db, sql`select ctid::text from entity_search where ref = 'component:default/svc-2'`))[0]?.ctid;
    const before = await ctid();
    const records = catalog(700, 2).map((r) => (r.ref === 'system:default/identity' ? record('System', 'identity', { owner: 'guild', domain: 'people' }, { description: 'Sessions' }) : r));
    const applied = await applySnapshot(resynced.db, { sourceId: 's', records, now: new Date('2026-02-03T00:00:00Z') });
    expect(applied.updated).toEqual(['system:default/identity']);
    expect(await ctid()).toBe(before);
  });
});
