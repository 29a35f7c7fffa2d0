/**
 * Every read call of Backstage's own CatalogClient against the running service (issue 14): the
 * client is the judge of the wire format, the demo catalog synced by the real sync is the data.
 */
import { stringifyEntityRef, stringifyLocationRef, type Entity } from '@backstage/catalog-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCatalogApiBed, type CatalogApiBed } from '../helpers/catalog-api-bed.js';

const refOf = (e: Entity) => stringifyEntityRef(e);

describe("Backstage's CatalogClient against the catalog API", () => {
  let bed: CatalogApiBed;
  let all: Entity[];
  beforeAll(async () => {
    bed = await startCatalogApiBed();
    all = (await bed.client.getEntities()).items;
  });
  afterAll(async () => bed?.close());

  it('getEntities: everything, by ref, with filter, fields, order, offset/limit and after', async () => {
    expect(all.length).toBe(80);
    expect(all.map(refOf)).toEqual([...all.map(refOf)].sort());
    const components = (await bed.client.getEntities({ filter: { kind: 'Component' }, fields: ['kind', 'metadata.name'] })).items;
    expect(components.length).toBe(33);
    expect(components[0]).toEqual({ kind: 'Component', metadata: { name: components[0].metadata.name } });

    const desc = (await bed.client.getEntities({ filter: { kind: 'component' }, order: { field: 'metadata.name', order: 'desc' }, fields: ['metadata.name'] })).items.map((e) => e.metadata.name);
    expect(desc).toEqual([...desc].sort().reverse());
    // Entities without the order field come last, whatever the direction.
    const titled = (await bed.client.getEntities({ order: [{ field: 'metadata.title', order: 'asc' }], fields: ['metadata.title'] })).items;
    const firstUntitled = titled.findIndex((e) => !e.metadata?.title);
    expect(titled.slice(firstUntitled).every((e) => !e.metadata?.title)).toBe(true);

    const page = (await bed.client.getEntities({ filter: { kind: 'component' }, order: { field: 'metadata.name', order: 'desc' }, fields: ['metadata.name'], offset: 5, limit: 10 })).items;
    expect(page.map((e) => e.metadata.name)).toEqual(desc.slice(5, 15));

    // `after` is the cursor of Backstage's Link header.
    const res = await bed.get('/api/catalog/entities?filter=kind=component&fields=metadata.name&limit=10');
    const link = res.headers.get('link')!;
    expect(link).toMatch(/rel="next"/);
    const after = new URL(`http://x${/<([^>]+)>/.exec(link)![1]}`).searchParams.get('after')!;
    const next = (await bed.client.getEntities({ filter: { kind: 'component' }, fields: ['metadata.name'], limit: 10, after })).items;
    const names = components.map((e) => e.metadata.name).sort();
    expect(next.map((e) => e.metadata.name)).toEqual(names.slice(10, 20));
  });

  it('getEntitiesByRefs keeps order, answers undefined for missing refs and for entities the filter rejects, and applies fields', async () => {
    const refs = ['component:default/payments-api', 'group:default/ledger', 'component:default/nope', 'api:default/payments-rest'];
    const { items } = await bed.client.getEntitiesByRefs({ entityRefs: refs, fields: ['kind', 'metadata.name'] });
    expect(items).toEqual([{ kind: 'Component', metadata: { name: 'payments-api' } }, { kind: 'Group', metadata: { name: 'ledger' } }, undefined, { kind: 'API', metadata: { name: 'payments-rest' } }]);
    const filtered = await bed.client.getEntitiesByRefs({ entityRefs: refs, filter: { kind: ['component', 'api'] }, fields: ['metadata.name'] });
    expect(filtered.items).toEqual([{ metadata: { name: 'payments-api' } }, undefined, undefined, { metadata: { name: 'payments-rest' } }]);
    const full = await bed.client.getEntitiesByRefs({ entityRefs: ['component:default/payments-api'] });
    expect(full.items[0]).toEqual(all.find((e) => refOf(e) === 'component:default/payments-api'));
  });

  it('queryEntities: cursor paging through everything forwards and back, totalItems, orderFields, fullTextFilter', async () => {
    const seen: string[] = [];
    let response = await bed.client.queryEntities({ limit: 7, fields: ['kind', 'metadata.name', 'metadata.namespace'] });
    expect(response.totalItems).toBe(80);
    expect(response.pageInfo.prevCursor).toBeUndefined();
    const cursors: string[] = [];
    for (;;) {
      seen.push(...response.items.map(refOf));
      if (!response.pageInfo.nextCursor) break;
      cursors.push(response.pageInfo.nextCursor);
      response = await bed.client.queryEntities({ cursor: response.pageInfo.nextCursor, limit: 7, fields: ['kind', 'metadata.name', 'metadata.namespace'] });
      expect(response.totalItems).toBe(80);
    }
    expect(seen).toEqual(all.map(refOf));
    // Backwards from the third page gives the second.
    const third = await bed.client.queryEntities({ cursor: cursors[1], limit: 7 });
    const second = await bed.client.queryEntities({ cursor: third.pageInfo.prevCursor!, limit: 7 });
    expect(second.items.map(refOf)).toEqual(seen.slice(7, 14));

    const byName = await bed.client.queryEntities({ filter: { kind: 'component' }, orderFields: { field: 'metadata.name', order: 'desc' }, limit: 5 });
    expect(byName.totalItems).toBe(33);
    const names = all.filter((e) => e.kind === 'Component').map((e) => e.metadata.name).sort().reverse();
    expect(byName.items.map((e) => e.metadata.name)).toEqual(names.slice(0, 5));
    const more = await bed.client.queryEntities({ cursor: byName.pageInfo.nextCursor!, limit: 5 });
    expect(more.items.map((e) => e.metadata.name)).toEqual(names.slice(5, 10));

    const text = await bed.client.queryEntities({ fullTextFilter: { term: 'LEDGER', fields: ['metadata.name'] }, orderFields: { field: 'metadata.name', order: 'asc' } });
    const expected = all.filter((e) => e.metadata.name.includes('ledger')).map((e) => e.metadata.name).sort();
    expect(text.items.map((e) => e.metadata.name)).toEqual(expected);
    expect(text.totalItems).toBe(expected.length);
    const excluded = await bed.client.queryEntities({ filter: { kind: 'group' }, totalItems: 'exclude' } as never);
    expect(excluded.items.length).toBeGreaterThan(0);
  });

  it('getEntityByRef and getEntityAncestors', async () => {
    const entity = await bed.client.getEntityByRef('component:default/payments-api');
    expect(entity?.relations).toContainEqual({ type: 'ownedBy', targetRef: 'group:default/payments' });
    expect(await bed.client.getEntityByRef('component:default/nope')).toBeUndefined();
    const ancestry = await bed.client.getEntityAncestors({ entityRef: 'component:default/payments-api' });
    expect(ancestry.rootEntityRef).toBe('component:default/payments-api');
    expect(ancestry.items[0]).toEqual({ entity, parentEntityRefs: ['location:default/acme-pay-catalog'] });
    expect(ancestry.items[1].entity.kind).toBe('Location');
    expect(ancestry.items[1].parentEntityRefs).toEqual([]);
    await expect(bed.client.getEntityAncestors({ entityRef: 'component:default/nope' })).rejects.toMatchObject({ response: { status: 404 } });
  });

  it('getEntityFacets counts values as written, within the filter', async () => {
    const { facets } = await bed.client.getEntityFacets({ facets: ['kind', 'spec.lifecycle'], filter: { kind: 'Component' } });
    expect(facets.kind).toEqual([{ value: 'Component', count: 33 }]);
    const lifecycles = all.filter((e) => e.kind === 'Component').map((e) => String(e.spec?.lifecycle));
    expect(facets['spec.lifecycle']).toEqual([...new Set(lifecycles)].sort().map((value) => ({ value, count: lifecycles.filter((l) => l === value).length })));
    const kinds = (await bed.client.getEntityFacets({ facets: ['kind'] })).facets.kind;
    expect(kinds.reduce((n, f) => n + f.count, 0)).toBe(80);
  });

  it('getLocations, getLocationById, getLocationByRef and getLocationByEntity agree with the origin annotation', async () => {
    const { items } = await bed.client.getLocations();
    expect(items.length).toBeGreaterThan(0);
    const entity = all.find((e) => refOf(e) === 'component:default/payments-api')!;
    const origin = entity.metadata.annotations!['backstage.io/managed-by-origin-location'];
    const byEntity = await bed.client.getLocationByEntity('component:default/payments-api');
    expect(byEntity && stringifyLocationRef(byEntity)).toBe(origin);
    expect(await bed.client.getLocationById(byEntity!.id)).toEqual(byEntity);
    expect(await bed.client.getLocationByRef(origin)).toEqual(byEntity);
    expect(items).toContainEqual(byEntity);
    expect(await bed.client.getLocationById('no-such-id')).toBeUndefined();
    expect(await bed.client.getLocationByEntity('component:default/nope')).toBeUndefined();
  });

  it('validateEntity: valid, invalid with the reason, and a non-url location refused', async () => {
    const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'fresh' }, spec: { type: 'service', lifecycle: 'production', owner: 'payments' } };
    expect(await bed.client.validateEntity(entity, 'url:https://github.com/acme/fresh/blob/main/catalog-info.yaml')).toEqual({ valid: true });
    const invalid = await bed.client.validateEntity({ ...entity, metadata: { name: 'not valid!' } }, 'url:https://github.com/acme/x');
    expect(invalid.valid).toBe(false);
    expect(JSON.stringify(invalid)).toContain('not valid!');
    const file = await bed.client.validateEntity(entity, 'file:/etc/x.yaml');
    expect(file).toMatchObject({ valid: false, errors: [{ message: expect.stringContaining("only 'url:<target>' is supported") }] });
  });

  it('an unknown query parameter is a 400 in Backstage error shape; every entity is redacted', async () => {
    const res = await bed.get('/api/catalog/entities?filter=kind=component&fiter=oops');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { name: 'InputError', message: "Unknown query parameter 'fiter'" }, request: { method: 'GET' }, response: { statusCode: 400 } });
    await expect(bed.client.queryEntities({ orderFields: { field: 'metadata.name', order: 'sideways' as 'asc' } })).rejects.toMatchObject({ response: { status: 400 } });
    expect((await bed.get('/api/catalog/entities/by-query?cursor=bm9wZQ')).status).toBe(400);
    expect(JSON.stringify(all)).not.toContain('pagerduty.com/integration-key');
  });
});
