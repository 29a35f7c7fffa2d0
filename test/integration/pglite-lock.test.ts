/**
 * The PGlite data folder's single-owner lock: atomic, refuses a live owner (in this process or
 * another), takes over a dead owner's lock exactly once, and guards the real database open.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { acquirePgliteLock, PgliteLockedError, type LockHolder } from '../../src/db/pglite-lock.js';
import { tempDir } from '../helpers/sync-fixtures.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const child = fileURLToPath(new URL('../fixtures/process/lock-child.ts', import.meta.url));

/** The pid of a process that has exited. */
function deadPid(): number {
  const done = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(done.stdout);
}

function staleHolder(pid: number, extra: Partial<LockHolder> = {}): string {
  return JSON.stringify({ pid, host: hostname(), startedAt: '2020-01-01T00:00:00.000Z', command: 'serve', nonce: 'stale-nonce', ...extra });
}

function runChild(lockPath: string, logPath: string): Promise<number> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', child, lockPath, logPath], { cwd: root, timeout: 60_000 }, (error) => {
      resolve(error ? Number((error as { code?: number }).code ?? 1) : 0);
    });
  });
}

describe('PGlite lock', () => {
  it('is taken atomically with the pid and refused to anyone else while held, this process included', async () => {
    const path = join(await tempDir(), 'pglite.lock');
    const lock = await acquirePgliteLock(path, 'sync');
    const written = JSON.parse(await readFile(path, 'utf8')) as LockHolder;
    expect(written).toMatchObject({ pid: process.pid, host: hostname(), command: 'sync' });
    const refused = await acquirePgliteLock(path).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PgliteLockedError);
    expect((refused as PgliteLockedError).holder?.pid).toBe(process.pid);
    expect((refused as Error).message).toContain(`"sync" (pid ${process.pid}`);
    await lock.release();
    await expect(stat(path)).rejects.toThrow();
    await (await acquirePgliteLock(path)).release();
  });

  it('takes over the lock of a process that is gone, and of a reused pid', async () => {
    const dir = await tempDir();
    const dead = join(dir, 'dead.lock');
    await writeFile(dead, staleHolder(deadPid()));
    const lock = await acquirePgliteLock(dead, 'serve');
    expect((JSON.parse(await readFile(dead, 'utf8')) as LockHolder).pid).toBe(process.pid);
    await lock.release();

    // Our own pid, but recorded for a process that started at another time: the pid was reused.
    if (process.platform === 'linux') {
      const reused = join(dir, 'reused.lock');
      await writeFile(reused, staleHolder(process.pid, { startTicks: '1' }));
      await (await acquirePgliteLock(reused)).release();
    }
  });

  it('refuses a lock it cannot judge: another host, or an unreadable file', async () => {
    const dir = await tempDir();
    const remote = join(dir, 'remote.lock');
    await writeFile(remote, staleHolder(deadPid(), { host: 'some-other-host' }));
    await expect(acquirePgliteLock(remote)).rejects.toBeInstanceOf(PgliteLockedError);
    const garbled = join(dir, 'garbled.lock');
    await writeFile(garbled, '{not json');
    await expect(acquirePgliteLock(garbled)).rejects.toThrow(/cannot be read; delete it only if/);
    expect(await readFile(garbled, 'utf8')).toBe('{not json');
  });

  it('lets exactly one of many concurrent takers win a stale lock', async () => {
    const path = join(await tempDir(), 'pglite.lock');
    await writeFile(path, staleHolder(deadPid()));
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => acquirePgliteLock(path)));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(PgliteLockedError);
    await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
  });

  it('never has two holders at once across real processes racing for a stale lock', async () => {
    const dir = await tempDir();
    const path = join(dir, 'pglite.lock');
    const log = join(dir, 'holders.log');
    await writeFile(path, staleHolder(deadPid()));
    await writeFile(log, '');
    const codes = await Promise.all(Array.from({ length: 6 }, () => runChild(path, log)));
    expect(codes.every((c) => c === 0 || c === 3)).toBe(true);
    expect(codes.filter((c) => c === 0).length).toBeGreaterThanOrEqual(1);
    // Every "start" is followed by the same process's "end" before anyone else starts.
    const lines = (await readFile(log, 'utf8')).trim().split('\n');
    for (let i = 0; i < lines.length; i += 2) {
      expect(lines[i]).toMatch(/^start \d+$/);
      expect(lines[i + 1]).toBe(lines[i]!.replace('start', 'end'));
    }
    await expect(stat(path)).rejects.toThrow();
  }, 120_000);

  it('guards the real database: a second open of the same folder is refused until the first closes', async () => {
    const dataDir = join(await tempDir(), 'pglite');
    const first = await openDatabase({ dataDir });
    await expect(openDatabase({ dataDir })).rejects.toBeInstanceOf(PgliteLockedError);
    await first.close();
    const second = await openDatabase({ dataDir });
    await second.close();
  }, 120_000);
});
