import { createHash } from 'node:crypto';
import type { Entity } from '@backstage/catalog-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveEntity } from '../../src/catalog/queries-resolve.js';
import { refOf } from '../../src/catalog/refs.js';
import { relationsOf } from '../../src/catalog/relations.js';
import { applySnapshot, type CatalogRecord } from '../../src/catalog/store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const record = (entity: Entity): CatalogRecord => ({ ref: refOf(entity), entity, relations: relationsOf(entity), filePath: 'gen.yaml', contentHash: createHash('sha1').update(JSON.stringify(entity)).digest('hex') });
const component = (name: string): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } });

describe('resolution in a crowded catalog', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    // Thousands of near-misses that share prefix, suffix and tokens with the one that is meant.
    const names = ['payments-api'];
    for (let i = 0; i < 4000; i++) names.push(`${['payments', 'pay', 'api', 'paymaster'][i % 4]}-${['api', 'service', 'worker'][i % 3]}-${i}`);
    await applySnapshot(database.db, { sourceId: 'gen', records: names.map((n) => record(component(n))), now: new Date() });
  }, 120_000);
  afterAll(async () => database?.close());

  it('still puts the meant entity in the top 3 for typos, and exact names resolve directly', async () => {
    for (const typo of ['paymnts-api', 'payments-apii', 'pyaments-api', 'oayments-api']) {
      const r = await resolveEntity(database.db, typo);
      expect(r.status).toBe('suggestions');
      if (r.status === 'suggestions') expect(r.candidates.slice(0, 3).map((c) => c.ref)).toContain('component:default/payments-api');
    }
    const exact = await resolveEntity(database.db, 'Payments-API');
    expect(exact).toMatchObject({ status: 'found', entity: { ref: 'component:default/payments-api' } });
    const none = await resolveEntity(database.db, 'qqqqqqqqqqqqqqqqqqqqqq');
    expect(none.status).toBe('none');
  });
});
