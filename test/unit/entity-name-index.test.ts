import { describe, expect, it } from 'vitest';
import { parseEntityFilter } from '../../src/http/entity-filter.js';
import { buildNameIndex, matchByName, nameOnlyFilter } from '../../src/http/entity-name-index.js';

const refs = ['api:default/ledger', 'component:default/ledger', 'component:default/payments', 'component:other/ledger', 'group:default/payments'];
const spec = (...filter: string[]) => ({ filter: parseEntityFilter(filter), order: [] });

describe('name index for filters that name their entities', () => {
  const { index } = buildNameIndex(refs);

  it('answers kind, namespace and name conditions, case-insensitively, alternatives joined, in ref order', () => {
    expect(matchByName(nameOnlyFilter(spec('kind=component,metadata.name=Ledger'))!, index)).toEqual(['component:default/ledger', 'component:other/ledger']);
    expect(matchByName(nameOnlyFilter(spec('kind=Component,metadata.namespace=default,metadata.name=ledger'))!, index)).toEqual(['component:default/ledger']);
    expect(matchByName(nameOnlyFilter(spec('metadata.name=payments', 'kind=api,metadata.name=ledger'))!, index)).toEqual(['api:default/ledger', 'component:default/payments', 'group:default/payments']);
    expect(matchByName(nameOnlyFilter(spec('kind=component,kind=group,metadata.name=payments'))!, index)).toEqual(['component:default/payments', 'group:default/payments']);
    expect(matchByName(nameOnlyFilter(spec('metadata.name=nothing'))!, index)).toEqual([]);
    expect(matchByName(nameOnlyFilter(spec(`metadata.name=${'x'.repeat(201)}`))!, index)).toEqual([]);
  });

  it('declines filters on anything else, existence tests, alternatives without a name, and sorted or full-text lists', () => {
    expect(nameOnlyFilter(spec('kind=component'))).toBeUndefined();
    expect(nameOnlyFilter(spec('kind=component,metadata.name=ledger,spec.type=service'))).toBeUndefined();
    expect(nameOnlyFilter(spec('metadata.name'))).toBeUndefined();
    expect(nameOnlyFilter(spec('metadata.name=ledger', 'kind=api'))).toBeUndefined();
    expect(nameOnlyFilter({ ...spec('metadata.name=ledger'), order: [{ field: 'metadata.name', order: 'asc' }] })).toBeUndefined();
    expect(nameOnlyFilter({ ...spec('metadata.name=ledger'), fullText: { term: 'x', fields: [] } })).toBeUndefined();
    expect(nameOnlyFilter({ order: [] })).toBeUndefined();
  });
});
