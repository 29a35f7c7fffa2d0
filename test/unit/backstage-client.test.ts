/**
 * The Backstage source's address and client rules: what `backstage:` items are accepted, and the
 * client's bounds (response size, redirects never followed, rate limits waited out a bounded number
 * of times, the token never in an error).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackstageClient } from '../../src/backstage/client.js';
import { loadConfig } from '../../src/config/index.js';
import { parseSourceItem } from '../../src/config/sources.js';
import { backstageSourceId, parseBackstageSource } from '../../src/sync/sources/backstage.js';

describe('backstage: source items', () => {
  it('accepts an http(s) root, with a path, and names the source by it', () => {
    expect(parseSourceItem('backstage:https://backstage.example.com').type).toBe('backstage');
    expect(backstageSourceId(parseBackstageSource('backstage:https://Backstage.example.com/portal/'))).toBe('backstage:https://backstage.example.com/portal');
    expect(loadConfig({ CATALOG_SOURCES: 'backstage:https://backstage.example.com', BACKSTAGE_TOKEN: 't' }).BACKSTAGE_TOKEN).toBe('t');
  });

  it('refuses credentials in the URL, queries and other schemes, saying where the token goes', () => {
    expect(() => parseSourceItem('backstage:https://user:secret@backstage.example.com')).toThrow(/BACKSTAGE_TOKEN/);
    expect(() => parseBackstageSource('backstage:https://user:secret@backstage.example.com')).toThrow(/BACKSTAGE_TOKEN/);
    expect(() => parseSourceItem('backstage:ftp://backstage.example.com')).toThrow(/backstage:https/);
    expect(() => parseBackstageSource('backstage:https://b.example.com/?x=1')).toThrow(/no query/);
  });
});

describe('Backstage client bounds', () => {
  let server: Server;
  let base: string;
  let limited = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith('/redirect/')) return res.writeHead(302, { location: 'http://elsewhere.example/' }).end();
      if (req.url?.startsWith('/big/')) return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [{ x: 'y'.repeat(5000) }] }));
      if (req.url?.startsWith('/limited/') && limited++ < 2) return res.writeHead(429, { 'retry-after': '0' }).end();
      if (req.url?.startsWith('/denied/')) return res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { name: 'AuthenticationError', message: 'Invalid token' } }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [], pageInfo: {}, totalItems: 0 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const page = (path: string, extra: Record<string, unknown> = {}) => createBackstageClient({ baseUrl: `${base}/${path}`, token: 'sekrit-token', ...extra }).queryPage({ limit: 10 });

  it('never follows a redirect', async () => {
    await expect(page('redirect')).rejects.toThrow(/302 \(a redirect, which is never followed/);
  });

  it('stops reading a response over the size limit', async () => {
    await expect(page('big', { maxBytes: 1000 })).rejects.toThrow(/more than the limit of 1000/);
  });

  it('waits out a 429 a bounded number of times', async () => {
    await expect(page('limited')).resolves.toMatchObject({ items: [] });
    limited = 0;
    await expect(page('limited', { maxRetries: 1 })).rejects.toThrow(/429/);
  });

  it('says what to check on a 401, without the token', async () => {
    const error = await page('denied').catch((e: Error) => e);
    expect(String(error)).toMatch(/401 \(check BACKSTAGE_TOKEN\): Invalid token/);
    expect(String(error)).not.toContain('sekrit');
  });
});
