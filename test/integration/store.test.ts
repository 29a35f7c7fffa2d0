import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { applySnapshot, writeSnapshot, type CatalogRecord } from '../../src/catalog/store.js';
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

  it('bulk-loads text with tabs, newlines, backslashes and quotes unchanged', async () => {
    const { db } = database;
    const tricky = 'tab\there\nnew line \\ back\\slash "quoted" {braces}, \\N';
    const raw = { ...component('tricky', 'team\\x'), metadata: { name: 'tricky', title: tricky, description: tricky, tags: ['a-b', 'c'] } };
    await applySnapshot(db, { sourceId: 's4', now: new Date(), records: [await record(raw)] });
    const [row] = await db.select().from(entities).where(eq(entities.ref, 'component:default/tricky'));
    expect(row).toMatchObject({ title: tricky, description: tricky, tags: ['a-b', 'c'], ownerRef: 'group:default/team\\x' });
    expect((row!.entity as { metadata: { description: string } }).metadata.description).toBe(tricky);
    const rels = await db.select().from(relations).where(eq(relations.originRef, 'component:default/tricky'));
    expect(rels.map((r) => r.targetRef).sort()).toEqual(['component:default/tricky', 'group:default/team\\x']);
  });

  it('streams chunks in reading order: a ref repeated in a later chunk is a conflict, a moved entity is updated unless its old file failed', async () => {
    const { db } = database;
    const now = new Date();
    const many = await Promise.all(Array.from({ length: 2500 }, (_, i) => record(component(`bulk-${i}`, 'team-x'), `bulk/${Math.floor(i / 10)}.yaml`)));
    const { applied } = await writeSnapshot(db, { sourceId: 's5', now }, async (writer) => {
      for (let i = 0; i < many.length; i += 10) await writer.add(many.slice(i, i + 10));
      await writer.add([await record(component('bulk-3', 'team-y'), 'late.yaml')]);
    });
    expect(applied.added).toHaveLength(2500);
    expect(applied.conflicts).toEqual([{ filePath: 'late.yaml', entityRef: 'component:default/bulk-3', message: 'component:default/bulk-3 is already defined in bulk/0.yaml; this definition is ignored' }]);
    const owned = (await db.select().from(relations).where(eq(relations.type, 'ownedBy'))).filter((r) => r.sourceRef.startsWith('component:default/bulk-'));
    expect(owned).toHaveLength(2500);

    // bulk-0 moves from bulk/0.yaml to moved.yaml while bulk/0.yaml fails: kept as it was, and the
    // second definition is a conflict (the first claimant keeps the ref).
    const kept = await applySnapshot(db, { sourceId: 's5', now, records: [await record(component('bulk-0', 'team-z'), 'moved.yaml')], preserve: (f) => f !== 'moved.yaml' });
    expect(kept).toMatchObject({ updated: [], removed: [], shadowed: [['moved.yaml', 'bulk/0.yaml']] });
    expect(kept.conflicts.map((c) => c.message)).toEqual(['component:default/bulk-0 is already defined in bulk/0.yaml; this definition is ignored']);
    // bulk-1 moves while its old file is read fine: updated, and its old file's other entities go.
    const moved = await applySnapshot(db, { sourceId: 's5', now, records: [await record(component('bulk-1', 'team-z'), 'moved.yaml')], onlyFiles: ['moved.yaml', 'bulk/0.yaml'] });
    expect(moved.updated).toEqual(['component:default/bulk-1']);
    expect(moved.removed.sort()).toEqual([0, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `component:default/bulk-${i}`).sort());
    const [one] = await db.select().from(entities).where(eq(entities.ref, 'component:default/bulk-1'));
    expect(one).toMatchObject({ filePath: 'moved.yaml', ownerRef: 'group:default/team-z' });
    const [other] = await db.select().from(entities).where(eq(entities.ref, 'component:default/bulk-10'));
    expect(other).toBeDefined();
  });
});
