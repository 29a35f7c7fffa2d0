import { describe, expect, it } from 'vitest';
import { matchesFilter, parseEntityFilter, searchIndexOf } from '../../src/http/entity-filter.js';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'Payments-API', tags: ['java', 'pci'], annotations: { 'backstage.io/techdocs-ref': 'dir:.' }, description: 'x'.repeat(250) },
  spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
};
const index = searchIndexOf(entity, [{ type: 'ownedBy', targetRef: 'group:default/payments' }]);

describe('Backstage filter parsing and matching', () => {
  it('parses OR across parameters, AND within one, repeated keys as any-of, bare keys as exists', () => {
    expect(parseEntityFilter(['kind=component,spec.type=service,spec.type=website', 'metadata.annotations.x'])).toEqual([
      [{ key: 'kind', values: ['component'] }, { key: 'spec.type', values: ['service', 'website'] }],
      [{ key: 'metadata.annotations.x', exists: true }],
    ]);
    expect(parseEntityFilter([' , '])).toBeUndefined();
    expect(parseEntityFilter(undefined)).toBeUndefined();
    expect(() => parseEntityFilter(['=x'])).toThrow(/'=x' is not a valid statement/);
    expect(parseEntityFilter(['spec.owner='])).toEqual([[{ key: 'spec.owner', values: [''] }]]);
  });

  it('matches case-insensitively on the flattened entity, arrays both as values and as keys', () => {
    const m = (...filters: string[]) => matchesFilter(index, parseEntityFilter(filters));
    expect(m('kind=COMPONENT,metadata.name=payments-api')).toBe(true);
    expect(m('kind=component,spec.lifecycle=experimental')).toBe(false);
    expect(m('kind=component,spec.lifecycle=experimental', 'metadata.namespace=default')).toBe(true);
    expect(m('metadata.tags=pci')).toBe(true);
    expect(m('metadata.tags.java,metadata.tags.pci')).toBe(true);
    expect(m('metadata.tags.go')).toBe(false);
    expect(m('metadata.annotations.backstage.io/techdocs-ref=DIR:.')).toBe(true);
    expect(m('relations.ownedby=group:default/payments')).toBe(true);
    expect(m('spec.type=service,spec.type=website')).toBe(true);
    expect(m('spec.system')).toBe(false);
    // Values longer than Backstage indexes exist, but never equal anything.
    expect(m('metadata.description')).toBe(true);
    expect(m(`metadata.description=${'x'.repeat(250)}`)).toBe(false);
  });
});
