/**
 * `npm run bench:sync [-- --entities N] [-- --only postgres|pglite]`, or `-- --scale [--sizes 5000,50000,500000]`
 * for one table of how each figure grows with the catalog (Postgres unless --only): generates a catalog of N
 * entities (default 50,000) in a temp git repository and measures, on Postgres and on PGlite, a
 * first full sync, a re-sync after one changed file, and exact-ref look-ups (wall and CPU time, and
 * Postgres server CPU when the server runs on this machine). Each database runs in
 * its own child process, on the compiled code as the Docker image runs it, so that peak RSS is that
 * database's alone.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { systemClock } from '../src/clock.js';
import { resolveEntity } from '../src/catalog/queries-resolve.js';
import { openDatabase, query, sql, type Database } from '../src/db/client.js';
import { silentLogger } from '../src/logger.js';
import { createSyncService } from '../src/sync/service.js';
import { componentFile, generateCatalog } from './lib/generate.js';
import { scaleTable } from './lib/scale-table.js';
import { ms, peakRssMb, percentile } from './lib/stats.js';

import type { Figures, Run, Target } from './lib/figures.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

function gitIn(dir: string, ...args: string[]) {
  execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com' } });
}

async function openTarget(target: Target, work: string): Promise<Database> {
  if (target === 'pglite') return openDatabase({ dataDir: join(work, 'pglite') });
  const admin = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `callsheet_bench_${randomBytes(4).toString('hex')}`;
  const client = postgres(admin, { max: 1, onnotice: () => {} });
  await client.unsafe(`create database "${name}"`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 4 });
  return {
    ...database,
    async close() {
      await database.close();
      const cleanup = postgres(admin, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
      await cleanup.end();
    },
  };
}

/** CPU of the server processes behind this database (Postgres on this machine only; /proc must be readable). */
async function serverCpuMs(database: Database): Promise<number | undefined> {
  if (database.kind !== 'postgres') return undefined;
  const { readFile } = await import('node:fs/promises');
  const pids = await query<{ pid: number }>(database.db, sql`select pid from pg_stat_activity where datname = current_database()`);
  const ticksPerMs = 100 / 1000;
  let total = 0;
  for (const { pid } of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    if (!stat) return undefined;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += (Number(fields[11]) + Number(fields[12])) / ticksPerMs;
  }
  return total;
}

async function measured<T>(database: Database, work: () => Promise<T>): Promise<{ value: T; run: Run }> {
  const server = await serverCpuMs(database);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const serverAfter = server === undefined ? undefined : await serverCpuMs(database);
  const run: Run = { ms, cpuMs: (used.user + used.system) / 1000 };
  if (server !== undefined && serverAfter !== undefined) run.serverCpuMs = serverAfter - server;
  return { value, run };
}

async function child(target: Target, repo: string, sampleFile: string, refsFile: string): Promise<Figures> {
  const work = await mkdtemp(join(tmpdir(), `callsheet-bench-${target}-`));
  const database = await openTarget(target, work);
  try {
    await database.migrate();
    const service = createSyncService({
      db: database.db,
      config: {
        CATALOG_SOURCES: [`file://${repo}`],
        TEMPLATE_SOURCES: [],
        CATALOG_ALLOWED_KINDS: [],
        DATA_DIR: work,
        MAX_FILE_BYTES: 1_048_576,
        MAX_DOCUMENTS_PER_FILE: 1000,
        SYNC_INTERVAL: 300_000,
        INSTANCE_ID: `bench-${target}`,
      },
      logger: silentLogger(),
      clock: systemClock,
    });
    const { value: [first], run: firstRun } = await measured(database, () => service.syncAll());
    if (first!.status !== 'synced') throw new Error(`first sync ${first!.status}: ${first!.error ?? ''}`);

    const system = Number(/system-(\d+)/.exec(sampleFile)![1]);
    const names = Array.from({ length: 10 }, (_, i) => `component-${i}`);
    await writeFile(join(repo, sampleFile), componentFile(names, system, system, Array.from({ length: 10 }, (_, a) => system * 10 + a), Date.now()));
    gitIn(repo, 'commit', '--quiet', '-am', `bench change for ${target}`);
    const { value: [again], run: resyncRun } = await measured(database, () => service.syncAll());

    // The look-up list is the benchmark's, not the service's: read only now, so the peak RSS of the
    // syncs does not carry half a million refs the service never holds.
    const { readFile } = await import('node:fs/promises');
    const refs = JSON.parse(await readFile(refsFile, 'utf8')) as string[];
    const timings: number[] = [];
    const server: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const ref = refs[Math.floor(Math.random() * refs.length)]!;
      const t = performance.now();
      const found = await resolveEntity(database.db, ref);
      timings.push(performance.now() - t);
      if (found.status !== 'found') throw new Error(`look-up of ${ref}: ${found.status}`);
      // The same statement getEntity runs, timed by the server itself.
      const [plan] = await query<{ 'QUERY PLAN': [{ 'Planning Time': number; 'Execution Time': number }] }>(
        database.db,
        sql`explain (analyze, format json) select * from entities where ref = ${ref} limit 1`,
      );
      const [stats] = plan!['QUERY PLAN'];
      server.push(stats['Planning Time'] + stats['Execution Time']);
    }
    timings.sort((a, b) => a - b);
    server.sort((a, b) => a - b);
    return {
      target,
      entities: refs.length,
      first: { ...firstRun, added: first!.added, problems: first!.problems.length },
      resync: { ...resyncRun, updated: again!.updated, unchanged: again!.unchanged },
      lookup: { p50: percentile(timings, 50), p99: percentile(timings, 99), serverP50: percentile(server, 50), serverP99: percentile(server, 99) },
      peakRssMb: peakRssMb(),
    };
  } finally {
    await database.close();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * This benchmark compiled to one JavaScript file (dependencies left as imports), for the children:
 * under tsx the TypeScript loader's own thread adds about 30 MB to a process's RSS, which the
 * compiled service (`npm run build`, the Docker image) does not have.
 */
async function compiledChild(): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = fileURLToPath(new URL('./.build/sync.mjs', import.meta.url));
  await build({ entryPoints: [fileURLToPath(import.meta.url)], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'warning' });
  return outfile;
}

function runChild(script: string, target: Target, repo: string, sampleFile: string, refsFile: string): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [script, '--child', target, '--repo', repo, '--sample', sampleFile, '--refs', refsFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as Figures) : reject(new Error(`${target} benchmark exited with ${code}`))));
  });
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const seconds = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`);
const cpu = (r: Run) => `CPU ${seconds(r.cpuMs)}${r.serverCpuMs === undefined ? '' : ` + Postgres ${seconds(r.serverCpuMs)}`}`;

function print(f: Figures) {
  console.log(`\n${f.target} (${count(f.entities)} entities)`);
  console.log(`  first sync    ${seconds(f.first.ms).padStart(9)}  ${count(f.first.added / (f.first.ms / 1000))} entities/s, ${cpu(f.first)}  (${f.first.added} added, ${f.first.problems} problems)`);
  console.log(`  re-sync       ${seconds(f.resync.ms).padStart(9)}  ${cpu(f.resync)}  (1 file changed: ${f.resync.updated} updated, ${f.resync.unchanged} unchanged)`);
  console.log(`  exact look-up p50 ${ms(f.lookup.serverP50)}, p99 ${ms(f.lookup.serverP99)} server-side; p50 ${ms(f.lookup.p50)}, p99 ${ms(f.lookup.p99)} round trip (1,000 random refs)`);
  console.log(`  peak RSS      ${f.peakRssMb} MB`);
}

/** The figures as a Markdown table, ready for the README. */
function table(all: Figures[]) {
  const row = (label: string, cell: (f: Figures) => string) => `| ${label} | ${all.map(cell).join(' | ')} |`;
  console.log(`\n| ${count(all[0]!.entities)} entities | ${all.map((f) => (f.target === 'postgres' ? 'Postgres' : 'PGlite')).join(' | ')} |`);
  console.log(`| --- | ${all.map(() => '---').join(' | ')} |`);
  console.log(row('first sync', (f) => `${seconds(f.first.ms)} (${count(f.first.added / (f.first.ms / 1000))} entities/s; ${cpu(f.first)})`));
  console.log(row('re-sync, one file changed', (f) => `${seconds(f.resync.ms)} (${cpu(f.resync)})`));
  console.log(row('exact look-up p50 / p99, server-side', (f) => `${ms(f.lookup.serverP50)} / ${ms(f.lookup.serverP99)}`));
  console.log(row('exact look-up p50 / p99, round trip', (f) => `${ms(f.lookup.p50)} / ${ms(f.lookup.p99)}`));
  console.log(row('peak RSS', (f) => `${f.peakRssMb} MB`));
}

/** One catalog of `total` entities, synced on each target in its own child process. */
async function runSize(total: number, only: Target | undefined, script: string): Promise<Figures[]> {
  const repo = await mkdtemp(join(tmpdir(), 'callsheet-bench-repo-'));
  const refsFile = join(repo, '..', `${repo.split('/').pop()}-refs.json`);
  try {
    const started = performance.now();
    const generated = await generateCatalog(repo, total);
    gitIn(repo, 'init', '--quiet', '--initial-branch', 'main');
    gitIn(repo, 'add', '-A');
    gitIn(repo, 'commit', '--quiet', '-m', 'generated catalog');
    await writeFile(refsFile, JSON.stringify(generated.refs));
    console.log(`generated ${generated.entities.toLocaleString('en-US')} entities in ${generated.files.toLocaleString('en-US')} files (${ms(performance.now() - started)})`);
    const all: Figures[] = [];
    for (const target of (['postgres', 'pglite'] as const).filter((t) => !only || t === only)) {
      all.push(await runChild(script, target, repo, generated.sampleFile, refsFile));
      print(all[all.length - 1]!);
    }
    return all;
  } finally {
    await rm(refsFile, { force: true });
    await rm(repo, { recursive: true, force: true });
  }
}

async function main() {
  const childTarget = arg('child') as Target | undefined;
  if (childTarget) {
    console.log(JSON.stringify(await child(childTarget, arg('repo')!, arg('sample')!, arg('refs')!)));
    return;
  }
  const only = arg('only') as Target | undefined;
  const script = await compiledChild();
  const load = () => execFileSync('uptime', { encoding: 'utf8' }).trim().replace(/.*load average: /, '');
  console.log(`load average before: ${load()} (${cpus().length} cores)`);
  if (process.argv.includes('--scale')) {
    // How each figure grows with the catalog: 5,000 -> 50,000 -> 500,000 (or --sizes a,b,c).
    const sizes = (arg('sizes') ?? '5000,50000,500000').split(',').map(Number);
    const runs: Figures[][] = [];
    for (const size of sizes) runs.push(await runSize(size, only ?? 'postgres', script));
    scaleTable(runs.map((r) => r[0]!));
  } else {
    table(await runSize(Number(arg('entities') ?? 50_000), only, script));
  }
  console.log(`\nload average after: ${load()}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exitCode = 1;
});
