/**
 * Issue 15 (half a million entities), migration 0023: the statements a one-file re-sync runs find a
 * source's rows by file through an index (not every row of the source), a System's parts are found
 * by system_ref through an index (not a scan per chunk of Systems), and a sync leaves no GIN pending
 * list behind (PGlite runs no autovacuum, so searches would read a list that only grows).
 */
import { createHash } from 'node:crypto';
import type { Entity } from '@backstage/catalog-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refOf } from '../../src/catalog/refs.js';
import { relationsOf } from '../../src/catalog/relations.js';
import { applySnapshot, type CatalogRecord } from '../../src/catalog/store.js';
import { query, sql, type Db } from '../../src/db/client.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const record = (entity: Entity, filePath: string): CatalogRecord => ({ ref: refOf(entity), entity, relations: relationsOf(entity), filePath, contentHash: createHash('sha1').update(JSON.stringify(entity)).digest('hex') });
const component = (name: string, system: string): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a', system } });
const system = (name: string, domain: string): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name }, spec: { owner: 'team-a', domain } });

/** The plan of `statement` as text, with sequential scans priced out so only a missing index shows one. */
async function plan(db: Db, statement: ReturnType<typeof sql>): Promise<string> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`);
    const rows = await query<{ 'QUERY PLAN': string }>(tx, sql`explain ${statement}`);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

describe('indexes a large catalog needs', () => {
  let database: TestDatabase;
  const GIN = ['entity_search_all_idx', 'entity_search_strong_idx', 'search_words_trgm_idx', 'entities_name_trgm_idx'];
  beforeAll(async () => {
    database = await createTestDatabase();
    const records: CatalogRecord[] = [];
    for (let s = 0; s < 20; s++) {
      records.push(record(system(`system-${s}`, `domain-${s % 3}`), `systems/system-${s}.yaml`));
      for (let c = 0; c < 30; c++) records.push(record(component(`component-${s}-${c}`, `system-${s}`), `services/${s}/c-${Math.floor(c / 10)}.yaml`));
    }
    await applySnapshot(database.db, { sourceId: 'big', records, now: new Date() });
  }, 120_000);
  afterAll(async () => database?.close());

  it("finds a source's rows of given files by an index on both columns", async () => {
    // As previousState, removeUnseen and the owners of broken files ask (src/sync/sync-state.ts, src/catalog/removals.ts).
    const text = await plan(database.db, sql`select ref, file_path from entities where source_id = ${'big'} and file_path = any(${'{services/3/c-1.yaml}'}::text[])`);
    expect(text).toContain('entities_source_file_idx');
    expect(text).toMatch(/Index Cond: .*file_path/);
    expect(text).not.toMatch(/Seq Scan/);
  });

  it("finds a System's parts by an index on system_ref", async () => {
    // As indexForSearch carries a System's domain to its parts (src/catalog/search-index.ts).
    const text = await plan(database.db, sql`select p.ref from entities p where p.system_ref = any(${'{system:default/system-3}'}::text[])`);
    expect(text).toContain('entities_system_idx');
    expect(text).not.toMatch(/Seq Scan/);
  });

  it('leaves no pending list in the GIN indexes after a sync, and carries domains to parts', async () => {
    const rows = await query<{ relname: string; reloptions: string[] | null }>(database.db, sql`select relname, reloptions from pg_class where relname = any(${`{${GIN.join(',')}}`}::text[])`);
    expect(rows.map((r) => r.relname).sort()).toEqual([...GIN].sort());
    for (const r of rows) expect(r.reloptions ?? []).toContain('fastupdate=on');
    for (const name of GIN) {
      const [cleaned] = await query<{ pages: number }>(database.db, sql`select gin_clean_pending_list(${name}::regclass)::int as pages`);
      expect({ name, pages: Number(cleaned!.pages) }).toEqual({ name, pages: 0 });
    }
    // Search still finds by the system's domain, through the merged index.
    const found = await query<{ ref: string }>(database.db, sql`select ref from entity_search where (document || context) @@ to_tsquery('english', 'domain') order by ref limit 1`);
    expect(found.length).toBe(1);
  });

  it("carries a System's domain to parts written chunks before it, and its loss too", async () => {
    const parts = Array.from({ length: 700 }, (_, i) => record(component(`early-${i}`, 'late-system'), `early/${Math.floor(i / 10)}.yaml`));
    const withDomain = record(system('late-system', 'outback'), 'zz/late-system.yaml');
    await applySnapshot(database.db, { sourceId: 'late', records: [...parts, withDomain], now: new Date() });
    const context = async (ref: string) => (await query<{ context: string }>(database.db, sql`select context::text as context from entity_search where ref = ${ref}`))[0]?.context;
    expect(await context('component:default/early-0')).toContain("'outback'");
    expect(await context('component:default/early-699')).toContain("'outback'");
    // Only the System's file changed (an incremental sync): it no longer names a domain.
    const without: Entity = { ...withDomain.entity, spec: { owner: 'team-a' } };
    await applySnapshot(database.db, { sourceId: 'late', records: [record(without, 'zz/late-system.yaml')], onlyFiles: ['zz/late-system.yaml'], now: new Date() });
    expect(await context('component:default/early-0')).toBe('');
    expect(await context('component:default/early-699')).toBe('');
  });
});
