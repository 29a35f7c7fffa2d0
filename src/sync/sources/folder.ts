/**
 * A local folder as a source: every `*.yaml`/`*.yml` file (except under `.git` and `node_modules`)
 * is an entry point, and those holding no catalog entity are skipped by the reader. The revision is
 * a digest of names, sizes and modification times, so an untouched folder is not re-read.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Snapshot, SourceDriver, Tree } from '../types.js';

const SKIP_DIRS = new Set(['.git', 'node_modules']);
export const YAML_FILE = /\.ya?ml$/i;

interface Found {
  path: string;
  size: number;
  mtimeMs: number;
}

async function walk(root: string, dir = root, out: Found[] = []): Promise<Found[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const abs = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) await walk(root, abs, out);
    } else if (entry.isFile() && YAML_FILE.test(entry.name)) {
      const s = await stat(abs);
      out.push({ path: relative(root, abs).split(sep).join('/'), size: s.size, mtimeMs: s.mtimeMs });
    }
  }
  return out;
}

function isNotFound(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** A tree over a folder; reads never leave it, not even through a symbolic link. */
export async function folderTree(root: string, entryPoints: string[], scanned: boolean): Promise<Tree> {
  const realRoot = await realpath(root);
  const inside = async (path: string): Promise<string | undefined> => {
    try {
      const real = await realpath(join(realRoot, path));
      return real === realRoot || real.startsWith(realRoot + sep) ? real : undefined;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };
  return {
    name: '',
    scanned,
    entryPoints: async () => entryPoints,
    async read(path) {
      const real = await inside(path);
      return real === undefined ? undefined : readFile(real, 'utf8');
    },
    async size(path) {
      const real = await inside(path);
      return real === undefined ? undefined : (await stat(real)).size;
    },
    locationOf: (path) => ({ type: 'file', target: join(realRoot, path) }),
    committedAt: () => undefined,
  };
}

export async function scanFolder(root: string): Promise<Found[]> {
  return (await walk(root)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function folderDriver(spec: string, deps: { cwd?: string } = {}): SourceDriver {
  const root = resolve(deps.cwd ?? process.cwd(), spec);
  const id = spec.trim().replace(/(.)[\\/]+$/, '$1');
  return {
    id,
    kind: 'folder',
    target: id,
    async snapshot(lastRevision): Promise<Snapshot | null> {
      let found: Found[];
      try {
        found = await scanFolder(root);
      } catch (e) {
        if (isNotFound(e)) throw new Error(`catalog folder ${root} does not exist`);
        throw e;
      }
      const digest = createHash('sha256');
      for (const f of found) digest.update(`${f.path}\0${f.size}\0${f.mtimeMs}\n`);
      const revision = `folder:${digest.digest('hex').slice(0, 32)}`;
      if (revision === lastRevision) return null;
      return { revision, trees: [await folderTree(root, found.map((f) => f.path), true)] };
    },
  };
}
