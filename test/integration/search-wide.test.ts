/**
 * Search when a word is everywhere (search-rank.ts): past RANK_POOL matches only candidates with a
 * word in a strong field, with every word, and a sample are ranked. The demo catalog never gets
 * there, so this catalog does: 700 services sharing `service` (type) and `production` (lifecycle).
 */
import { createHash } from 'node:crypto';
import type { Entity } from '@backstage/catalog-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refOf } from '../../src/catalog/refs.js';
import { relationsOf } from '../../src/catalog/relations.js';
import { COUNT_CAP, searchCatalog } from '../../src/catalog/search.js';
import { RANK_POOL } from '../../src/catalog/search-rank.js';
import { applySnapshot, type CatalogRecord } from '../../src/catalog/store.js';
import { runLine } from '../../src/commands/run.js';
import { commandContext } from '../helpers/command-context.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const NOISE = 700;
function record(name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): CatalogRecord {
  const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name, ...metadata }, spec: { type: 'service', lifecycle: 'production', ...spec } } as Entity;
  return { ref: refOf(entity), entity, relations: relationsOf(entity), filePath: `${name}.yaml`, contentHash: createHash('sha1').update(JSON.stringify(entity)).digest('hex') };
}

let database: TestDatabase;
const top = async (text: string, n = 5) => (await searchCatalog(database.db, text, { limit: n })).hits.map((h) => h.row.ref.replace('component:default/', ''));

beforeAll(async () => {
  database = await createTestDatabase();
  const records: CatalogRecord[] = [];
  for (let i = 0; i < NOISE; i++) records.push(record(`zz-${i.toString(36)}-x${i}`, { owner: `team-${i % 7}` }, { description: `Unit ${i} of the fleet` }));
  records.push(
    record('vault-keeper', { owner: 'payments' }, { description: 'Stores card tokens for the checkout', tags: ['pci'] }),
    record('ledger-writer', { owner: 'payments' }, { description: 'Writes bookings; reconciles nightly' }),
    record('gateway', { owner: 'payments' }, { title: 'PCI gateway', description: 'Talks to acquirers' }),
  );
  await applySnapshot(database.db, { sourceId: 'wide', records, now: new Date('2026-02-01T00:00:00Z') });
});
afterAll(async () => database.close());

describe('search over a word that is everywhere', () => {
  it('counts up to the cap and says "+"', async () => {
    const result = await searchCatalog(database.db, 'service', { limit: 10 });
    expect(NOISE).toBeGreaterThan(RANK_POOL);
    expect(result.total).toBe(COUNT_CAP);
    expect(result.hits).toHaveLength(10);
    expect((await runLine('find production', commandContext(database.db))).summary).toMatch(new RegExp(`^${COUNT_CAP}\\+ matches`));
  });

  it('ranks a strong-field hit (tag, title) with the common word first', async () => {
    expect((await top('pci service', 2)).sort()).toEqual(['gateway', 'vault-keeper']);
  });

  it('finds an entity whose rare word is only in its description, through the every-word candidates', async () => {
    expect(await top('reconciles service', 1)).toEqual(['ledger-writer']);
    expect(await top('acquirers production', 1)).toEqual(['gateway']);
    // Counted: those with every word (the list itself goes on with those that have some).
    const counted = await searchCatalog(database.db, 'bookings production', { limit: 1 });
    expect(counted.total).toBe(1);
  });

  it('applies filters inside the candidate retrieval', async () => {
    const hits = (await searchCatalog(database.db, 'service owner:payments', { limit: 10 })).hits.map((h) => h.row.name).sort();
    expect(hits).toEqual(['gateway', 'ledger-writer', 'vault-keeper']);
  });
});
