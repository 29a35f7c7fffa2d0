/** serve's MCP router is made (and the MCP SDK loaded) at the first request to /mcp, once; other paths never load it. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { lazyMcpRouter } from '../../src/cli/lazy-router.js';

describe('lazy MCP router', () => {
  it('loads on the first /mcp request only, then serves every request from the loaded router', async () => {
    let made = 0;
    const app = express();
    app.use(
      '/',
      lazyMcpRouter(async () => {
        made++;
        await new Promise((r) => setTimeout(r, 20));
        return express.Router().post('/mcp', (_req, res) => void res.json({ ok: true }));
      }),
    );
    app.use((_req, res) => void res.status(404).end());
    const server = createServer(app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(404);
      expect(made).toBe(0);
      const answers = await Promise.all([1, 2, 3].map(() => fetch(`${base}/mcp`, { method: 'POST' })));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(made).toBe(1);
      // What the loaded router does not take falls through, as a mounted router's would.
      expect((await fetch(`${base}/mcp`)).status).toBe(404);
    } finally {
      server.close();
    }
  });

  it('passes a failure to load to the error handler', async () => {
    const app = express();
    app.use('/', lazyMcpRouter(async () => Promise.reject(new Error('no SDK'))));
    app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => void res.status(500).send(error.message));
    const server = createServer(app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, { method: 'POST' });
      expect(res.status).toBe(500);
      expect(await res.text()).toBe('no SDK');
    } finally {
      server.close();
    }
  });
});
