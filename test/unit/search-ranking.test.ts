import { describe, expect, it } from 'vitest';
import { rankHits, similarity } from '../../src/catalog/search.js';
import { ago, staleness } from '../../src/catalog/staleness.js';
import type { EntityRow } from '../../src/catalog/queries.js';

const row = (name: string, extra: Partial<EntityRow> = {}): EntityRow =>
  ({ ref: `component:default/${name}`, kind: 'component', namespace: 'default', name, title: null, description: null, tags: [], ...extra }) as EntityRow;

describe('similarity and ranking', () => {
  it('scores typos of a name above unrelated names', () => {
    expect(similarity('payments-api', 'payments-api')).toBe(1);
    expect(similarity('paymnts-api', 'payments-api')).toBeGreaterThan(similarity('paymnts-api', 'payments-db'));
    expect(similarity('paymnts-api', 'payments-api')).toBeGreaterThan(0.8);
    expect(similarity('payments', 'payments-api')).toBeGreaterThan(similarity('payments', 'ledger-api'));
  });

  it('ranks exact name > prefix > token > title > tag > description', () => {
    const rows = [
      row('describes', { description: 'moves the ledger along' }),
      row('tagged', { tags: ['ledger'] }),
      row('titled', { title: 'Ledger tools' }),
      row('core-ledger-sync'),
      row('ledger-service'),
      row('ledger'),
    ];
    expect(rankHits('ledger', rows).map((h) => h.row.name)).toEqual(['ledger', 'ledger-service', 'core-ledger-sync', 'titled', 'tagged', 'describes']);
  });
});

describe('staleness', () => {
  const now = new Date('2025-09-01T00:00:00Z');
  it('uses the file commit time, else the last content change, and a later review resets it', () => {
    expect(staleness({ fileCommittedAt: new Date('2025-01-01'), lastChangedAt: new Date('2025-08-01'), lastReviewedAt: null }, now, 180).stale).toBe(true);
    expect(staleness({ fileCommittedAt: null, lastChangedAt: new Date('2025-08-01'), lastReviewedAt: null }, now, 180).stale).toBe(false);
    const reviewed = staleness({ fileCommittedAt: new Date('2024-01-01'), lastChangedAt: new Date('2024-01-01'), lastReviewedAt: new Date('2025-08-20') }, now, 180);
    expect(reviewed).toMatchObject({ stale: false, ageDays: 12 });
    expect(ago(new Date('2025-08-31T00:00:00Z'), now)).toBe('yesterday');
  });
});
