/**
 * /readyz: not ready before the first sync, while the database does not answer, or while every
 * configured source failed its last sync; /healthz stays up throughout (liveness only).
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { sources } from '../../src/db/schema.js';
import { createReadiness } from '../../src/http/readiness.js';
import { createHttpApp, startHttpServer, type RunningServer } from '../../src/http/server.js';
import { silentLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

async function serve(database: Pick<Database, 'db'>, started: () => boolean, ids: string[]): Promise<{ server: RunningServer; get: (p: string) => Promise<{ status: number; body: any }> }> {
  const isReady = createReadiness({ db: database.db, started, configuredSources: () => ids, cacheMs: 0, timeoutMs: 1000 });
  const server = await startHttpServer(createHttpApp({ db: database.db, logger: silentLogger(), isReady }), { port: 0, host: '127.0.0.1' });
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
    return { status: res.status, body: (await res.json()) as any };
  };
  return { server, get };
}

describe('readiness', () => {
  let database: TestDatabase;
  const servers: RunningServer[] = [];
  let blackhole: Server | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const s of servers) await s.close({ timeoutMs: 100 });
    blackhole?.close();
    await database?.close();
  });

  it('is not ready before the first sync, nor while every configured source failed; healthz stays ok', async () => {
    let started = false;
    const { server, get } = await serve(database, () => started, ['/srv/a', '/srv/b']);
    servers.push(server);
    expect(await get('/readyz')).toMatchObject({ status: 503, body: { reason: 'first sync not finished' } });
    started = true;
    expect((await get('/readyz')).status).toBe(200);
    await database.db.insert(sources).values([
      { id: '/srv/a', kind: 'folder', target: '/srv/a', lastStatus: 'failed' },
      { id: '/srv/b', kind: 'folder', target: '/srv/b', lastStatus: 'synced' },
    ]);
    expect((await get('/readyz')).status).toBe(200);
    await database.db.update(sources).set({ lastStatus: 'failed' });
    expect(await get('/readyz')).toMatchObject({ status: 503, body: { reason: 'every configured source failed its last sync' } });
    expect((await get('/healthz')).status).toBe(200);
    await database.db.update(sources).set({ lastStatus: 'unchanged' });
    expect((await get('/readyz')).status).toBe(200);
  });

  it('is not ready while the database does not answer (refused, or silent), and healthz stays ok', async () => {
    // Nothing listens on a port we just released: connections are refused.
    const refused = await openDatabase({ url: 'postgres://callsheet@127.0.0.1:1/none', poolSize: 1 });
    const a = await serve(refused, () => true, []);
    servers.push(a.server);
    const down = await a.get('/readyz');
    expect(down.status).toBe(503);
    expect(down.body.reason).toMatch(/^database unreachable/);
    expect((await a.get('/healthz')).status).toBe(200);
    // A server that accepts and never answers (a hung failover): the probe's timeout answers.
    blackhole = createServer(() => {}).listen(0, '127.0.0.1');
    await new Promise((r) => blackhole!.once('listening', r));
    const port = (blackhole.address() as { port: number }).port;
    const silent = await openDatabase({ url: `postgres://callsheet@127.0.0.1:${port}/none`, poolSize: 1 });
    const b = await serve(silent, () => true, ['/srv/a']);
    servers.push(b.server);
    const hung = await b.get('/readyz');
    expect(hung).toMatchObject({ status: 503, body: { reason: 'database unreachable: no answer within 1000 ms' } });
    await refused.close().catch(() => {});
    await silent.close().catch(() => {});
  });
});
