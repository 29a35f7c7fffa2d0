/**
 * The catalog fast path (src/http/catalog-fast-path.ts) answers cached by-name, filter and
 * by-query reads exactly as the Express routes do (body, ETag, Link, 304), records them (metrics,
 * audit), and leaves everything else to Express: a cache miss, a bad parameter, a missing entity,
 * a wrong token. A second server runs only the fast path and answers 599 where it declines, so
 * each case shows which path answered.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastPathOf } from '../../src/http/server.js';
import { API_TOKEN, startCatalogApiBed, type CatalogApiBed } from '../helpers/catalog-api-bed.js';

describe('catalog fast path', () => {
  let bed: CatalogApiBed;
  let fastOnly: Server;
  let fastBase: string;
  beforeAll(async () => {
    bed = await startCatalogApiBed();
    const fast = fastPathOf(bed.app)!;
    expect(fast).toBeTypeOf('function');
    fastOnly = createServer((req, res) => {
      if (!fast(req, res)) res.writeHead(599).end();
    });
    await new Promise<void>((resolve) => fastOnly.listen(0, '127.0.0.1', resolve));
    fastBase = `http://127.0.0.1:${(fastOnly.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => fastOnly?.close(r));
    await bed?.close();
  });

  const fastGet = (path: string, headers: Record<string, string> = {}) => fetch(`${fastBase}${path}`, { headers: { authorization: `Bearer ${API_TOKEN}`, ...headers } });

  const paths = [
    '/api/catalog/entities/by-name/component/default/payments-api',
    '/api/catalog/entities?filter=kind=component,spec.type=service',
    '/api/catalog/entities?filter=kind=group&fields=metadata.name&limit=2&order=asc:metadata.name',
    '/api/catalog/entities/by-query?limit=3&orderField=metadata.name,asc',
  ];

  it('declines until Express has filled the cache, then answers the same bytes and headers', async () => {
    for (const path of paths) {
      expect((await fastGet(path)).status, path).toBe(599);
      const viaExpress = await bed.get(path);
      expect(viaExpress.status, path).toBe(200);
      const viaFast = await fastGet(path);
      expect(viaFast.status, path).toBe(200);
      expect(await viaFast.text(), path).toBe(await viaExpress.text());
      for (const h of ['etag', 'content-type', 'link']) expect(viaFast.headers.get(h), `${path} ${h}`).toBe(viaExpress.headers.get(h));
      expect(viaFast.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(viaFast.headers.get('server-timing')).toMatch(/^app;dur=\d+\.\d{3}$/);
      const etag = viaFast.headers.get('etag')!;
      const again = await fastGet(path, { 'if-none-match': etag, 'cache-control': 'no-cache' });
      expect(again.status, path).toBe(304);
      expect(await again.text()).toBe('');
    }
  });

  it('answers a filter that names its entities from the list of every ref, as the database does', async () => {
    await bed.get('/api/catalog/entities');
    for (const filter of ['kind=component,metadata.name=payments-api', 'metadata.name=payments-api', 'kind=COMPONENT,metadata.namespace=default,metadata.name=Payments-API', 'kind=group,metadata.name=payments-api']) {
      const path = `/api/catalog/entities?filter=${encodeURIComponent(filter)}`;
      const viaFast = await fastGet(path);
      expect(viaFast.status, filter).toBe(200);
      // What the database answers for the same filter with an alternative that matches nothing and has no name, so it cannot take the name path.
      const viaDb = await bed.get(`${path}&filter=spec.type=no-such-type-anywhere`);
      expect(((await viaFast.json()) as unknown[]).length, filter).toBe(((await viaDb.json()) as unknown[]).length);
    }
    expect(((await (await fastGet('/api/catalog/entities?filter=kind=component,metadata.name=payments-api')).json()) as Array<{ metadata: { name: string } }>).map((e) => e.metadata.name)).toEqual(['payments-api']);
  });

  it('follows a next-page cursor from the cache', async () => {
    const first = (await (await bed.get('/api/catalog/entities/by-query?limit=3&orderField=metadata.name,asc')).json()) as { pageInfo: { nextCursor: string } };
    const next = `/api/catalog/entities/by-query?limit=3&cursor=${encodeURIComponent(first.pageInfo.nextCursor)}`;
    const viaExpress = await bed.get(next);
    const viaFast = await fastGet(next);
    expect(viaFast.status).toBe(200);
    expect(await viaFast.text()).toBe(await viaExpress.text());
  });

  it('leaves to Express a wrong token, a bad or unknown parameter, a missing entity, a POST and a loose path', async () => {
    const cached = paths[0];
    await bed.get(cached);
    expect((await fetch(`${fastBase}${cached}`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(599);
    expect((await fetch(`${fastBase}${cached}`)).status).toBe(599);
    expect((await fastGet(`${cached}?x=1`)).status).toBe(599);
    expect((await fastGet(`${cached}/`)).status).toBe(599);
    expect((await fastGet('/api/catalog/entities?limit=abc')).status).toBe(599);
    expect((await fastGet('/api/catalog/entities/by-name/component/default/no-such-thing')).status).toBe(599);
    expect((await fetch(`${fastBase}/api/catalog/entities/by-refs`, { method: 'POST', headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' }, body: '{"entityRefs":[]}' })).status).toBe(599);
    // Express still words the errors as before.
    expect((await bed.get(`${cached}?x=1`)).status).toBe(400);
    expect((await bed.get('/api/catalog/entities/by-name/component/default/no-such-thing')).status).toBe(404);
  });

  it('records what it answers: the request histogram by route, and an audit row under the token name', async () => {
    const requestId = `fast-${Date.now()}`;
    const res = await fastGet(paths[0], { 'x-request-id': requestId });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe(requestId);
    let row: Record<string, unknown> | undefined;
    for (let i = 0; i < 100 && !row; i++) {
      const rows = await bed.database.db.execute(sql`select actor, action, text, outcome, details from audit_log where details->>'requestId' = ${requestId}`);
      row = (rows as unknown as { rows?: Array<Record<string, unknown>> }).rows?.[0] ?? (rows as unknown as Array<Record<string, unknown>>)[0];
      if (!row) await new Promise((r) => setTimeout(r, 50));
    }
    expect(row).toMatchObject({ actor: 'catalog-client', action: 'api', text: `GET ${paths[0]}`, outcome: 'ok' });
    const { metrics } = await import('../../src/metrics.js');
    const series = (await metrics.httpRequests.get()).values.filter((v) => v.labels.route === '/api/catalog/entities/by-name/:kind/:namespace/:name' && v.metricName?.endsWith('_count'));
    expect(series.reduce((n, v) => n + v.value, 0)).toBeGreaterThan(0);
  });
});
