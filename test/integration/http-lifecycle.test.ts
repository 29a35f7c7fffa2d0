import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { silentLogger } from '../../src/logger.js';
import { createHttpApp, startHttpServer } from '../../src/http/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

describe('HTTP server lifecycle', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.close());

  it('close() stops accepting new connections but lets an in-flight request finish', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const slow = express.Router();
    slow.get('/', async (_req, res) => {
      entered();
      await gate;
      res.json({ done: true });
    });
    const app = createHttpApp({ db: database.db, logger: silentLogger(), isReady: () => true, mounts: [{ path: '/slow', router: slow }] });
    const running = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${running.port}`;

    const inFlight = fetch(`${base}/slow`).then(async (r) => ({ status: r.status, body: await r.json() }));
    await inside;
    // A grace period longer than the test may run: closing must not wait for it (nor for keep-alive).
    const closed = running.close({ timeoutMs: 120_000 });
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    release();
    expect(await inFlight).toEqual({ status: 200, body: { done: true } });
    await closed;
    expect(running.server.listening).toBe(false);
  });

  it('keeps idle connections open longer than a load balancer does, and reuses them', async () => {
    const app = createHttpApp({ db: database.db, logger: silentLogger(), isReady: () => true, mounts: [] });
    const running = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
    try {
      expect(running.server.keepAliveTimeout).toBeGreaterThan(60_000);
      // Node 20 times a request from its first byte, so an idle keep-alive connection outlives the
      // (much shorter) request deadlines that cut off trickled requests.
      expect(running.server.requestTimeout).toBeLessThan(running.server.keepAliveTimeout);
      const { Agent, get } = await import('node:http');
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const ports: number[] = [];
      for (let i = 0; i < 2; i++) {
        await new Promise<void>((resolve, reject) =>
          get(`http://127.0.0.1:${running.port}/healthz`, { agent }, (res) => {
            ports.push(res.socket.localPort!);
            res.resume().on('end', resolve);
          }).on('error', reject),
        );
      }
      expect(ports[1]).toBe(ports[0]);
      agent.destroy();
    } finally {
      await running.close();
    }
  });

  it('a failing handler answers a JSON 500 with the request id and no stack trace', async () => {
    const boom = express.Router();
    boom.get('/', () => {
      throw new Error('secret detail at /src/x.ts:1');
    });
    const app = createHttpApp({ db: database.db, logger: silentLogger(), isReady: () => true, mounts: [{ path: '/boom', router: boom }] });
    const running = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(`http://127.0.0.1:${running.port}/boom`, { headers: { 'x-request-id': 'req-1' } });
      expect(res.status).toBe(500);
      const body = (await res.json()) as { error: { name: string; message: string } };
      expect(body.error).toEqual({ name: 'Error', message: 'Internal error (request req-1)' });
      expect(JSON.stringify(body)).not.toContain('secret detail');
    } finally {
      await running.close();
    }
  });
});
