import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { silentLogger } from '../../src/logger.js';
import { createHttpApp, startHttpServer, type RunningServer } from '../../src/http/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedCatalog } from '../helpers/seed.js';

type Entity = { kind: string; metadata: { name: string; namespace: string; uid: string; etag: string; annotations?: Record<string, string> }; spec?: Record<string, unknown>; relations: Array<{ type: string; targetRef: string }> };

describe('HTTP: health, readiness and the Backstage-compatible catalog API', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let base: string;
  let ready = false;
  const rawBodies: string[] = [];
  // The catalog API is private by default: these calls carry a token, as a Backstage client would.
  const token = 'http-test-token-0123456789';
  const auth = { authorization: `Bearer ${token}` };

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedCatalog(database.db);
    // A mounted router must see the raw body (Slack and GitHub verify signatures over it).
    const hook = express.Router();
    hook.post('/', express.raw({ type: '*/*' }), (req, res) => {
      rawBodies.push(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : `not raw: ${typeof req.body}`);
      res.status(204).end();
    });
    const app = createHttpApp({ db: database.db, logger: silentLogger(), isReady: () => ready, mounts: [{ path: '/hooks/test', router: hook }], apiAuth: { tokens: [{ name: 'http-test', secret: token }] } });
    server = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`, { headers: auth });
    return { status: res.status, body: (await res.json()) as any, headers: res.headers };
  };
  const names = (items: Entity[]) => items.map((e) => `${e.kind.toLowerCase()}:${e.metadata.name}`).sort();

  it('healthz is always ok; readyz is 503 until ready; every response has a request id', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect((await get('/readyz')).status).toBe(503);
    ready = true;
    expect(await get('/readyz')).toMatchObject({ status: 200 });
    const res = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    const generated = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('filters like Backstage: AND within one filter, OR across repeated filters, bare keys test existence', async () => {
    const and = await get('/api/catalog/entities?filter=kind=component,spec.lifecycle=experimental');
    expect(names(and.body)).toEqual(['component:payments-webhooks', 'component:recommendations-engine']);

    const or = await get('/api/catalog/entities?filter=kind=domain&filter=kind=system,metadata.name=ledger');
    expect(names(or.body)).toEqual(['domain:commerce', 'domain:customer-experience', 'domain:platform-infrastructure', 'system:ledger']);

    const anyOf = await get('/api/catalog/entities?filter=kind=api,spec.type=grpc,spec.type=graphql');
    expect(names(anyOf.body)).toEqual(['api:checkout-graphql', 'api:ledger-grpc']);

    const caseInsensitive = await get('/api/catalog/entities?filter=KIND=Component,Metadata.Name=PAYMENTS-API');
    expect(names(caseInsensitive.body)).toEqual(['component:payments-api']);

    const exists = await get('/api/catalog/entities?filter=kind=component,metadata.annotations.pagerduty.com/service-id');
    expect(names(exists.body)).toEqual(['component:alert-router', 'component:auth-service', 'component:card-gateway-adapter', 'component:ledger-service', 'component:payments-api']);

    const annotation = await get('/api/catalog/entities?filter=metadata.annotations.slack.com/channel-name=team-ledger');
    expect(names(annotation.body)).toEqual(['group:ledger']);

    const owned = await get('/api/catalog/entities?filter=kind=component,relations.ownedBy=group:default/ledger');
    expect(names(owned.body)).toEqual(['component:ledger-exporter', 'component:ledger-reconciler', 'component:ledger-service']);

    const tags = await get('/api/catalog/entities?filter=metadata.tags.pci,metadata.tags.finance');
    expect(names(tags.body)).toEqual(['system:ledger']);
    const tagValue = await get('/api/catalog/entities?filter=kind=system,metadata.tags=finance');
    expect(names(tagValue.body)).toEqual(['system:ledger']);

    const profile = await get('/api/catalog/entities?filter=spec.profile.email=Chen.Wei@AcmePay.example');
    expect(names(profile.body)).toEqual(['user:chen-wei']);

    const all = await get('/api/catalog/entities');
    expect(all.body.length).toBe(80);
  });

  it('returns entities as Backstage does: uid, etag, annotations, spec and relations', async () => {
    const { body } = await get('/api/catalog/entities?filter=kind=component,metadata.name=payments-api');
    const [entity] = body as Entity[];
    expect(entity.metadata.namespace).toBe('default');
    expect(entity.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(entity.metadata.etag).toMatch(/^[\w-]{10,}$/);
    expect(entity.metadata.annotations!['backstage.io/managed-by-location']).toBe('file:/catalog/components/payments.yaml');
    expect(entity.spec!.owner).toBe('payments');
    expect(entity.relations).toContainEqual({ type: 'ownedBy', targetRef: 'group:default/payments' });
    expect(entity.relations).toContainEqual({ type: 'providesApi', targetRef: 'api:default/payments-rest' });
    expect(entity.relations).toContainEqual({ type: 'dependencyOf', targetRef: 'component:default/refunds-service' });
    expect(entity.relations).toContainEqual({ type: 'dependsOn', targetRef: 'component:default/card-gateway-adapter' });
    expect(entity.relations).toContainEqual({ type: 'partOf', targetRef: 'system:default/payments' });
  });

  it('fields= picks paths, including annotation keys with dots', async () => {
    const { body } = await get('/api/catalog/entities?filter=kind=group,metadata.name=ledger&fields=kind,metadata.name,metadata.annotations.slack.com/channel-id');
    expect(body).toEqual([{ kind: 'Group', metadata: { name: 'ledger', annotations: { 'slack.com/channel-id': 'C05LEDGER01' } } }]);
    expect((await get('/api/catalog/entities?fields=spec.members[0]')).status).toBe(400);
  });

  it('pages with limit and offset in a stable order', async () => {
    const all = (await get('/api/catalog/entities?filter=kind=component&fields=metadata.name')).body as Entity[];
    expect(all.length).toBe(33);
    const page1 = (await get('/api/catalog/entities?filter=kind=component&fields=metadata.name&limit=10')).body;
    const page2 = (await get('/api/catalog/entities?filter=kind=component&fields=metadata.name&limit=10&offset=10')).body;
    const last = (await get('/api/catalog/entities?filter=kind=component&fields=metadata.name&limit=10&offset=30')).body;
    expect(page1).toEqual(all.slice(0, 10));
    expect(page2).toEqual(all.slice(10, 20));
    expect(last).toEqual(all.slice(30));
    expect((await get('/api/catalog/entities?limit=0')).body).toEqual([]);
  });

  it('rejects bad parameters with 400 and a clear message', async () => {
    const bad = await get('/api/catalog/entities?limit=ten');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({ name: 'InputError', message: 'query.limit: Invalid limit, not a non-negative integer' });
    expect(bad.body.response).toEqual({ statusCode: 400 });
    const emptyKey = await get('/api/catalog/entities?filter=%3Dcomponent');
    expect(emptyKey.status).toBe(400);
    expect(emptyKey.body.error.message).toContain("'=component' is not a valid statement");
    expect((await get('/api/catalog/entities?offset=-1')).status).toBe(400);
  });

  it('by-name finds one entity case-insensitively and answers 404 like Backstage', async () => {
    const found = await get('/api/catalog/entities/by-name/Component/default/Payments-API');
    expect(found.status).toBe(200);
    expect(found.body.metadata.name).toBe('payments-api');
    const missing = await get('/api/catalog/entities/by-name/component/default/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toEqual({ name: 'NotFoundError', message: "No entity named 'nope' found, with kind 'component' in namespace 'default'" });
    expect(missing.body.request).toMatchObject({ method: 'GET', url: '/api/catalog/entities/by-name/component/default/nope' });
    expect(JSON.stringify(missing.body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('by-refs keeps the order, answers null for missing or malformed refs, and applies fields', async () => {
    const post = async (body: unknown, raw?: string) =>
      fetch(`${base}/api/catalog/entities/by-refs`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: raw ?? JSON.stringify(body) });
    const res = await post({ entityRefs: ['group:default/sre', 'component:default/nope', 'Component:payments-api', 'not-a-ref', 'group:default/sre'], fields: ['metadata.name'] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ items: [{ metadata: { name: 'sre' } }, null, { metadata: { name: 'payments-api' } }, null, { metadata: { name: 'sre' } }] });
    const full = (await (await post({ entityRefs: ['user:default/chen-wei'] })).json()) as { items: Entity[] };
    expect(full.items[0].relations).toContainEqual({ type: 'memberOf', targetRef: 'group:default/ledger' });

    const invalid = await post({ entityRefs: 'group:default/sre' });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as any).error.message).toBe('body.entityRefs: entityRefs must be an array of strings');
    const broken = await post(undefined, '{"entityRefs": [');
    expect(broken.status).toBe(400);
    const huge = await post({ entityRefs: ['x'.repeat(300_000)] });
    expect(huge.status).toBe(413);
  });

  it('mounted routers get the raw body; unknown routes are JSON 404s', async () => {
    const res = await fetch(`${base}/hooks/test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a": 1}' });
    expect(res.status).toBe(204);
    expect(rawBodies).toEqual(['{"a": 1}']);
    const missing = await get('/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error.name).toBe('NotFoundError');
  });
});
