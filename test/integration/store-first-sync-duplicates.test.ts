/**
 * A first sync into an empty catalog keeps no map of every ref it wrote (seen-refs.ts): a ref
 * defined again chunks later is found among the rows already written, and is still a duplicate.
 */
import { createHash } from 'node:crypto';
import type { Entity } from '@backstage/catalog-model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refOf } from '../../src/catalog/refs.js';
import { relationsOf } from '../../src/catalog/relations.js';
import { writeSnapshot, type CatalogRecord } from '../../src/catalog/store.js';
import { query, sql } from '../../src/db/client.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const component = (name: string, owner = 'team-a'): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name }, spec: { type: 'service', lifecycle: 'production', owner } });
const record = (entity: Entity, filePath: string): CatalogRecord => ({ ref: refOf(entity), entity, relations: relationsOf(entity), filePath, contentHash: createHash('sha1').update(JSON.stringify(entity)).digest('hex') });

describe('duplicates in a first sync of many chunks', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  }, 60_000);
  afterEach(async () => database?.close());

  it('the first file keeps a ref defined again chunks later, or in the same chunk, and both are reported', async () => {
    const records = Array.from({ length: 1800 }, (_, i) => record(component(`c-${i}`), `f/${Math.floor(i / 10)}.yaml`));
    // Chunks are 500 records: c-3 again in the fourth chunk, c-1200 again right after itself.
    records.splice(1700, 0, record(component('c-3', 'team-late'), 'late/again.yaml'));
    records.splice(1201, 0, record(component('c-1200', 'team-near'), 'near/again.yaml'));
    // File by file, as sync hands them over: the writer writes a chunk once 500 records are pending.
    const files = new Map<string, CatalogRecord[]>();
    for (const r of records) files.set(r.filePath, [...(files.get(r.filePath) ?? []), r]);
    const order = [...new Set(records.map((r) => r.filePath))];
    const { applied } = await writeSnapshot(database.db, { sourceId: 's', now: new Date() }, async (writer) => {
      for (const f of order) await writer.add(files.get(f)!);
    });
    expect(applied.added).toHaveLength(1800);
    expect(applied.conflicts.map((c) => [c.filePath, c.entityRef, c.message])).toEqual([
      ['near/again.yaml', 'component:default/c-1200', 'component:default/c-1200 is already defined in f/120.yaml; this definition is ignored'],
      ['late/again.yaml', 'component:default/c-3', 'component:default/c-3 is already defined in f/0.yaml; this definition is ignored'],
    ]);
    expect(applied.shadowed).toEqual([
      ['near/again.yaml', 'f/120.yaml'],
      ['late/again.yaml', 'f/0.yaml'],
    ]);
    const owners = await query<{ ref: string; owner_ref: string; file_path: string }>(database.db, sql`select ref, owner_ref, file_path from entities where ref in ('component:default/c-3', 'component:default/c-1200') order by ref`);
    expect(owners).toEqual([
      { ref: 'component:default/c-1200', owner_ref: 'group:default/team-a', file_path: 'f/120.yaml' },
      { ref: 'component:default/c-3', owner_ref: 'group:default/team-a', file_path: 'f/0.yaml' },
    ]);
  });
});
