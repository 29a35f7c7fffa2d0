/**
 * `npm run bench:api [-- --entities 17754,50000] [-- --no-build] [-- --seq-ms N --conc-ms N]
 * [-- --only by-name,filter] [-- --cpu-prof DIR]`: the catalog read API of the
 * compiled service (`npm run build` output, as the Docker image runs it) on Postgres, with a
 * generated catalog synced by the service itself. For each size it measures, with a load generator
 * in its own process (bench/lib/load-client.mjs): by-name, by-refs of 100, a filter, and by-query
 * pages of 500, sequentially and at 20 concurrent connections; and the time to page through the
 * whole catalog with by-query (page size 500). Server-side latency comes from the answers'
 * Server-Timing header (p50/p99) and the service's request histogram (/metrics); the cache size and
 * RSS from /metrics too; the load average from os.loadavg(). Prints one table.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
const sizes = (arg('entities') ?? '17754,50000').split(',').map(Number);
/** `--cpu-prof DIR`: the service writes a V8 CPU profile there when it stops (open it in Chrome DevTools). */
const profileDir = arg('cpu-prof');
/** `--only by-name,filter`: run only the scenarios whose names start with one of these. */
const only = arg('only')?.split(',');
const SEQ_MS = Number(arg('seq-ms') ?? 4000);
const CONC_MS = Number(arg('conc-ms') ?? 8000);
const TOKEN = randomBytes(16).toString('hex');
const auth = { authorization: `Bearer ${TOKEN}` };

interface Load {
  count: number;
  errors: number;
  statuses: Record<string, number>;
  rps: number;
  p50: number;
  p99: number;
  bytes: number;
  /** From the answers' Server-Timing header. */
  serverP50: number;
  serverP99: number;
  /** The load generator's own CPU. */
  cpuMs: number;
}
type Req = { method: string; path: string; body?: unknown };

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

function load(port: number, requests: Req[], concurrency: number, durationMs: number): Promise<Load> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bench/lib/load-client.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Load) : reject(new Error(`load client exited ${code}`))));
    child.stdin.end(JSON.stringify({ host: '127.0.0.1', port, headers: auth, concurrency, durationMs, requests }));
  });
}

/** Cumulative request counts per histogram bucket of one route, from /metrics. */
async function histogram(base: string, route: string): Promise<Map<number, number>> {
  const text = await (await fetch(`${base}/metrics`, { headers: auth })).text();
  const out = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('callsheet_http_request_duration_seconds_bucket{') || !line.includes(`route="${route}"`)) continue;
    const le = /le="([^"]+)"/.exec(line)![1];
    const key = le === '+Inf' ? Infinity : Number(le);
    out.set(key, (out.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return out;
}

async function gauge(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`, { headers: auth })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ')[1]) : NaN;
}

/** Share of the requests in between served within 10 ms, and the bucket holding the 99th percentile. */
function serverSide(before: Map<number, number>, after: Map<number, number>): string {
  const les = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  if (!total) return 'n/a';
  const within = (le: number) => ((after.get(le) ?? 0) - (before.get(le) ?? 0)) / total;
  const p99 = les.find((le) => within(le) >= 0.99) ?? Infinity;
  return `${(within(0.01) * 100).toFixed(1)}% ≤10 ms, p99 ≤ ${p99 === Infinity ? '>3 s' : `${p99 * 1000} ms`}`;
}

async function startService(size: number, work: string): Promise<{ child: ChildProcess; base: string; port: number; url: string; syncMs: number }> {
  const admin = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `callsheet_bench_api_${randomBytes(4).toString('hex')}`;
  const client = postgres(admin, { max: 1, onnotice: () => {} });
  await client.unsafe(`create database "${name}"`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const catalog = join(work, 'catalog');
  const generated = await generateCatalog(catalog, size);
  const port = await freePort();
  const started = Date.now();
  const child = spawn(process.execPath, [...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), join(root, 'bin/callsheet.js'), 'serve'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: url.toString(),
      CATALOG_SOURCES: catalog,
      TEMPLATE_SOURCES: '',
      DATA_DIR: join(work, 'data'),
      API_TOKENS: `bench:${TOKEN}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      NUDGE_ENABLED: 'false',
    },
  });
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited ${child.exitCode}`);
    const ok = await fetch(`${base}/readyz`).then((r) => r.ok).catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  console.error(`  ${size} entities generated (${generated.entities}); service ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { child, base, port, url: url.toString(), syncMs: Date.now() - started };
}

const shuffle = <T>(items: T[]) => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
};

async function pageEverything(base: string): Promise<{ ms: number; pages: number; items: number; cursors: string[] }> {
  const started = performance.now();
  const cursors: string[] = [];
  let items = 0;
  let pages = 0;
  let path = '/api/catalog/entities/by-query?limit=500';
  for (;;) {
    const page = (await (await fetch(`${base}${path}`, { headers: auth })).json()) as { items: unknown[]; pageInfo: { nextCursor?: string } };
    items += page.items.length;
    pages++;
    if (!page.pageInfo.nextCursor) break;
    cursors.push(page.pageInfo.nextCursor);
    path = `/api/catalog/entities/by-query?limit=500&cursor=${encodeURIComponent(page.pageInfo.nextCursor)}`;
  }
  return { ms: performance.now() - started, pages, items, cursors };
}

/** CPU time (user + system, ms) a process has used, from /proc (Linux; clock ticks of 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const f = (n: number) => (Number.isNaN(n) ? 'n/a' : n < 1 ? n.toFixed(3) : n < 10 ? n.toFixed(2) : n.toFixed(0));
const rows: string[] = [];
const notes: string[] = [];

async function benchSize(size: number) {
  const work = await mkdtemp(join(tmpdir(), 'callsheet-bench-api-'));
  const service = await startService(size, work);
  try {
    const { base, port } = service;
    const refs = ((await (await fetch(`${base}/api/catalog/entities?fields=kind,metadata.name`, { headers: auth })).json()) as Array<{ kind: string; metadata: { name: string } }>).map((e) => ({ kind: e.kind.toLowerCase(), name: e.metadata.name }));
    const components = refs.filter((r) => r.kind === 'component');
    const total = refs.length;
    const cold = await pageEverything(base);
    const warm = await pageEverything(base);
    notes.push(`${total} entities: by-query paging of the whole catalog (page 500, ${warm.pages} pages, ${warm.items} entities): first ${f(cold.ms)} ms (entities rendered), again ${f(warm.ms)} ms; first sync to ready ${f(service.syncMs / 1000)} s`);
    const scenarios: Array<{ name: string; route: string; requests: Req[] }> = [
      { name: 'by-name', route: '/api/catalog/entities/by-name/:kind/:namespace/:name', requests: shuffle(components.map((c) => ({ method: 'GET', path: `/api/catalog/entities/by-name/component/default/${c.name}` }))) },
      {
        name: 'by-refs (100)',
        route: '/api/catalog/entities/by-refs',
        requests: Array.from({ length: 200 }, () => ({ method: 'POST', path: '/api/catalog/entities/by-refs', body: { entityRefs: shuffle([...refs]).slice(0, 100).map((r) => `${r.kind}:default/${r.name}`) } })),
      },
      { name: 'filter kind+name', route: '/api/catalog/entities', requests: shuffle(components.map((c) => ({ method: 'GET', path: `/api/catalog/entities?filter=kind=component,metadata.name=${c.name}` }))) },
      {
        name: 'by-query page of 500',
        route: '/api/catalog/entities/by-query',
        requests: ['', ...warm.cursors].map((c) => ({ method: 'GET', path: `/api/catalog/entities/by-query?limit=500${c ? `&cursor=${encodeURIComponent(c)}` : ''}` })),
      },
    ];
    for (const s of scenarios) {
      if (only && !only.some((o) => s.name.startsWith(o))) continue;
      await load(port, s.requests, 20, 2000); // warm-up: the entities of this scenario rendered once
      const h0 = await histogram(base, s.route);
      const l0 = loadavg()[0];
      const seq = await load(port, s.requests, 1, SEQ_MS);
      const c0 = await cpuMs(service.child.pid!);
      const conc = await load(port, s.requests, 20, CONC_MS);
      // The service's own CPU per request: what it would serve per core on an idle machine.
      const cpuPerRequest = ((await cpuMs(service.child.pid!)) - c0) / conc.count;
      const h1 = await histogram(base, s.route);
      const bad = seq.errors + conc.errors + Object.entries({ ...conc.statuses }).filter(([k]) => k !== '200').reduce((n, [, v]) => n + v, 0);
      rows.push(`| ${total} | ${s.name} | ${f(seq.p50)} / ${f(seq.p99)} ms | ${conc.rps.toFixed(0)} | ${f(conc.p50)} / ${f(conc.p99)} ms | ${f(conc.serverP50)} / ${f(conc.serverP99)} ms | ${serverSide(h0, h1)} | ${((conc.cpuMs * 1000) / conc.count).toFixed(0)} µs | ${(cpuPerRequest * 1000).toFixed(0)} µs (${(1000 / cpuPerRequest).toFixed(0)}/s per core) | ${(conc.bytes / conc.count / 1024).toFixed(1)} KiB | ${l0.toFixed(1)}–${loadavg()[0].toFixed(1)} |${bad ? ` ${bad} not 200` : ''}`);
      console.error(rows.at(-1));
    }
    const cacheMb = (await gauge(base, 'callsheet_api_cache_bytes')) / 1048576;
    const rssMb = (await gauge(base, 'callsheet_process_resident_memory_bytes')) / 1048576;
    const [hit, miss, bypass] = await Promise.all(['hit', 'miss', 'bypass'].map((r) => gauge(base, `callsheet_api_cache_lookups_total{result="${r}"}`)));
    const answerMb = (await gauge(base, 'callsheet_api_answer_cache_bytes')) / 1048576;
    const answerEntries = await gauge(base, 'callsheet_api_answer_cache_entries');
    const [aHit, aMiss] = await Promise.all(['hit', 'miss'].map((r) => gauge(base, `callsheet_api_answer_cache_lookups_total{result="${r}"}`)));
    notes.push(`${total} entities: API cache ${cacheMb.toFixed(1)} MiB (bound API_CACHE_MB=${process.env.API_CACHE_MB ?? 128}), look-ups ${hit || 0} hits / ${miss || 0} misses / ${bypass || 0} bypassed; answer cache ${answerMb.toFixed(1)} MiB in ${answerEntries || 0} answers (bound API_ANSWER_CACHE_MB=${process.env.API_ANSWER_CACHE_MB ?? 96}), ${aHit || 0} hits / ${aMiss || 0} misses; service RSS ${rssMb.toFixed(0)} MiB`);
  } finally {
    service.child.kill('SIGTERM');
    await new Promise((r) => service.child.once('exit', r));
    const admin = postgres(process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${new URL(service.url).pathname.slice(1)}" with (force)`).catch(() => {});
    await admin.end();
    await rm(work, { recursive: true, force: true });
  }
}

if (!process.argv.includes('--no-build')) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
for (const size of sizes) await benchSize(size);
console.log('\n| entities | call | sequential p50 / p99 | 20 concurrent req/s | 20 concurrent p50 / p99 (client) | 20 concurrent p50 / p99 server-side (Server-Timing) | server-side histogram (20 conc. + seq.) | load generator CPU per request | service CPU per request | body | load avg |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
console.log('');
for (const n of notes) console.log(`- ${n}`);
console.log(`- machine: ${(await import('node:os')).cpus().length} cores, load average ${loadavg().map((n) => n.toFixed(2)).join(' ')} at the end; client and service share the machine`);
