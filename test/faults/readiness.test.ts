/**
 * Readiness under a database outage, with the compiled service on real Postgres behind a proxy the
 * test cuts: /readyz turns 503 within a couple of seconds, /healthz stays 200 (a restart cures
 * nothing), the process lives on, and readiness comes back once the database does.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFaultDatabase, ensureBuilt, faultSkipReason, killAll, reportFigure, startDbProxy, spawnService, waitFor, writeCatalog, type DbProxy, type FaultDatabase, type ServiceProcess } from './harness/index.js';

const skip = faultSkipReason();
if (skip) console.log(skip);

describe.skipIf(skip)('readiness under a database outage', () => {
  // The build (a minute or two) belongs to no test's time budget.
  beforeAll(() => ensureBuilt().then(() => undefined), 300_000);
  let fault: FaultDatabase | undefined;
  let proxy: DbProxy | undefined;
  const services: ServiceProcess[] = [];
  afterEach(async () => {
    await killAll(services.splice(0));
    await proxy?.close();
    await fault?.close();
  }, 150_000);

  it('flips /readyz to 503 while the database is unreachable and back after; /healthz and the process stay up', async () => {
    fault = await createFaultDatabase();
    proxy = await startDbProxy(fault.url);
    const { dir } = writeCatalog({ components: 20 });
    const service = await spawnService({ databaseUrl: proxy.url, instance: 'ready-a', env: { CATALOG_SOURCES: dir, TEMPLATE_SOURCES: '' } });
    services.push(service);
    await waitFor('ready', async () => (await service.status('/readyz')) === 200, 60_000, 100);

    const cutAt = Date.now();
    proxy.cut();
    await waitFor('/readyz 503', async () => (await service.status('/readyz')) === 503, 30_000, 100);
    reportFigure('readiness flip when the database is unreachable', Date.now() - cutAt);
    expect(await service.status('/healthz')).toBe(200);

    const restoredAt = Date.now();
    proxy.restore();
    await waitFor('/readyz 200 again', async () => (await service.status('/readyz')) === 200, 30_000, 100);
    reportFigure('readiness back when the database is reachable', Date.now() - restoredAt);
    expect(service.hasExited()).toBe(false);
    expect(service.stderr()).not.toMatch(/TypeError|Unhandled|uncaught/i);
  }, 150_000);
});
