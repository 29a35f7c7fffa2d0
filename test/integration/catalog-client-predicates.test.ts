/**
 * The predicate forms of Backstage's own CatalogClient (issue 14): `queryEntities({ query })`,
 * `getEntityFacets({ query })` and `getEntitiesByRefs({ query })` against the running service, on
 * the demo catalog synced by the real sync. Expected answers are computed here from the entities
 * the plain GET form returns, by hand, not with the evaluator under test.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { GetEntityFacetsRequest } from '@backstage/catalog-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TOKEN, fileIn, startCatalogApiBed, type CatalogApiBed } from '../helpers/catalog-api-bed.js';

const refOf = (e: Entity) => stringifyEntityRef(e);
const byName = (a: Entity, b: Entity) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : refOf(a) < refOf(b) ? -1 : 1);
const ownedBy = (e: Entity, group: string) => (e.relations ?? []).some((r) => r.type === 'ownedBy' && r.targetRef === group);

describe("Backstage's CatalogClient: the predicate (query) forms", () => {
  let bed: CatalogApiBed;
  let all: Entity[];
  const post = (path: string, body: unknown) =>
    fetch(`${bed.base}/api/catalog${path}`, { method: 'POST', headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  beforeAll(async () => {
    bed = await startCatalogApiBed();
    all = (await bed.client.getEntities()).items;
  });
  afterAll(async () => bed?.close());

  it('queryEntities with query: pages through to the end by cursors, back again, with totalItems, orderFields and fields', async () => {
    const query: NonNullable<GetEntityFacetsRequest['query']> = { $all: [{ kind: 'component' }, { $not: { 'spec.lifecycle': 'experimental' } }] };
    const expected = all.filter((e) => e.kind === 'Component' && e.spec?.lifecycle !== 'experimental').sort(byName).reverse();
    expect(expected.length).toBeGreaterThan(10);
    const fields = ['kind', 'metadata.name', 'metadata.namespace'];
    let page = await bed.client.queryEntities({ query, orderFields: { field: 'metadata.name', order: 'desc' }, limit: 4, fields });
    const seen: string[] = [];
    const cursors: string[] = [];
    for (;;) {
      expect(page.totalItems).toBe(expected.length);
      expect(Object.keys(page.items[0]).sort()).toEqual(['kind', 'metadata']);
      seen.push(...page.items.map(refOf));
      if (!page.pageInfo.nextCursor) break;
      // The client sends a cursor back to the predicate form only when the cursor carries the query.
      expect(JSON.parse(Buffer.from(page.pageInfo.nextCursor, 'base64').toString('utf8'))).toHaveProperty('query');
      cursors.push(page.pageInfo.nextCursor);
      page = await bed.client.queryEntities({ cursor: page.pageInfo.nextCursor, limit: 4, fields });
    }
    expect(seen).toEqual(expected.map(refOf));
    const third = await bed.client.queryEntities({ cursor: cursors[1], limit: 4 });
    const second = await bed.client.queryEntities({ cursor: third.pageInfo.prevCursor!, limit: 4 });
    expect(second.items.map(refOf)).toEqual(seen.slice(4, 8));
    // The GET form refuses a predicate cursor rather than dropping its query.
    expect((await bed.get(`/api/catalog/entities/by-query?cursor=${encodeURIComponent(cursors[0])}`)).status).toBe(400);
  });

  it('queryEntities with query: $any, $in, $exists, $hasPrefix, relations $contains, offset, fullTextFilter, with filter, totalItems exclude', async () => {
    const names = async (request: Parameters<CatalogApiBed['client']['queryEntities']>[0]) => (await bed.client.queryEntities({ ...request, fields: ['metadata.name'], orderFields: { field: 'metadata.name', order: 'asc' } })).items.map((e) => e.metadata.name);
    // Each expectation selects some entities but not all, so it tells matching from not matching.
    const sorted = (es: Entity[]) => {
      expect(es.length).toBeGreaterThan(0);
      expect(es.length).toBeLessThan(all.length);
      return es.sort(byName).map((e) => e.metadata.name);
    };

    expect(await names({ query: { $any: [{ kind: 'group' }, { kind: 'API', 'spec.type': { $in: ['openapi', 'grpc'] } }] } })).toEqual(
      sorted(all.filter((e) => e.kind === 'Group' || (e.kind === 'API' && ['openapi', 'grpc'].includes(String(e.spec?.type))))),
    );
    expect(await names({ query: { 'metadata.annotations.backstage.io/techdocs-ref': { $exists: true } } })).toEqual(sorted(all.filter((e) => e.metadata.annotations?.['backstage.io/techdocs-ref'] !== undefined)));
    expect(await names({ query: { kind: 'component', 'metadata.name': { $hasPrefix: 'PAY' } } })).toEqual(sorted(all.filter((e) => e.kind === 'Component' && e.metadata.name.startsWith('pay'))));
    const owned = sorted(all.filter((e) => ownedBy(e, 'group:default/payments')));
    expect(owned.length).toBeGreaterThan(1);
    expect(await names({ query: { relations: { $contains: { type: 'ownedBy', targetRef: 'group:default/payments' } } } })).toEqual(owned);
    expect(await names({ query: { relations: { $contains: { type: 'ownedBy', targetRef: 'group:default/payments' } } }, offset: 1, limit: 2 })).toEqual(owned.slice(1, 3));
    // With `filter` too, the client sends { $all: [query, filter] }.
    expect(await names({ query: { relations: { $contains: { type: 'ownedBy', targetRef: 'group:default/payments' } } }, filter: { kind: 'component' } })).toEqual(sorted(all.filter((e) => e.kind === 'Component' && ownedBy(e, 'group:default/payments'))));
    expect(await names({ query: { kind: 'component' }, fullTextFilter: { term: 'LEDGER', fields: ['metadata.name'] } })).toEqual(sorted(all.filter((e) => e.kind === 'Component' && e.metadata.name.includes('ledger'))));
    const excluded = await bed.client.queryEntities({ query: { kind: 'group' }, totalItems: 'exclude' } as never);
    expect(excluded.totalItems).toBe(0);
    expect(excluded.items.length).toBe(all.filter((e) => e.kind === 'Group').length);
  });

  it('getEntityFacets with query counts values as written, within the predicate', async () => {
    const { facets } = await bed.client.getEntityFacets({ facets: ['kind', 'spec.lifecycle'], query: { $any: [{ kind: 'component' }, { kind: 'api' }] } });
    const within = all.filter((e) => e.kind === 'Component' || e.kind === 'API');
    expect(facets.kind).toEqual([
      { value: 'API', count: all.filter((e) => e.kind === 'API').length },
      { value: 'Component', count: all.filter((e) => e.kind === 'Component').length },
    ]);
    const lifecycles = within.map((e) => String(e.spec?.lifecycle));
    expect(facets['spec.lifecycle']).toEqual([...new Set(lifecycles)].sort().map((value) => ({ value, count: lifecycles.filter((l) => l === value).length })));
  });

  it('getEntitiesByRefs with query answers undefined for entities the predicate rejects, combined with filter', async () => {
    const refs = ['component:default/payments-api', 'group:default/ledger', 'component:default/nope', 'api:default/payments-rest'];
    const { items } = await bed.client.getEntitiesByRefs({ entityRefs: refs, query: { $not: { kind: 'group' } }, fields: ['metadata.name'] });
    expect(items).toEqual([{ metadata: { name: 'payments-api' } }, undefined, undefined, { metadata: { name: 'payments-rest' } }]);
    const both = await bed.client.getEntitiesByRefs({ entityRefs: refs, query: { $not: { kind: 'group' } }, filter: { kind: 'api' }, fields: ['metadata.name'] });
    expect(both.items).toEqual([undefined, undefined, undefined, { metadata: { name: 'payments-rest' } }]);
  });

  it('a bad predicate is the InputError the client raises, naming what is wrong', async () => {
    const bad = [
      [{ kind: 'component', $all: [] }, '$all must be the only key'],
      [{ $all: { kind: 'x' } }, 'query.$all: expected an array'],
      [{ $all: [{ 'spec.type': { $in: 'service' } }] }, 'query.$all[0]["spec.type"].$in: expected an array'],
      [{ $nope: [] }, 'unknown operator $nope'],
      [{ kind: { $regex: '.*' } }, 'unknown value operator $regex'],
      [{ kind: { $in: ['a'], $exists: true } }, 'exactly one of'],
      [{ 'metadata.tags': { $contains: { $any: ['java'] } } }, 'only for "relations"'],
      [{ relations: { $contains: { targetRef: 'group:default/x' } } }, 'needs a "type"'],
      [{ kind: null }, 'query["kind"]'],
    ] as const;
    for (const [query, message] of bad) {
      const error = await bed.client.queryEntities({ query: query as never }).catch((e: unknown) => e);
      expect(error, JSON.stringify(query)).toMatchObject({ name: 'ResponseError', response: { status: 400 }, body: { error: { name: 'InputError', message: expect.stringContaining(message) } } });
    }
    // Depth and size are bounded.
    let deep: Record<string, unknown> = { kind: 'x' };
    for (let i = 0; i < 40; i++) deep = { $not: deep };
    await expect(bed.client.getEntityFacets({ facets: ['kind'], query: deep as never })).rejects.toMatchObject({ body: { error: { name: 'InputError', message: expect.stringContaining('nested deeper than 32') } } });
    const wide = { $any: Array.from({ length: 2100 }, (_, i) => ({ 'metadata.name': `n${i}` })) };
    await expect(bed.client.getEntitiesByRefs({ entityRefs: ['component:default/payments-api'], query: wide })).rejects.toMatchObject({ body: { error: { message: expect.stringContaining('more than 2000 terms') } } });
    await expect(bed.client.queryEntities({ query: { 'metadata.name': 'x'.repeat(70_000) } })).rejects.toMatchObject({ body: { error: { message: expect.stringContaining('at most 64000') } } });
    // The largest query accepted still pages: its cursor fits the next request's body.
    const big: NonNullable<GetEntityFacetsRequest['query']> = { $any: [{ kind: 'component' }, { 'metadata.name': 'x'.repeat(60_000) }] };
    const first = await bed.client.queryEntities({ query: big, limit: 5 });
    expect((await bed.client.queryEntities({ cursor: first.pageInfo.nextCursor!, limit: 5 })).items.length).toBe(5);
    // Body mistakes too, in Backstage's error shape.
    const res = await post('/entities/by-query', { qurey: { kind: 'x' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { name: 'InputError' }, request: { method: 'POST' }, response: { statusCode: 400 } });
    expect((await post('/entity-facets', { query: { kind: 'x' } })).status).toBe(400);
    // Like every catalog route, the predicate forms need an API token.
    const anonymous = await fetch(`${bed.base}/api/catalog/entities/by-query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":{}}' });
    expect(anonymous.status).toBe(401);
    expect((await post('/entities/by-query', { cursor: 'bm9wZQ' })).status).toBe(400);
  });

  it('answers from the cache until the catalog changes, then from the new catalog', async () => {
    const query = { 'metadata.title': 'Payments API (renamed)' };
    const ask = async () => (await bed.client.queryEntities({ query, fields: ['metadata.name'] })).items.map((e) => e.metadata.name);
    const facet = async () => (await bed.client.getEntityFacets({ facets: ['metadata.name'], query })).facets['metadata.name'];
    expect(await ask()).toEqual([]);
    expect(await facet()).toEqual([]);
    const path = fileIn(bed, 'components/payments.yaml');
    await writeFile(path, (await readFile(path, 'utf8')).replace('  title: Payments API\n', '  title: Payments API (renamed)\n'));
    await bed.sync.syncAll();
    let names: string[] = [];
    for (let i = 0; i < 100 && !names.length; i++) {
      names = await ask();
      if (!names.length) await new Promise((r) => setTimeout(r, 50));
    }
    expect(names).toEqual(['payments-api']);
    expect(await facet()).toEqual([{ value: 'payments-api', count: 1 }]);
  });
});
