/**
 * What a user types into "register existing component" must not reach the network or disk
 * unchecked (issue 13): catalog:register accepts only https URLs on the configured GitHub or
 * GIT_ALLOWED_HOSTS whose every address is public, never a server path or loopback/private
 * address (whatever DNS says); a failed registration is reported to the requester and not kept.
 * The real service runs the task; a local listener stands where an attacker would aim.
 */
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../src/cli/serve.js';
import { loadConfig } from '../../src/config/index.js';
import { sources } from '../../src/db/schema.js';
import { checkRemote, RemoteRefused } from '../../src/sync/remote-policy.js';
import { silentLogger } from '../../src/logger.js';
import { submitTask } from '../../src/scaffolder/service.js';
import { getTask } from '../../src/scaffolder/tasks.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/db.js';

const template = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: register-existing, title: Register an existing component }
spec:
  owner: group:default/platform
  type: service
  parameters:
    - title: Repository
      required: [url]
      properties:
        url: { type: string, title: URL of catalog-info.yaml }
  steps:
    - id: register
      name: Register
      action: catalog:register
      input:
        catalogInfoUrl: \${{ parameters.url }}
`;

let work: string;
let dataDir: string;
let database: TestDatabase | undefined;
let service: RunningService;
let listener: Server;
let port: number;
const received: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'callsheet-ssrf-'));
  dataDir = join(work, 'data');
  await mkdir(join(work, 'templates'), { recursive: true });
  await mkdir(join(work, 'catalog'), { recursive: true });
  await writeFile(join(work, 'templates', 'template.yaml'), template);
  await writeFile(join(work, 'catalog', 'catalog-info.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: platform }\nspec: { type: team, children: [] }\n');
  // A repository folder that exists but is no repository: passes the check, fails the sync.
  await mkdir(join(dataDir, 'repos', 'broken.git'), { recursive: true });
  listener = createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    res.writeHead(404).end();
  });
  listener.on('connection', () => received.push('connection'));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as AddressInfo).port;
  const env: Record<string, string> = {
    DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', NUDGE_ENABLED: 'false',
    CATALOG_SOURCES: join(work, 'catalog'), TEMPLATE_SOURCES: join(work, 'templates'),
    // Allowed by name, yet every one of its addresses is loopback: still refused.
    GIT_ALLOWED_HOSTS: 'localhost,git.example.invalid',
  };
  if (testDatabaseUrl()) {
    database = await createTestDatabase();
    env.DATABASE_URL = database.url!;
  }
  service = await startService(loadConfig(env), { shell: false, logger: silentLogger() });
  await service.firstSync;
});
afterAll(async () => {
  await service?.stop();
  await database?.close();
  listener?.close();
  await rm(work, { recursive: true, force: true });
});

async function register(url: string) {
  const { db } = service.runtime.database;
  const submitted = await submitTask(db, service.runtime.clock, { templateRef: 'template:default/register-existing', requester: { platform: 'shell', displayName: 'mallory' }, values: { url } });
  if (!submitted.ok) throw new Error(JSON.stringify(submitted.errors));
  for (;;) {
    const task = (await getTask(db, submitted.task.id))!;
    if (task.status === 'completed' || task.status === 'failed') return task;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const registeredSources = async () => (await service.runtime.database.db.select().from(sources)).filter((s) => s.state?.registered === true);

describe('catalog:register', () => {
  it.each([
    ['a loopback address', () => `http://127.0.0.1:${port}/acme/repo/blob/main/catalog-info.yaml`, /not an allowed Git host/],
    ['an allowed host name that resolves to loopback', () => `http://localhost:${port}/acme/repo.git`, /resolves to (127\.0\.0\.1|::1), a loopback, link-local or private address/],
    ['an IPv4-mapped loopback address', () => `http://[::ffff:127.0.0.1]:${port}/acme/repo.git`, /not an allowed Git host/],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data', /not an allowed Git host/],
    ['a server folder', () => join(work, 'catalog'), /not a Git URL/],
    ['a file URL outside the repository folder', () => `file://${join(work, 'catalog')}`, /a path on this server/],
    ['an ssh remote', () => `ssh://git@localhost:${port}/acme/repo.git`, /only https:\/\/ URLs/],
    ['a host that does not resolve', () => 'https://git.example.invalid/acme/repo.git', /could not be resolved/],
  ])('refuses %s, tells the requester why, and keeps nothing', async (_what, url, reason) => {
    const task = await register(url());
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(reason);
    expect(received).toEqual([]);
    expect(await registeredSources()).toEqual([]);
  });

  it('reports a registration whose sync fails and does not keep it to retry forever', async () => {
    const task = await register(`file://${join(dataDir, 'repos', 'broken.git')}`);
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/could not sync/);
    expect(await registeredSources()).toEqual([]);
    // Another full sync does not try it again.
    const reports = await service.runtime.sync.syncAll();
    expect(reports.map((r) => r.sourceId).some((id) => id.includes('broken.git'))).toBe(false);
    expect(received).toEqual([]);
  });
});

describe('the remote check itself', () => {
  const policy = (addresses: string[]) => ({ allowedHosts: ['git.example.com'], lookup: async () => addresses });
  it('pins the checked public addresses for git and refuses redirects', async () => {
    expect(await checkRemote('https://git.example.com/acme/repo.git#main', policy(['140.82.112.3', '2606:50c0:8000::153']))).toEqual([
      '-c', 'http.followRedirects=false', '-c', 'http.curloptResolve=git.example.com:443:140.82.112.3,[2606:50c0:8000::153]',
    ]);
  });
  it('refuses when any one address is private (a rebinding answer mixes them)', async () => {
    for (const bad of ['10.0.0.7', '127.0.0.1', '::1', 'fd12::1', '::ffff:169.254.169.254', '100.64.1.1']) {
      await expect(checkRemote('https://git.example.com/acme/repo.git', policy(['140.82.112.3', bad]))).rejects.toThrow(RemoteRefused);
    }
  });
  it('refuses credentials in the URL and other schemes', async () => {
    await expect(checkRemote('https://u:p@git.example.com/acme/repo.git', policy(['140.82.112.3']))).rejects.toThrow(/credentials/);
    await expect(checkRemote('git://git.example.com/acme/repo.git', policy(['140.82.112.3']))).rejects.toThrow(/only https/);
  });
});
