/**
 * The embedded database has one owner. A real `callsheet serve` process holds DATA_DIR's PGlite
 * files; real `callsheet sync`/`ask`/`nudge` processes on the same DATA_DIR are sent to it (their
 * writes are the server's writes, and survive its stop) and never open the files themselves; with
 * the files held and no server to answer, a CLI refuses and says what to do.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { component, tempDir, writeFiles } from '../helpers/sync-fixtures.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/callsheet.js', import.meta.url));

let dataDir: string;
let catalog: string;
let env: Record<string, string>;
const apiToken = 'single-owner-test-token-0123456789';
const api = (base: string, path: string) => fetch(`${base}/api/catalog${path}`, { headers: { authorization: `Bearer ${apiToken}` } });

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, ...env }, timeout: 180_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  dataDir = await tempDir('callsheet-owner-');
  catalog = await tempDir('callsheet-owner-catalog-');
  await writeFiles(catalog, { 'a/catalog-info.yaml': component('owner-first') });
  // DATABASE_URL empty: always the embedded database, which is what this is about.
  env = { DATA_DIR: dataDir, CATALOG_SOURCES: catalog, TEMPLATE_SOURCES: '', PORT: '0', HOST: '127.0.0.1', NUDGE_ENABLED: 'false', LOG_LEVEL: 'info', DATABASE_URL: '', API_TOKENS: `e2e:${apiToken}` };
});

describe('with callsheet serve running on DATA_DIR', () => {
  let server: ChildProcess;
  let logs = '';
  let base: string;
  beforeAll(async () => {
    server = spawn(process.execPath, [bin, 'serve'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (chunk: Buffer) => (logs += chunk.toString('utf8')));
    server.stderr!.on('data', (chunk: Buffer) => (logs += chunk.toString('utf8')));
    const port = await until('the server to listen', () => /"port":(\d+).*callsheet is listening/.exec(logs)?.[1]);
    base = `http://127.0.0.1:${port}`;
    await until('the first sync', async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : undefined));
  }, 240_000);
  afterAll(() => {
    if (server.exitCode === null) server.kill('SIGKILL');
  });

  it('leaves a 0600 serve.json with a loopback address and refuses requests without its secret', async () => {
    const path = join(dataDir, 'serve.json');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const address = JSON.parse(await readFile(path, 'utf8')) as { url: string; secret: string; pid: number };
    expect(address.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(address.pid).toBe(server.pid);
    const body = JSON.stringify({ command: 'sync', args: [] });
    expect((await fetch(`${address.url}/local/command`, { method: 'POST', body })).status).toBe(401);
    expect((await fetch(`${address.url}/local/command`, { method: 'POST', body, headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const lock = JSON.parse(await readFile(join(dataDir, 'pglite.lock'), 'utf8')) as { pid: number; command: string };
    expect(lock).toMatchObject({ pid: server.pid, command: 'serve' });
  });

  it('sends `callsheet sync` to the server: the write is the server\'s, seen by its API at once', async () => {
    await writeFiles(catalog, { 'b/catalog-info.yaml': component('owner-second') });
    const sync = await cli(['sync', '--strict']);
    expect(sync.stderr).toBe('');
    expect(sync.stdout).toMatch(/synced.*1 added, 0 updated, 0 removed, 1 unchanged/);
    expect(sync.code).toBe(0);
    expect((await api(base, '/entities/by-name/component/default/owner-second')).status).toBe(200);
  }, 240_000);

  it('runs two CLIs at once through the server, and ask/nudge/validate alike', async () => {
    await writeFiles(catalog, { 'c/catalog-info.yaml': component('owner-third') });
    const [sync, ask] = await Promise.all([cli(['sync']), cli(['ask', 'owner owner-second'])]);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain('1 source(s), 0 problem(s)');
    expect(ask.code).toBe(0);
    expect(ask.stdout).toContain('owner-second');
    const missing = await cli(['ask', 'owner no-such-entity-at-all']);
    expect(missing.code).toBe(1);
    const nudge = await cli(['nudge', '--dry-run']);
    expect(nudge.code).toBe(0);
    expect(nudge.stdout).toContain('nothing was sent');
    const validate = await cli(['validate', join(catalog, 'a/catalog-info.yaml')]);
    expect(validate.stdout).toContain('OK: 1 entities');
    const list = (await (await api(base, '/entities?filter=kind=component')).json()) as Array<{ metadata: { name: string } }>;
    const names = list.map((e) => e.metadata.name).filter((n) => n.startsWith('owner-')).sort();
    expect(names).toEqual(['owner-first', 'owner-second', 'owner-third']);
  }, 240_000);

  it('refuses a second serve on the same DATA_DIR, leaving the first one\'s lock and address alone', async () => {
    const before = await readFile(join(dataDir, 'serve.json'), 'utf8');
    const second = await cli(['serve']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`in use by another process: "serve" (pid ${server.pid}`);
    expect(await readFile(join(dataDir, 'serve.json'), 'utf8')).toBe(before);
    expect(JSON.parse(await readFile(join(dataDir, 'pglite.lock'), 'utf8'))).toMatchObject({ pid: server.pid });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  }, 240_000);

  it('keeps the CLI\'s writes after the server stops, and frees DATA_DIR', async () => {
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(dataDir, 'serve.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(false);
    // Now the CLI owns the files itself, and finds what it synced through the server.
    const ask = await cli(['ask', 'owner owner-third']);
    expect(ask.code).toBe(0);
    expect(ask.stdout).toContain('owner-third');
  }, 240_000);
});

describe('with DATA_DIR held by a process that is not a server', () => {
  it('refuses, saying what holds it and what to do, and opens nothing', async () => {
    const holder = await openDatabase({ dataDir: join(dataDir, 'pglite') });
    try {
      const [a, b] = await Promise.all([cli(['sync']), cli(['ask', 'owner owner-first'])]);
      for (const refused of [a, b]) {
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain(`Cannot open the embedded database in ${dataDir}`);
        expect(refused.stderr).toContain(`pid ${process.pid}`);
        expect(refused.stderr).toContain('set DATABASE_URL');
      }
    } finally {
      await holder.close();
    }
  }, 240_000);
});
