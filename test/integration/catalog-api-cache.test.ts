/**
 * The catalog API's answer cache never serves what the database no longer holds: a change made by
 * another replica (another connection, its own sync) is seen, including a relation that appears on
 * an entity whose own row did not change; ETags answer 304; memory stays within API_CACHE_MB; and
 * refresh re-syncs the entity's source, only with an API token.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { openDatabase } from '../../src/db/client.js';
import { silentLogger } from '../../src/logger.js';
import { metrics } from '../../src/metrics.js';
import { createSyncService } from '../../src/sync/service.js';
import { API_TOKEN, clientFor, fileIn, startCatalogApiBed, type CatalogApiBed } from '../helpers/catalog-api-bed.js';
import { syncConfig, tempDir } from '../helpers/sync-fixtures.js';

async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  let last: T;
  for (let i = 0; i < 100; i++) {
    last = await probe();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  return last!;
}

describe('catalog API cache: correct across replicas, 304, bounded, refresh', () => {
  let bed: CatalogApiBed;
  beforeAll(async () => {
    bed = await startCatalogApiBed({ open: true, cacheBytes: 64 * 1024 });
  });
  afterAll(async () => bed?.close());

  const byName = async (ref: string) => {
    const [kind, rest] = ref.split(':');
    const [namespace, name] = rest.split('/');
    return (await bed.client.getEntityByRef(`${kind}:${namespace}/${name}`))!;
  };

  it('answers If-None-Match with 304 for an entity, a list and a page, and 200 once it changed', async () => {
    const first = await bed.get('/api/catalog/entities/by-name/component/default/payments-api');
    const etag = first.headers.get('etag')!;
    const body = (await first.json()) as { metadata: { etag: string } };
    expect(etag).toBe(`"${body.metadata.etag}"`);
    expect((await bed.get('/api/catalog/entities/by-name/component/default/payments-api', { 'if-none-match': etag })).status).toBe(304);
    expect((await bed.get('/api/catalog/entities/by-name/component/default/payments-api', { 'if-none-match': '"other"' })).status).toBe(200);
    for (const path of ['/api/catalog/entities?filter=kind=group', '/api/catalog/entities/by-query?limit=5']) {
      const res = await bed.get(path);
      expect(res.status).toBe(200);
      expect((await bed.get(path, { 'if-none-match': res.headers.get('etag')! })).status).toBe(304);
    }
  });

  it("sees another replica's sync at once: the changed entity, and a new reverse relation on an entity whose row did not change", async () => {
    expect((await byName('component:default/payments-worker')).relations).not.toContainEqual({ type: 'dependencyOf', targetRef: 'component:default/ledger-service' });
    const before = await byName('component:default/ledger-service');
    // Warm: both are now served from memory.
    await bed.client.getEntitiesByRefs({ entityRefs: ['component:default/ledger-service', 'component:default/payments-worker'] });

    // Another replica: its own connection pool and sync service, same database and source.
    const other = bed.database.url ? await openDatabase({ url: bed.database.url, poolSize: 2 }) : bed.database;
    try {
      const path = fileIn(bed, 'components/payments.yaml');
      const text = await readFile(path, 'utf8');
      await writeFile(path, text.replace('  description: Captures authorised payments and retries failed settlements', '  description: Captures payments (changed by replica b)').replace('  dependsOn: [resource:payments-db, resource:events-kafka]', '  dependsOn: [resource:payments-db, resource:events-kafka, component:ledger-service]'));
      const replica = createSyncService({ db: other.db, config: syncConfig({ DATA_DIR: await tempDir('callsheet-api-b-'), CATALOG_SOURCES: [bed.folder], INSTANCE_ID: 'replica-b' }), logger: silentLogger(), clock: fixedClock('2026-02-02T00:00:00Z') });
      const [report] = await replica.syncAll();
      expect(report.updated).toBeGreaterThan(0);
    } finally {
      if (other !== bed.database) await other.close();
    }
    const worker = await eventually(
      () => byName('component:default/payments-worker'),
      (e) => e.metadata.description === 'Captures payments (changed by replica b)',
    );
    expect(worker.metadata.description).toBe('Captures payments (changed by replica b)');
    const after = await eventually(
      () => byName('component:default/ledger-service'),
      (e) => e.metadata.etag !== before.metadata.etag,
    );
    expect(after.relations).toContainEqual({ type: 'dependencyOf', targetRef: 'component:default/payments-worker' });
    const listed = (await bed.client.getEntities({ filter: { 'relations.dependencyof': 'component:default/payments-worker' }, fields: ['metadata.name'] })).items;
    expect(listed.map((e) => e.metadata.name)).toContain('ledger-service');
  });

  it('keeps the cache within its byte bound and reports it', async () => {
    await bed.client.getEntities();
    for (let i = 0; i < 3; i++) await bed.client.queryEntities({ limit: 50 });
    const bytes = (await metrics.apiCacheBytes.get()).values[0].value;
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(64 * 1024);
  });

  it('refreshEntity re-syncs the entity\'s source; without a token it is refused even with the API open', async () => {
    const path = fileIn(bed, 'components/payments.yaml');
    await writeFile(path, (await readFile(path, 'utf8')).replace('  title: Payments API\n', '  title: Payments API (refreshed)\n'));
    await expect(clientFor(bed.base).refreshEntity('component:default/payments-api')).rejects.toMatchObject({ response: { status: 403 } });
    expect((await byName('component:default/payments-api')).metadata.title).toBe('Payments API');
    await bed.client.refreshEntity('component:default/payments-api');
    const refreshed = await eventually(
      () => byName('component:default/payments-api'),
      (e) => e.metadata.title === 'Payments API (refreshed)',
    );
    expect(refreshed.metadata.title).toBe('Payments API (refreshed)');
    await expect(clientFor(bed.base, API_TOKEN).refreshEntity('component:default/nope')).rejects.toMatchObject({ response: { status: 404 } });
  });
});
