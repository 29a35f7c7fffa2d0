/**
 * The privacy and terms pages the Teams package links to, served by the real HTTP app: a page of
 * its own by default, a redirect to the organisation's page when PRIVACY_URL / TERMS_URL are set,
 * and no API token needed (Teams admins and users open them in a browser).
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/server.js';
import { legalPagesRouter } from '../../src/http/legal-pages.js';
import { silentLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let database: TestDatabase;
const servers: Array<{ close(): void }> = [];

async function serve(config: { PRIVACY_URL?: string; TERMS_URL?: string }): Promise<string> {
  const app = createHttpApp({ db: database.db, logger: silentLogger(), isReady: () => true, mounts: [{ path: '/', router: legalPagesRouter(config) }] });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const s of servers) s.close();
  await database.close();
});

describe('GET /privacy and /terms', () => {
  it('serves both pages without a token', async () => {
    const base = await serve({});
    for (const [path, words] of [['/privacy', /self-hosted.*audit log/s], ['/terms', /Apache License 2\.0/]] as const) {
      const res = await fetch(base + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toMatch(words);
    }
  });

  it("redirects to the organisation's pages when PRIVACY_URL and TERMS_URL are set", async () => {
    const base = await serve({ PRIVACY_URL: 'https://acme.example/privacy', TERMS_URL: 'https://acme.example/terms' });
    const privacy = await fetch(`${base}/privacy`, { redirect: 'manual' });
    expect(privacy.status).toBe(302);
    expect(privacy.headers.get('location')).toBe('https://acme.example/privacy');
    expect((await fetch(`${base}/terms`, { redirect: 'manual' })).headers.get('location')).toBe('https://acme.example/terms');
  });
});
