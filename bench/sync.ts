/**
 * `npm run bench:sync [-- --entities N] [-- --only postgres|pglite]`: generates a catalog of N
 * entities (default 50,000) in a temp git repository and measures, on Postgres and on PGlite, a
 * first full sync, a re-sync after one changed file, and exact-ref look-ups. Each database runs in
 * its own child process so that peak RSS is that database's alone.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { systemClock } from '../src/clock.js';
import { openDatabase, query, sql, type Database } from '../src/db/client.js';
import { silentLogger } from '../src/logger.js';
import { createSyncService } from '../src/sync/service.js';
import { componentFile, generateCatalog } from './lib/generate.js';
import { ms, peakRssMb, percentile } from './lib/stats.js';

type Target = 'postgres' | 'pglite';

interface Figures {
  target: Target;
  entities: number;
  first: { ms: number; added: number; problems: number };
  resync: { ms: number; updated: number; unchanged: number };
  lookup: { p50: number; p99: number };
  peakRssMb: number;
}

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

async function child(target: Target, repo: string, sampleFile: string, refs: string[]): Promise<Figures> {
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
    let started = performance.now();
    const [first] = await service.syncAll();
    const firstMs = performance.now() - started;
    if (first!.status !== 'synced') throw new Error(`first sync ${first!.status}: ${first!.error ?? ''}`);

    const system = Number(/system-(\d+)/.exec(sampleFile)![1]);
    const names = Array.from({ length: 10 }, (_, i) => `component-${i}`);
    await writeFile(join(repo, sampleFile), componentFile(names, system, system, Array.from({ length: 10 }, (_, a) => system * 10 + a), Date.now()));
    gitIn(repo, 'commit', '--quiet', '-am', `bench change for ${target}`);
    started = performance.now();
    const [again] = await service.syncAll();
    const resyncMs = performance.now() - started;

    const timings: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const ref = refs[Math.floor(Math.random() * refs.length)]!;
      const t = performance.now();
      const rows = await query<{ ref: string }>(database.db, sql`select ref, kind, title, owner_ref, entity from entities where ref = ${ref}`);
      timings.push(performance.now() - t);
      if (rows.length !== 1) throw new Error(`look-up of ${ref} found ${rows.length} rows`);
    }
    timings.sort((a, b) => a - b);
    return {
      target,
      entities: refs.length,
      first: { ms: firstMs, added: first!.added, problems: first!.problems.length },
      resync: { ms: resyncMs, updated: again!.updated, unchanged: again!.unchanged },
      lookup: { p50: percentile(timings, 50), p99: percentile(timings, 99) },
      peakRssMb: peakRssMb(),
    };
  } finally {
    await database.close();
    await rm(work, { recursive: true, force: true });
  }
}

function runChild(target: Target, repo: string, sampleFile: string, refsFile: string): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', target, '--repo', repo, '--sample', sampleFile, '--refs', refsFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as Figures) : reject(new Error(`${target} benchmark exited with ${code}`))));
  });
}

function print(f: Figures) {
  const rate = (n: number, t: number) => `${Math.round(n / (t / 1000)).toLocaleString('en-US')} entities/s`;
  console.log(`\n${f.target} (${f.entities.toLocaleString('en-US')} entities)`);
  console.log(`  first sync    ${ms(f.first.ms).padStart(10)}  ${rate(f.first.added, f.first.ms)}  (${f.first.added} added, ${f.first.problems} problems)`);
  console.log(`  re-sync       ${ms(f.resync.ms).padStart(10)}  (1 file changed: ${f.resync.updated} updated, ${f.resync.unchanged} unchanged)`);
  console.log(`  exact look-up p50 ${ms(f.lookup.p50)}, p99 ${ms(f.lookup.p99)} (1,000 random refs, client-side round trip)`);
  console.log(`  peak RSS      ${f.peakRssMb} MB`);
}

async function main() {
  const childTarget = arg('child') as Target | undefined;
  if (childTarget) {
    const { readFile } = await import('node:fs/promises');
    const refs = JSON.parse(await readFile(arg('refs')!, 'utf8')) as string[];
    console.log(JSON.stringify(await child(childTarget, arg('repo')!, arg('sample')!, refs)));
    return;
  }
  const total = Number(arg('entities') ?? 50_000);
  const only = arg('only') as Target | undefined;
  const repo = await mkdtemp(join(tmpdir(), 'callsheet-bench-repo-'));
  try {
    const started = performance.now();
    const generated = await generateCatalog(repo, total);
    gitIn(repo, 'init', '--quiet', '--initial-branch', 'main');
    gitIn(repo, 'add', '-A');
    gitIn(repo, 'commit', '--quiet', '-m', 'generated catalog');
    const refsFile = join(repo, '..', `${repo.split('/').pop()}-refs.json`);
    await writeFile(refsFile, JSON.stringify(generated.refs));
    console.log(`generated ${generated.entities.toLocaleString('en-US')} entities in ${generated.files.toLocaleString('en-US')} files (${ms(performance.now() - started)})`);
    for (const target of (['postgres', 'pglite'] as const).filter((t) => !only || t === only)) {
      print(await runChild(target, repo, generated.sampleFile, refsFile));
    }
    await rm(refsFile, { force: true });
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exitCode = 1;
});
