/**
 * The whole service as `npm start` runs it: real sync of the demo catalog, HTTP, the shell over
 * streams, the one-shot CLI, and a graceful stop.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askCli } from '../../src/cli/ask.js';
import { startService, type RunningService } from '../../src/cli/serve.js';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/logger.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/db.js';

const catalogDir = new URL('../../catalog', import.meta.url).pathname;
const templatesDir = new URL('../../templates', import.meta.url).pathname;

let dataDir: string;
let database: TestDatabase | undefined;
let env: Record<string, string>;
const apiToken = 'serve-test-token-0123456789';
const auth = { authorization: `Bearer ${apiToken}` };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'callsheet-serve-'));
  env = { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', CATALOG_SOURCES: catalogDir, TEMPLATE_SOURCES: templatesDir, LOG_LEVEL: 'silent', NUDGE_ENABLED: 'false', API_TOKENS: `e2e:${apiToken}` };
  // On Postgres the service gets a database of its own; on PGlite it keeps one under DATA_DIR.
  if (testDatabaseUrl()) {
    database = await createTestDatabase();
    env.DATABASE_URL = database.url!;
  }
});
afterAll(async () => {
  await database?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('callsheet serve', () => {
  let service: RunningService;
  let base: string;
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));

  beforeAll(async () => {
    service = await startService(loadConfig(env), { shell: true, input, output, logger: silentLogger() });
    base = `http://127.0.0.1:${service.port}`;
  });
  afterAll(async () => {
    await service.stop();
  });

  it('is healthy at once and ready after the first sync', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await service.firstSync;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('serves the synced catalog through the Backstage API and metrics', async () => {
    await service.firstSync;
    const res = await fetch(`${base}/api/catalog/entities/by-name/component/default/payments-api`, { headers: auth });
    expect(res.status).toBe(200);
    const entity = (await res.json()) as { spec: { owner: string }; relations: Array<{ type: string; targetRef: string }> };
    expect(entity.relations).toContainEqual({ type: 'ownedBy', targetRef: 'group:default/payments' });
    const metrics = await (await fetch(`${base}/metrics`, { headers: auth })).text();
    expect(metrics).toMatch(/callsheet_entities\{kind="component"\} \d+/);
    expect(metrics).toMatch(/callsheet_http_request_duration_seconds_count\{route="\/api\/catalog\/entities\/by-name\/:kind\/:namespace\/:name",status="200"\} 1/);
  });

  it('answers the command grammar in the shell, including picks by number', async () => {
    await service.firstSync;
    const waitFor = async (pattern: RegExp) => {
      for (let i = 0; i < 200 && !pattern.test(printed); i++) await new Promise((r) => setTimeout(r, 50));
      expect(printed).toMatch(pattern);
    };
    input.write('/owner paymnts-api\n');
    await waitFor(/\[1\] owner component:default\/payments-api/);
    input.write('1\n');
    await waitFor(/Team: Payments/);
  });

  it('refuses Slack and GitHub webhook requests that are not signed', async () => {
    const github = await fetch(`${base}/github/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': 'd1' }, body: '{}' });
    expect(github.status).toBe(401);
  });

  it('stops gracefully: no new requests, then everything is closed', async () => {
    await service.stop();
    await service.stopped;
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

describe('callsheet ask', () => {
  it('answers one command from the stored catalog and says when nothing matched', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env };
    expect(await askCli(['owner', 'payments-api'], io)).toBe(0);
    expect(out.join('\n')).toMatch(/Payments API \(Component\)/);
    expect(await askCli(['owner', 'no-such-thing-anywhere'], io)).toBe(1);
    expect(await askCli([], io)).toBe(2);
  });
});
