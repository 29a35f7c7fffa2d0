/**
 * The fault suite runs the compiled service (`npm run build` into dist/), as production does.
 * Built once per change: a stamp in dist/ records the newest source file's time, and a lock folder
 * keeps the two vitest workers from building at once (the second waits, then finds it fresh).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const projectRoot = resolve(new URL('../../..', import.meta.url).pathname);
const stampFile = join(projectRoot, 'dist', '.faults-build-stamp');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function sourceStamp(): string {
  const newest = Math.max(newestMtime(join(projectRoot, 'src')), newestMtime(join(projectRoot, 'adapters')), statSync(join(projectRoot, 'tsconfig.json')).mtimeMs);
  return String(newest);
}

function isFresh(): boolean {
  try {
    return readFileSync(stampFile, 'utf8') === sourceStamp();
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Builds dist/ unless it is up to date with src/ and adapters/. Returns the CLI entry point. */
export async function ensureBuilt(): Promise<string> {
  const entry = join(projectRoot, 'dist', 'src', 'cli', 'main.js');
  if (isFresh()) return entry;
  const lock = join(tmpdir(), `callsheet-build-${createHash('sha1').update(projectRoot).digest('hex').slice(0, 12)}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than 10 minutes was left by a killed run.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      await sleep(500);
      if (isFresh()) return entry;
    }
  }
  try {
    if (!isFresh()) {
      const stamp = sourceStamp();
      await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: projectRoot, maxBuffer: 16 * 1024 * 1024 });
      writeFileSync(stampFile, stamp);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return entry;
}
