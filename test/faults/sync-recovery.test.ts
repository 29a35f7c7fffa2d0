/**
 * The sync under faults, with the compiled service as real processes on real Postgres:
 * backends terminated mid-sync (the sync retries and completes, nothing lost, no run left
 * `running`), and the lease holder killed (-9) or stopped (SIGTERM) mid-sync (another replica
 * takes the source over as soon as the lease runs out; a stopped one finishes and releases).
 * Recovery times are printed as `[faults] <name>: <seconds> s`.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFaultDatabase, ensureBuilt, faultSkipReason, killAll, reportFigure, sleep, spawnService, startSlowGitRemote, waitFor, writeCatalog, type FaultDatabase, type ServiceProcess, type SlowGitRemote } from './harness/index.js';

const skip = faultSkipReason();
if (skip) console.log(skip);

const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-0\n`;

describe.skipIf(skip)('sync under faults', () => {
  // The build (a minute or two) belongs to no test's time budget.
  beforeAll(() => ensureBuilt().then(() => undefined), 300_000);
  let fault: FaultDatabase | undefined;
  let remote: SlowGitRemote | undefined;
  const services: ServiceProcess[] = [];
  afterEach(async () => {
    await killAll(services.splice(0));
    await remote?.close();
    remote = undefined;
    await fault?.close();
    fault = undefined;
  });

  const runsOf = async (sourceId: string) => fault!.sql<{ status: string }[]>`select status from sync_runs where source_id = ${sourceId} order by id`;
  const leaseHolder = async (sourceId: string) => (await fault!.sql<{ holder: string }[]>`select holder from leases where name = ${`sync:${sourceId}`} and expires_at > now()`)[0]?.holder;
  const noCrash = (s: ServiceProcess) => {
    expect(s.stderr()).not.toMatch(/TypeError|Unhandled|uncaught/i);
    expect(s.problems().filter((l) => /unhandled|uncaught/i.test(String(l.msg)))).toEqual([]);
  };

  it('backends terminated during the first sync: the sync retries and completes; nothing lost, no run left running', async () => {
    fault = await createFaultDatabase();
    const { dir, componentRefs } = writeCatalog({ components: 3000 });
    const service = await spawnService({ databaseUrl: fault.url, instance: 'sync-a', env: { CATALOG_SOURCES: dir, TEMPLATE_SOURCES: '' } });
    services.push(service);
    let terminated = 0;
    // Terminate its busy backends (mid-query) a few times while the first sync writes.
    for (let i = 0; i < 500 && terminated < 3 && !service.hasExited(); i++) {
      const hit = await fault.terminateBackends({ instance: 'sync-a', onlyActive: true });
      terminated += hit;
      await sleep(hit ? 300 : 10);
    }
    const started = Date.now();
    await waitFor('every component in the catalog', async () => {
      const [row] = await fault!.sql<{ n: number }[]>`select count(*)::int as n from entities where kind = 'component'`;
      return row!.n === componentRefs.length;
    }, 120_000, 250);
    reportFigure('sync completed after backend termination', Date.now() - started);
    console.log(`[faults] backends terminated during the sync: ${terminated}`);
    await waitFor('the run recorded', async () => (await runsOf(dir)).some((r) => r.status === 'synced'), 30_000);
    expect(terminated).toBeGreaterThan(0);
    console.log(`[faults] sync retries after transient errors: ${service.logs.filter((l) => l.msg === 'sync hit a transient database error; retrying').length}`);
    expect((await runsOf(dir)).filter((r) => r.status === 'running')).toEqual([]);
    expect(service.hasExited()).toBe(false);
    expect(await service.status('/healthz')).toBe(200);
    noCrash(service);
  }, 150_000);

  it('kill -9 of the lease holder mid-sync: another replica takes the source over within the lease lifetime', async () => {
    fault = await createFaultDatabase();
    remote = await startSlowGitRemote({ 'catalog-info.yaml': component('takeover-kill') }, { held: true });
    const env = { CATALOG_SOURCES: remote.url, TEMPLATE_SOURCES: '', SYNC_INTERVAL: '5m' };
    const a = await spawnService({ databaseUrl: fault.url, instance: 'holder-a', env });
    services.push(a);
    await waitFor('holder-a holds the lease, mid-clone', async () => remote!.requests() > 0 && (await leaseHolder(remote!.url))?.startsWith('holder-a#'));
    const b = await spawnService({ databaseUrl: fault.url, instance: 'standby-b', env });
    services.push(b);
    await waitFor('standby-b is ready', async () => (await b.status('/readyz')) === 200, 60_000, 200);
    const killedAt = Date.now();
    a.kill('SIGKILL');
    await a.exited;
    remote.release();
    await waitFor('standby-b synced the source', async () => (await runsOf(remote!.url)).some((r) => r.status === 'synced'), 60_000, 100);
    const takeover = Date.now() - killedAt;
    reportFigure('sync lease takeover after kill -9', takeover);
    const [entity] = await fault.sql<{ ref: string }[]>`select ref from entities where ref = 'component:default/takeover-kill'`;
    expect(entity?.ref).toBe('component:default/takeover-kill');
    // The dead holder's run is closed, not left running forever.
    expect((await runsOf(remote.url)).map((r) => r.status).sort()).toEqual(['interrupted', 'synced']);
    noCrash(b);
  }, 150_000);

  it('SIGTERM of the lease holder mid-sync: it finishes the sync, releases the lease and exits; nothing is repeated', async () => {
    fault = await createFaultDatabase();
    remote = await startSlowGitRemote({ 'catalog-info.yaml': component('takeover-term') }, { held: true });
    const env = { CATALOG_SOURCES: remote.url, TEMPLATE_SOURCES: '', SYNC_INTERVAL: '5m', SYNC_LEASE_TTL: '6s', SYNC_LEASE_HEARTBEAT: '2s' };
    const a = await spawnService({ databaseUrl: fault.url, instance: 'holder-a', env });
    services.push(a);
    await waitFor('holder-a holds the lease, mid-clone', async () => remote!.requests() > 0 && (await leaseHolder(remote!.url))?.startsWith('holder-a#'));
    const b = await spawnService({ databaseUrl: fault.url, instance: 'standby-b', env });
    services.push(b);
    await waitFor('standby-b is ready', async () => (await b.status('/readyz')) === 200, 60_000, 200);
    const termAt = Date.now();
    a.kill('SIGTERM');
    await sleep(500);
    remote.release();
    await waitFor('the lease released', async () => !(await leaseHolder(remote!.url))?.startsWith('holder-a#'), 30_000, 50);
    reportFigure('sync lease free after SIGTERM', Date.now() - termAt);
    const exit = await a.exited;
    reportFigure('holder exited after SIGTERM', Date.now() - termAt);
    if (exit.code !== 0) console.log(a.logs.slice(-15), a.stderr());
    expect(exit.code).toBe(0);
    // The standby's takeover check comes when the lease would have expired: it finds the sync done.
    await sleep(7_000);
    expect((await runsOf(remote.url)).map((r) => r.status)).toEqual(['synced']);
    noCrash(a);
    noCrash(b);
  }, 150_000);
});
