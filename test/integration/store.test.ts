import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySnapshot, type CatalogRecord } from '../../src/catalog/store.js';
import { relationsOf } from '../../src/catalog/relations.js';
import { refOf } from '../../src/catalog/refs.js';
import { validateEntity } from '../../src/catalog/validate.js';
import { entities, relations } from '../../src/db/schema.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

async function record(raw: object, filePath = 'catalog-info.yaml', hash = JSON.stringify(raw)): Promise<CatalogRecord> {
  const v = await validateEntity(raw);
  if (!v.ok) throw new Error(v.message);
  return { ref: refOf(v.entity), entity: v.entity, relations: relationsOf(v.entity), filePath, contentHash: hash };
}

const component = (name: string, owner: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name },
  spec: { type: 'service', lifecycle: 'production', owner },
});

describe('applySnapshot', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.close());

  it('inserts, updates by hash, removes, and rebuilds relations of touched entities', async () => {
    const { db } = database;
    const now = new Date('2026-01-01T00:00:00Z');
    const first = await applySnapshot(db, { sourceId: 's1', now, records: [await record(component('a', 'team-x')), await record(component('b', 'team-x'))] });
    expect(first.added.sort()).toEqual(['component:default/a', 'component:default/b']);

    const second = await applySnapshot(db, { sourceId: 's1', now, records: [await record(component('a', 'team-y'))] });
    expect(second.updated).toEqual(['component:default/a']);
    expect(second.removed).toEqual(['component:default/b']);

    const rels = await db.select().from(relations);
    expect(rels.map((r) => `${r.sourceRef} ${r.type} ${r.targetRef}`).sort()).toEqual([
      'component:default/a ownedBy group:default/team-y',
      'group:default/team-y ownerOf component:default/a',
    ]);
    const [a] = await db.select().from(entities);
    expect(a.ownerRef).toBe('group:default/team-y');
  });

  it('keeps entities of preserved (failed) files and lets the first source win a conflict', async () => {
    const { db } = database;
    const now = new Date();
    await applySnapshot(db, { sourceId: 's2', now, records: [await record(component('c', 'team-x'), 'broken.yaml')] });
    const kept = await applySnapshot(db, { sourceId: 's2', now, records: [], preserve: (f) => f === 'broken.yaml' });
    expect(kept.removed).toEqual([]);
    const clash = await applySnapshot(db, { sourceId: 's3', now, records: [await record(component('c', 'team-z'))] });
    expect(clash.added).toEqual([]);
    expect(clash.conflicts[0].message).toMatch(/already provided by source s2/);
  });
});
