/**
 * One owner for an embedded (PGlite) data folder. PGlite keeps the database in memory and writes it
 * back to files; a second process opening the same files works on its own copy, so its writes are
 * lost and the two copies drift (an entity listed twice). The owner holds `<folder>.lock`, made
 * atomically (a hard link of a fully written file: it exists complete or not at all) and holding
 * the owner's pid, host and process start time. A lock whose process is gone, or whose pid now
 * belongs to a process started later (pid reuse), is stale and taken over; the takeover itself
 * runs under a second guard file so two processes never both replace a stale lock, and it
 * re-reads the lock under the guard so a live owner's fresh lock is never removed.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';

export interface LockHolder {
  pid: number;
  host: string;
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat), where known. */
  startTicks?: string;
  startedAt: string;
  /** The sub-command that holds it (`serve`, `sync`, ...), for the message to whoever is refused. */
  command: string;
  nonce: string;
}

export class PgliteLockedError extends Error {
  constructor(
    readonly lockPath: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(
      holder
        ? `the embedded database is in use by another process: "${holder.command}" (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}); lock file ${lockPath}`
        : `the embedded database is in use by another process (lock file ${lockPath} exists but cannot be read; delete it only if no callsheet process uses this DATA_DIR)`,
    );
    this.name = 'PgliteLockedError';
  }
}

export interface PgliteLock {
  path: string;
  holder: LockHolder;
  release(): Promise<void>;
}

function startTicksOf(pid: number): string | undefined {
  try {
    // Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces, so count after ")".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote `holder` is still running. Another host's lock counts as live. */
export function holderAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = startTicksOf(holder.pid);
  return !(holder.startTicks && now && now !== holder.startTicks);
}

async function readHolder(path: string): Promise<LockHolder | undefined | 'absent'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as LockHolder;
    return typeof parsed.pid === 'number' && typeof parsed.nonce === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Creates `path` holding `content` only if it does not exist yet, never half-written. */
async function createExclusive(path: string, content: string): Promise<boolean> {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, content, { mode: 0o644 });
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

function describeSelf(command: string): LockHolder {
  const ticks = startTicksOf(process.pid);
  return {
    pid: process.pid,
    host: hostname(),
    ...(ticks ? { startTicks: ticks } : {}),
    startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
    command,
    nonce: randomBytes(12).toString('hex'),
  };
}

/** Removes the stale lock `seen` (and only it), under the takeover guard. */
async function takeOver(path: string, seen: LockHolder): Promise<void> {
  const guard = `${path}.takeover`;
  const me = describeSelf('takeover');
  if (!(await createExclusive(guard, JSON.stringify(me)))) {
    const other = await readHolder(guard);
    // A takeover whose process died half-way: clear its guard, and let the caller try again.
    if (other !== 'absent' && (other === undefined || !holderAlive(other))) await unlink(guard).catch(() => {});
    return;
  }
  try {
    const current = await readHolder(path);
    if (current !== 'absent' && current !== undefined && current.nonce === seen.nonce) await unlink(path).catch(() => {});
  } finally {
    const still = await readHolder(guard);
    if (still !== 'absent' && still?.nonce === me.nonce) await unlink(guard).catch(() => {});
  }
}

/** Takes the lock at `path` for this process, or throws PgliteLockedError naming its holder. */
export async function acquirePgliteLock(path: string, command = process.argv[2] ?? 'node'): Promise<PgliteLock> {
  const me = describeSelf(command);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await createExclusive(path, `${JSON.stringify(me)}\n`)) {
      return {
        path,
        holder: me,
        async release() {
          const current = await readHolder(path);
          if (current !== 'absent' && current?.nonce === me.nonce) await unlink(path).catch(() => {});
        },
      };
    }
    const holder = await readHolder(path);
    if (holder === 'absent') continue;
    if (holder === undefined || holderAlive(holder)) throw new PgliteLockedError(path, holder);
    await takeOver(path, holder);
  }
  const holder = await readHolder(path);
  throw new PgliteLockedError(path, holder === 'absent' ? undefined : holder);
}
