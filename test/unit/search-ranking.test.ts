import { describe, expect, it } from 'vitest';
import { similarity } from '../../src/catalog/search.js';
import { alternatives, parseSearch, termQuery } from '../../src/catalog/search-query.js';
import { ago, staleness } from '../../src/catalog/staleness.js';

describe('similarity and ranking', () => {
  it('scores typos of a name above unrelated names', () => {
    expect(similarity('payments-api', 'payments-api')).toBe(1);
    expect(similarity('paymnts-api', 'payments-api')).toBeGreaterThan(similarity('paymnts-api', 'payments-db'));
    expect(similarity('paymnts-api', 'payments-api')).toBeGreaterThan(0.8);
    expect(similarity('payments', 'payments-api')).toBeGreaterThan(similarity('payments', 'ledger-api'));
  });

});

describe('search grammar', () => {
  it('splits words from field filters and joins compounds', () => {
    expect(parseSearch('Notification E-mail kind:component owner:Platform tags:pci')).toEqual({
      phrase: 'notification e-mail',
      terms: ['notification', 'email'],
      filters: { kind: 'component', owner: 'platform', tag: 'pci' },
    });
    // An unknown prefix is a word, not a filter; tsquery syntax never survives into a term.
    expect(parseSearch("url:x & !(a:*) 'quote'").terms).toEqual(['urlx', 'a', 'quote']);
  });

  it('matches words by prefix, single letters exactly, and either spelling of a corrected word', () => {
    expect(termQuery('pay')).toBe('pay:*');
    expect(termQuery('a')).toBe('a');
    // The strong-field tier for words that are everywhere: name, title, tags, system, APIs only.
    expect(termQuery('service', 'AB')).toBe('service:*AB');
    expect(alternatives('servce', 'service', 'AB')).toBe('(servce:*AB | service:*AB)');
    expect(alternatives('notifcation', 'notification')).toBe('(notifcation:* | notification:*)');
    expect(alternatives('ledger', null)).toBe('ledger:*');
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
