/**
 * The compiled service as a separate process, the way a replica runs: `node dist/src/cli/main.js
 * serve` with its own environment, JSON log lines on stdout. Signals are real (SIGTERM, SIGKILL),
 * so what the fault suite sees is what a platform sees.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, projectRoot } from './build.js';
import { waitFor } from './wait.js';

export interface LogLine {
  level?: number;
  msg?: string;
  [key: string]: unknown;
}

export interface ServiceProcess {
  instance: string;
  child: ChildProcess;
  pid: number;
  /** The HTTP port it listens on (once started). */
  port: number;
  baseUrl: string;
  /** Every JSON log line so far; non-JSON stdout lines are kept as `{ msg: <line>, raw: true }`. */
  logs: LogLine[];
  /** Everything written to stderr (a crash's stack trace lands here). */
  stderr(): string;
  /** Resolves when the process exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether it has exited. */
  hasExited(): boolean;
  waitForLog(what: string, match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** GET a path; resolves with the status (0 when nothing answers). */
  status(path: string): Promise<number>;
  kill(signal?: NodeJS.Signals): void;
  /** SIGTERM and wait for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Log lines at error level or above, and those that mention an unhandled rejection or crash. */
  problems(): LogLine[];
}

export interface SpawnOptions {
  databaseUrl: string;
  instance: string;
  /** Extra or overriding environment variables (CATALOG_SOURCES, SYNC_INTERVAL, ...). */
  env?: Record<string, string | undefined>;
  /** Wait until HTTP answers (default true). */
  waitForListening?: boolean;
  timeoutMs?: number;
  /** Arguments for node before the entry point (a test-only `--import` preload, for example). */
  nodeArgs?: string[];
}

export async function spawnService(options: SpawnOptions): Promise<ServiceProcess> {
  const entry = await ensureBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), `callsheet-faults-${options.instance}-`));
  const env: Record<string, string> = {};
  // Only what a replica would have: PATH and HOME, not this test run's variables (DATABASE_URL etc.).
  for (const key of ['PATH', 'HOME', 'LANG', 'TZ']) if (process.env[key]) env[key] = process.env[key]!;
  Object.assign(env, {
    NODE_ENV: 'production',
    DATABASE_URL: options.databaseUrl,
    DATABASE_POOL_SIZE: '5',
    INSTANCE_ID: options.instance,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATA_DIR: dataDir,
    NUDGE_ENABLED: 'false',
  });
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), entry, 'serve'], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: LogLine[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    buffered += text;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!line.trim()) continue;
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        logs.push({ msg: line, raw: true });
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  let exitedFlag = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exitedFlag = true;
      resolve({ code, signal });
    }),
  );

  const service: ServiceProcess = {
    instance: options.instance,
    child,
    pid: child.pid!,
    port: 0,
    baseUrl: '',
    logs,
    stderr: () => stderr,
    exited,
    hasExited: () => exitedFlag,
    waitForLog: (what, match, timeoutMs = 60_000) =>
      waitFor(`${options.instance}: ${what}`, () => {
        const found = logs.find(match);
        if (found) return found;
        if (exitedFlag) throw new Error(`${options.instance} exited before logging ${what}; stderr:\n${stderr}`);
        return undefined;
      }, timeoutMs),
    async status(path) {
      try {
        const res = await fetch(`${service.baseUrl}${path}`, { signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        return res.status;
      } catch {
        return 0;
      }
    },
    kill(signal = 'SIGTERM') {
      if (!exitedFlag) child.kill(signal);
    },
    async stop(graceMs = 30_000) {
      if (exitedFlag) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    problems: () =>
      logs.filter((l) => (l.level ?? 0) >= 50 || /unhandled|uncaught/i.test(String(l.msg ?? ''))),
  };

  if (options.waitForListening ?? true) {
    const listening = await service.waitForLog('listening', (l) => l.msg === 'callsheet is listening', options.timeoutMs ?? 90_000);
    service.port = Number(listening.port);
    service.baseUrl = `http://127.0.0.1:${service.port}`;
  }
  return service;
}

/** Stops every service still running (afterAll / afterEach): SIGKILL, as a test's leftovers need no grace. */
export async function killAll(services: ServiceProcess[]): Promise<void> {
  for (const s of services) s.kill('SIGKILL');
  await Promise.all(services.map((s) => s.exited));
}
