/**
 * The fast path's whole-answer cache (GET /entities and /entities/by-query by URL, issue 15), judged
 * by Backstage's own CatalogClient: a repeated answer is served from memory and is the same bytes,
 * cursor paging through the whole catalog with a filter and fields= gives what a fresh read gives,
 * a sync between two pages shows on the next page, and once the replica has heard a sync no
 * answer from before it is served again. Memory stays within API_ANSWER_CACHE_MB.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Entity } from '@backstage/catalog-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics } from '../../src/metrics.js';
import { API_TOKEN, fileIn, startCatalogApiBed, type CatalogApiBed } from '../helpers/catalog-api-bed.js';

const BOUND = 256 * 1024;
const hits = async () => (await metrics.apiAnswerCacheLookups.get()).values.find((v) => v.labels.result === 'hit')?.value ?? 0;
const FIELDS = ['kind', 'metadata.name', 'metadata.description'];

describe('whole-answer cache of the catalog fast path', () => {
  let bed: CatalogApiBed;
  let components: Entity[];
  beforeAll(async () => {
    bed = await startCatalogApiBed({ answerCacheBytes: BOUND });
    components = (await bed.client.getEntities({ filter: { kind: 'component' }, fields: FIELDS })).items;
  });
  afterAll(async () => bed?.close());

  /** Every page of kind=component through by-query; `between` runs after the page numbered `at`. */
  async function pageAll(limit: number, between?: { at: number; run: () => Promise<void> }): Promise<Entity[]> {
    const seen: Entity[] = [];
    let response = await bed.client.queryEntities({ filter: { kind: 'component' }, fields: FIELDS, limit });
    for (let page = 1; ; page++) {
      seen.push(...response.items);
      expect(response.totalItems).toBe(components.length);
      if (!response.pageInfo.nextCursor) break;
      if (between?.at === page) await between.run();
      response = await bed.client.queryEntities({ cursor: response.pageInfo.nextCursor, fields: FIELDS, limit });
    }
    return seen;
  }

  /** Edits a component's description in the source, syncs, and waits until this replica has heard it. */
  async function changeDescription(name: string, from: string, to: string) {
    const path = fileIn(bed, 'components/payments.yaml');
    const text = await readFile(path, 'utf8');
    expect(text).toContain(`  name: ${name}`);
    await writeFile(path, text.replace(`  description: ${from}`, `  description: ${to}`));
    const generation = bed.feed.generation();
    await bed.sync.syncAll();
    for (let i = 0; i < 200 && bed.feed.generation() === generation; i++) await new Promise((r) => setTimeout(r, 10));
    expect(bed.feed.generation()).not.toBe(generation);
  }

  it('pages through every component with a filter and fields=, the second time from memory, the same bytes', async () => {
    const first = await pageAll(4);
    expect(first).toEqual(components);
    const before = await hits();
    const again = await pageAll(4);
    expect(again).toEqual(first);
    // Every page but the first one of each pass (the client's first call) repeats a URL.
    expect((await hits()) - before).toBeGreaterThanOrEqual(Math.ceil(components.length / 4) - 1);

    for (const path of ['/api/catalog/entities?filter=kind=component&fields=metadata.name&limit=5', '/api/catalog/entities/by-query?filter=kind=component&fields=metadata.name&limit=5']) {
      const a = await bed.get(path);
      const b = await bed.get(path);
      expect(b.headers.get('etag')).toBe(a.headers.get('etag'));
      expect(b.headers.get('link')).toBe(a.headers.get('link'));
      expect(await b.text()).toBe(await a.text());
      expect((await bed.get(path, { 'if-none-match': a.headers.get('etag')! })).status).toBe(304);
    }
    // Answers differing only in fields= are kept apart.
    const names = (await (await bed.get('/api/catalog/entities?filter=kind=component&fields=metadata.name')).json()) as Entity[];
    const kinds = (await (await bed.get('/api/catalog/entities?filter=kind=component&fields=kind')).json()) as Entity[];
    expect(names[0]).toEqual({ metadata: { name: components[0].metadata.name } });
    expect(kinds[0]).toEqual({ kind: 'Component' });
  });

  it('a sync between two pages shows on the next page, and no answer from before a sync is served after it', async () => {
    const warmed = await pageAll(4);
    const at = warmed.findIndex((e) => e.metadata.name === 'payments-worker');
    expect(at).toBeGreaterThanOrEqual(8); // after the second page
    const named = '/api/catalog/entities?filter=kind=component,metadata.name=payments-worker&fields=metadata.description';
    const oldText = 'Captures authorised payments and retries failed settlements';
    const newText = 'Captures payments (changed between pages)';
    await bed.get(named);
    expect(await (await bed.get(named)).json()).toEqual([{ metadata: { description: oldText } }]);

    const paged = await pageAll(4, { at: 2, run: () => changeDescription('payments-worker', oldText, newText) });
    expect(paged.map((e) => e.metadata.name)).toEqual(components.map((e) => e.metadata.name));
    expect(paged[at].metadata.description).toBe(newText);
    // Once heard, the very first answer is the new one: for the named filter and for every page.
    expect(await (await bed.get(named)).json()).toEqual([{ metadata: { description: newText } }]);
    const fresh = await pageAll(4);
    expect(fresh[at].metadata.description).toBe(newText);
    expect(fresh).toEqual((await bed.client.getEntities({ filter: { kind: 'component' }, fields: FIELDS })).items);
  });

  it('by-refs: the same refs again are the same bytes from memory, and new ones once a sync is heard', async () => {
    const post = (entityRefs: string[]) => fetch(`${bed.base}/api/catalog/entities/by-refs`, { method: 'POST', headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ entityRefs, fields: ['metadata.description'] }) });
    const refs = ['component:default/payments-worker', 'component:default/nope', 'component:default/payments-api'];
    const first = await (await post(refs)).text();
    const before = await hits();
    const again = await post(refs);
    expect(await again.text()).toBe(first);
    expect(await hits()).toBe(before + 1);
    const current = (JSON.parse(first) as { items: Array<Entity | null> }).items[0]!.metadata.description!;
    const changed = `${current} (by-refs)`;
    await changeDescription('payments-worker', current, changed);
    const fresh = (await (await post(refs)).json()) as { items: Array<Entity | null> };
    expect(fresh.items.map((e) => e?.metadata.description ?? null)).toEqual([changed, null, expect.any(String)]);
    // The client turns a missing entity's null into undefined.
    expect((await bed.client.getEntitiesByRefs({ entityRefs: refs, fields: ['metadata.description'] })).items).toEqual(fresh.items.map((e) => e ?? undefined));
  });

  it('keeps whole answers within API_ANSWER_CACHE_MB and reports them', async () => {
    for (let limit = 1; limit <= 40; limit++) await bed.get(`/api/catalog/entities/by-query?limit=${limit}`);
    for (let limit = 1; limit <= 40; limit++) await bed.get(`/api/catalog/entities/by-query?limit=${limit}`);
    const bytes = (await metrics.apiAnswerCacheBytes.get()).values[0].value;
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(BOUND);
    expect((await metrics.apiAnswerCacheEntries.get()).values[0].value).toBeGreaterThan(0);
  });
});
