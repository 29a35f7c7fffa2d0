/**
 * The HTTP surface is private by default (issue 13): the catalog API needs a named bearer token,
 * secret annotations never leave the service, /metrics is not public, and a slow client cannot
 * hold a request or the connection table. Everything through `callsheet serve` over HTTP.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../src/cli/serve.js';
import { runLine } from '../../src/commands/run.js';
import { loadConfig } from '../../src/config/index.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/db.js';

const PD_KEY = '9f2c51e0a4b84c07b3d6e1f27a8c4d15';
const DEPLOY_TOKEN = 'dtok-5d1c8e0b2a7f4e93';
const CI_SECRET = 'ci-secret-0123456789abcdef';
const catalogYaml = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  annotations:
    pagerduty.com/integration-key: ${PD_KEY}
    pagerduty.com/service-id: PABC123
    acme.com/deploy-token: ${DEPLOY_TOKEN}
spec: { type: service, lifecycle: production, owner: group:default/payments }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: payments }
spec: { type: team, children: [] }
`;

let work: string;
const databases: TestDatabase[] = [];
const services: RunningService[] = [];
const logLines: string[] = [];

async function serve(extra: Record<string, string>): Promise<RunningService> {
  const dataDir = await mkdtemp(join(work, 'data-'));
  const env: Record<string, string> = { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', CATALOG_SOURCES: join(work, 'catalog'), TEMPLATE_SOURCES: '', LOG_LEVEL: 'info', NUDGE_ENABLED: 'false', ...extra };
  if (testDatabaseUrl()) {
    const database = await createTestDatabase();
    databases.push(database);
    env.DATABASE_URL = database.url!;
  }
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(chunk.toString('utf8')), done()) });
  const service = await startService(loadConfig(env), { shell: false, logger: pino({ level: 'info' }, sink) });
  services.push(service);
  await service.firstSync;
  return service;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'callsheet-surface-'));
  await mkdir(join(work, 'catalog'));
  await writeFile(join(work, 'catalog', 'catalog-info.yaml'), catalogYaml);
});
afterAll(async () => {
  for (const s of services) await s.stop();
  for (const d of databases) await d.close();
  await rm(work, { recursive: true, force: true });
});

describe('the catalog API and /metrics are private by default', () => {
  let service: RunningService;
  let base: string;
  beforeAll(async () => {
    service = await serve({ API_TOKENS: `ci:${CI_SECRET},backstage:backstage-secret-0123456789`, SECRET_ANNOTATIONS: 'acme.com/deploy-token' });
    base = `http://127.0.0.1:${service.port}`;
  });

  it('refuses /api/catalog without a token or with a wrong one, and answers a listed token', async () => {
    const path = `${base}/api/catalog/entities/by-name/component/default/payments-api`;
    const none = await fetch(path);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await none.json()) as { error: { name: string } }).error.name).toBe('AuthenticationError');
    expect((await fetch(path, { headers: { authorization: `Bearer ${CI_SECRET}x` } })).status).toBe(401);
    expect((await fetch(path, { headers: { authorization: `Basic ${Buffer.from(`ci:${CI_SECRET}`).toString('base64')}` } })).status).toBe(401);
    expect((await fetch(`${base}/api/catalog/entities`)).status).toBe(401);
    expect((await fetch(`${base}/api/catalog/entities/by-refs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"entityRefs":[]}' })).status).toBe(401);
    const ok = await fetch(path, { headers: { authorization: `Bearer ${CI_SECRET}` } });
    expect(ok.status).toBe(200);
  });

  it('logs the name of the token that made a call, never its secret', async () => {
    logLines.length = 0;
    await (await fetch(`${base}/api/catalog/entities?filter=kind=group`, { headers: { authorization: `Bearer ${CI_SECRET}` } })).text();
    for (let i = 0; i < 100 && !logLines.some((l) => l.includes('"token"')); i++) await new Promise((r) => setTimeout(r, 20));
    const lines = logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => l.token === 'ci' && l.path === '/api/catalog/entities' && l.status === 200)).toBe(true);
    expect(logLines.join('')).not.toContain(CI_SECRET);
  });

  it('never shows secret annotations: not in the API, not through filters, not in chat', async () => {
    const auth = { authorization: `Bearer ${CI_SECRET}` };
    const one = await (await fetch(`${base}/api/catalog/entities/by-name/component/default/payments-api`, { headers: auth })).text();
    const list = await (await fetch(`${base}/api/catalog/entities`, { headers: auth })).text();
    const byRefs = await (await fetch(`${base}/api/catalog/entities/by-refs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ entityRefs: ['component:default/payments-api'] }) })).text();
    const fields = await (await fetch(`${base}/api/catalog/entities?fields=metadata.annotations.pagerduty.com/integration-key,metadata.annotations.acme.com/deploy-token`, { headers: auth })).text();
    for (const body of [one, list, byRefs, fields]) {
      expect(body).not.toContain(PD_KEY);
      expect(body).not.toContain(DEPLOY_TOKEN);
    }
    expect(one).toContain('pagerduty.com/service-id');
    // A filter on a secret value would be an oracle for guessing it.
    const guessed = await fetch(`${base}/api/catalog/entities?filter=metadata.annotations.pagerduty.com/integration-key=${PD_KEY}`, { headers: auth });
    expect(await guessed.json()).toEqual([]);
    const reply = JSON.stringify(await runLine('owner payments-api', service.runtime.context({ platform: 'shell' })));
    expect(reply).toContain('payments');
    expect(reply).not.toContain(PD_KEY);
    expect(reply).not.toContain(DEPLOY_TOKEN);
  });

  it('serves /metrics on the main port only with a token', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${CI_SECRET}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/callsheet_entities/);
  });
});

describe('with no tokens configured', () => {
  it('refuses every catalog call unless API_AUTH=off opens it explicitly', async () => {
    const closed = await serve({});
    expect((await fetch(`http://127.0.0.1:${closed.port}/api/catalog/entities`)).status).toBe(401);
    const open = await serve({ API_AUTH: 'off' });
    const res = await fetch(`http://127.0.0.1:${open.port}/api/catalog/entities/by-name/group/default/payments`);
    expect(res.status).toBe(200);
  });

  it('serves /metrics on METRICS_PORT bound to METRICS_HOST (127.0.0.1 by default), not on the main port', async () => {
    const service = await serve({ METRICS_PORT: '0' });
    expect(service.metricsPort).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${service.metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/callsheet_entities/);
    expect((await fetch(`http://127.0.0.1:${service.port}/metrics`)).status).toBe(404);
  });
});

describe('server limits', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await serve({ HTTP_REQUEST_TIMEOUT: '1s', HTTP_HEADERS_TIMEOUT: '1s', HTTP_MAX_CONNECTIONS: '3' });
  });

  const open = (port: number) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket));
      socket.once('error', reject);
    });
  const closedOf = (socket: Socket) => new Promise<string>((resolve) => {
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('utf8')));
    socket.on('error', () => {});
    socket.once('close', () => resolve(received));
  });

  it('cuts off a request whose body is trickled, instead of holding it for minutes', async () => {
    const socket = await open(service.port);
    const closed = closedOf(socket);
    let done = false;
    void closed.then(() => (done = true));
    socket.write('POST /github/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n');
    let sent = 0;
    // One byte every 100 ms would take 20 s to finish the body; the server must not wait for it.
    while (!done && sent < 200) {
      await new Promise((r) => setTimeout(r, 100));
      if (!done) socket.write('x');
      sent++;
    }
    const answer = await closed;
    expect(sent).toBeLessThan(200);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('drops connections over HTTP_MAX_CONNECTIONS and keeps serving the ones it holds', async () => {
    const held = [await open(service.port), await open(service.port), await open(service.port)];
    // Each is a connection the server counts; one more is closed without an answer.
    const extra = await open(service.port);
    expect(await closedOf(extra)).toBe('');
    const first = held[0]!;
    const answer = new Promise<string>((resolve) => first.once('data', (d: Buffer) => resolve(d.toString('utf8'))));
    first.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await answer).toMatch(/^HTTP\/1\.1 200/);
    for (const s of held) s.destroy();
  });
});

describe('API_TOKENS', () => {
  const problems = (value: string) => {
    try {
      loadConfig({ API_TOKENS: value });
      return [];
    } catch (e) {
      return (e as { problems: string[] }).problems;
    }
  };
  it('is validated at start-up without ever echoing a secret', () => {
    expect(problems('ci:0123456789abcdef,backstage:fedcba9876543210')).toEqual([]);
    for (const [value, reason] of [
      ['ci:short-secret', /token "ci": the secret must be at least 16 characters/],
      ['just-a-secret-with-no-name-0123', /item 1: expected name:secret/],
      ['ci:0123456789abcdef,ci:fedcba9876543210', /token "ci" is listed twice/],
      ['a:0123456789abcdef,b:0123456789abcdef', /token "b" has the same secret as "a"/],
    ] as const) {
      const found = problems(value);
      expect(found.join('\n')).toMatch(reason);
      expect(found.join('\n')).not.toMatch(/short-secret|0123456789abcdef|fedcba|no-name-0123/);
    }
  });
});
