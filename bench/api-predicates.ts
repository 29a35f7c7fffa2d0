/**
 * `npm run bench:api-predicates [-- --entities 50000] [-- --no-build]`: the predicate form of the
 * catalog API (POST /entities/by-query with `query`, what Backstage's CatalogClient sends when a
 * caller passes one) on the compiled service and Postgres, with a generated catalog synced by the
 * service itself. For each predicate: paging through every match (page size 500) the first time
 * after a sync (the selection computed) and again (from the cache), and the p50/p99 of one page.
 * A predicate a filter says exactly is answered by the GET lists; the others are judged entity by
 * entity once per catalog generation. Prints one table.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { generateCatalog } from './lib/generate.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const size = Number(arg('entities') ?? 50000);
const TOKEN = randomBytes(16).toString('hex');
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const admin = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const PREDICATES: Array<[string, unknown]> = [
  ['everything ({})', {}],
  ['exact: { kind: component }', { kind: 'component' }],
  ['judged: { $not: { kind: group } }', { $not: { kind: 'group' } }],
  ['judged: $any of kinds, $hasPrefix name', { $all: [{ $any: [{ kind: 'component' }, { kind: 'api' }] }, { 'metadata.name': { $hasPrefix: 'component-1' } }] }],
  ['judged: owned by team-3 and $not type service', { $all: [{ relations: { $contains: { type: 'ownedBy', targetRef: 'group:default/team-3' } } }, { $not: { 'spec.type': 'service' } }] }],
];

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

async function post(base: string, body: unknown): Promise<{ ms: number; json: { items: unknown[]; totalItems: number; pageInfo: { nextCursor?: string } } }> {
  const started = performance.now();
  const res = await fetch(`${base}/api/catalog/entities/by-query`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  const json = (await res.json()) as { items: unknown[]; totalItems: number; pageInfo: { nextCursor?: string } };
  return { ms: performance.now() - started, json };
}

async function pageAll(base: string, query: unknown): Promise<{ ms: number; pages: number; items: number; times: number[] }> {
  const started = performance.now();
  const times: number[] = [];
  let page = await post(base, { query, limit: 500, orderBy: [{ field: 'metadata.name', order: 'asc' }] });
  let items = page.json.items.length;
  times.push(page.ms);
  while (page.json.pageInfo.nextCursor) {
    page = await post(base, { cursor: page.json.pageInfo.nextCursor, limit: 500 });
    items += page.json.items.length;
    times.push(page.ms);
  }
  return { ms: performance.now() - started, pages: times.length, items, times };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const f = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(0));

if (!process.argv.includes('--no-build')) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const work = await mkdtemp(join(tmpdir(), 'callsheet-bench-predicates-'));
const name = `callsheet_bench_pred_${randomBytes(4).toString('hex')}`;
const client = postgres(admin, { max: 1, onnotice: () => {} });
await client.unsafe(`create database "${name}"`);
const url = new URL(admin);
url.pathname = `/${name}`;
const catalog = join(work, 'catalog');
await generateCatalog(catalog, size);
const port = await freePort();
const child = spawn(process.execPath, [join(root, 'bin/callsheet.js'), 'serve'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, DATABASE_URL: url.toString(), CATALOG_SOURCES: catalog, TEMPLATE_SOURCES: '', DATA_DIR: join(work, 'data'), API_TOKENS: `bench:${TOKEN}`, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NUDGE_ENABLED: 'false' },
});
const base = `http://127.0.0.1:${port}`;
const rows: string[] = [];
try {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited ${child.exitCode}`);
    if (await fetch(`${base}/readyz`).then((r) => r.ok).catch(() => false)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  for (const [label, query] of PREDICATES) {
    const cold = await pageAll(base, query);
    const warm = await pageAll(base, query);
    rows.push(`| ${size} | ${label} | ${warm.items} | ${warm.pages} | ${f(cold.ms)} ms | ${f(warm.ms)} ms | ${f(pct(warm.times, 50))} / ${f(pct(warm.times, 99))} ms | ${loadavg()[0].toFixed(1)} |`);
    console.error(rows.at(-1));
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await client.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
  await client.end();
  await rm(work, { recursive: true, force: true });
}
console.log('\n| entities | predicate | matches | pages of 500 | first paging (selection computed) | again (cached) | one page p50 / p99 (client) | load avg |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
