/**
 * `npm run bench:start [-- --runs N]`: the first impression. Starts `npm start`'s command
 * (package.json's `start`: `node --liftoff-only bin/callsheet.js serve`) on a fresh DATA_DIR (PGlite, the demo catalog) under a
 * pseudo-terminal (`script`), so the shell opens as it does for a person, and prints the time to
 * the prompt, the time until the first answer (`owner payments-api`, which waits for the first
 * sync), the CPU it used until the prompt (the machine is shared: wall time varies with the load,
 * CPU much less), and the process's resident memory then (VmRSS) and at its peak (VmHWM).
 * The embedded database template `npm install` makes (scripts/prepare-pglite.mjs) is made first, in a
 * temp folder; `--cold` runs without one (as when install scripts were skipped).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preparePgliteTemplate } from '../src/db/prepare-pglite-template.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

/** `npm start`'s own command (package.json), run with this Node. */
const startScript = (JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
const startCommand = startScript.replace(/^node\b/, process.execPath);

interface StartFigures {
  promptMs: number;
  promptCpuMs: number;
  answerMs: number;
  rssMb: number;
  peakRssMb: number;
  /** What the service printed before its prompt, one line each. */
  printed: string[];
}

/** The node process under `script` (its child, or the child's child through `sh -c`), found by its program's path. */
function nodePid(parent: number): number | undefined {
  const children = (pid: number) => {
    try {
      return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.trim().split(/\s+/) as [string, string]);
    } catch {
      return [];
    }
  };
  const queue = [parent];
  while (queue.length) {
    for (const [pid, comm] of children(queue.shift()!)) {
      // By its program, not its name: Node 24 names its main thread "MainThread", which is what ps shows.
      if (comm === process.execPath || comm === 'node') return Number(pid);
      queue.push(Number(pid));
    }
  }
  return undefined;
}

/** User + system CPU of a process so far (clock ticks of 10 ms). */
async function cpuOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

async function once(template: string): Promise<StartFigures> {
  const dataDir = await mkdtemp(join(tmpdir(), 'callsheet-start-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', TERM: 'dumb', PGLITE_TEMPLATE_DIR: template };
  for (const key of ['DATABASE_URL', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'MICROSOFT_APP_ID', 'GITHUB_TOKEN']) delete env[key];
  const started = performance.now();
  const proc = spawn('script', ['-qfec', startCommand, '/dev/null'], { cwd: root, env, stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const waitFor = (pattern: RegExp, from: number) =>
    new Promise<number>((resolve, reject) => {
      const check = () => {
        if (pattern.test(out.slice(from))) {
          proc.stdout.off('data', check);
          resolve(performance.now() - started);
        }
      };
      proc.stdout.on('data', check);
      proc.once('exit', (code) => reject(new Error(`service exited (${code}) before ${pattern}; it printed:\n${out}`)));
      check();
    });
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    const promptMs = await waitFor(/callsheet> /, 0);
    const pid = nodePid(proc.pid!);
    const promptCpuMs = pid ? await cpuOf(pid) : NaN;
    const printed = out.slice(0, out.indexOf('callsheet> ')).split(/\r?\n/).map((l) => l.replace(/\r/g, '').trim()).filter(Boolean);
    const mark = out.length;
    proc.stdin.write('owner payments-api\n');
    const answerMs = await waitFor(/callsheet> /, mark);
    const memory = pid ? await memoryOf(pid) : { rss: NaN, peak: NaN };
    proc.stdin.write('exit\n');
    await new Promise((resolve) => proc.once('exit', resolve));
    return { promptMs, promptCpuMs, answerMs, rssMb: memory.rss, peakRssMb: memory.peak, printed };
  } finally {
    if (proc.exitCode === null) proc.kill('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
}

const runs = Number(arg('runs') ?? 3);
const cold = process.argv.includes('--cold');
const templateDir = await mkdtemp(join(tmpdir(), 'callsheet-template-'));
const all: StartFigures[] = [];
try {
  if (!cold) console.log(`install step: ${await preparePgliteTemplate(join(templateDir, 'pglite'))}`);
  for (let i = 0; i < runs; i++) all.push(await once(cold ? '' : join(templateDir, 'pglite')));
} finally {
  await rm(templateDir, { recursive: true, force: true });
}
console.log(`load average at the end: ${execFileSync('uptime', { encoding: 'utf8' }).trim().replace(/.*load average: /, '')}`);
console.log(`command: ${startScript}${existsSync(join(root, 'dist', 'src', 'cli', 'main.js')) ? ' (dist/ present: compiled code when it is newer than the sources)' : ' (no dist/: TypeScript through tsx)'}`);
console.log('printed before the prompt:');
for (const line of all[0]!.printed) console.log(`  ${line}`);
const s = (n: number) => `${(n / 1000).toFixed(2)} s`;
console.log(`\n| npm start, fresh DATA_DIR (PGlite, demo catalog${cold ? ', no template' : ''}), ${runs} runs | ${all.map((_, i) => `run ${i + 1}`).join(' | ')} |`);
console.log(`| --- | ${all.map(() => '---').join(' | ')} |`);
console.log(`| time to prompt | ${all.map((f) => s(f.promptMs)).join(' | ')} |`);
console.log(`| CPU until the prompt | ${all.map((f) => s(f.promptCpuMs)).join(' | ')} |`);
console.log(`| time to first answer (after the first sync) | ${all.map((f) => s(f.answerMs)).join(' | ')} |`);
console.log(`| resident memory after the first answer | ${all.map((f) => `${f.rssMb} MB`).join(' | ')} |`);
console.log(`| peak resident memory | ${all.map((f) => `${f.peakRssMb} MB`).join(' | ')} |`);
