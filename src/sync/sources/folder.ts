/**
 * A local folder as a source: every `*.yaml`/`*.yml` file (except under `.git` and `node_modules`)
 * is an entry point, and those holding no catalog entity are skipped by the reader. The revision is
 * a digest of names, sizes and modification times, so an untouched folder is not re-read.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Snapshot, SourceDriver, Tree } from '../types.js';

/** Test seams: called with the tree-relative path before each file read, e.g. to move the folder mid-sync. */
export interface FolderHooks {
  beforeRead?(path: string): Promise<void> | void;
}

const SKIP_DIRS = new Set(['.git', 'node_modules']);
export const YAML_FILE = /\.ya?ml$/i;

interface Found {
  path: string;
  size: number;
  mtimeMs: number;
}

async function walk(root: string, dir = root, out: Found[] = [], every = false): Promise<Found[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const abs = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) await walk(root, abs, out, every);
    } else if (entry.isFile() && every) {
      out.push({ path: relative(root, abs).split(sep).join('/'), size: 0, mtimeMs: 0 });
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

/** Key of a folder source's state: non-YAML file read -> its size and modification time then. */
const STAMPS_STATE_KEY = 'stamps';

async function stampOf(path: string): Promise<string> {
  const s = await stat(path).catch(() => undefined);
  return s ? `${s.size}:${s.mtimeMs}` : '-';
}

async function stampsHold(root: string, stamps: Record<string, string>): Promise<boolean> {
  for (const [path, stamp] of Object.entries(stamps)) if ((await stampOf(join(root, path))) !== stamp) return false;
  return true;
}

/** Device and inode of a folder: the same path with another identity is another folder. */
async function identityOf(path: string): Promise<string> {
  const s = await stat(path, { bigint: true });
  return `${s.dev}:${s.ino}`;
}

/**
 * A tree over a folder; reads never leave it, not even through a symbolic link. `incomplete` hears
 * of every listed file that vanished or could not be read: the listing is then no proof of anything.
 */
export async function folderTree(root: string, entryPoints: string[], scanned: boolean, opts: { hooks?: FolderHooks; incomplete?: (why: string) => void; stamp?: (path: string, stamp: string) => void } = {}): Promise<Tree> {
  const realRoot = await realpath(root);
  const listed = new Set(entryPoints);
  const incomplete = opts.incomplete ?? (() => {});
  const inside = async (path: string): Promise<string | undefined> => {
    try {
      const real = await realpath(join(realRoot, path));
      return real === realRoot || real.startsWith(realRoot + sep) ? real : undefined;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };
  /** Where a file is; a listed file that is gone or cannot be resolved makes the listing incomplete. */
  const located = async (path: string) => {
    const real = await inside(path).catch((e: unknown) => {
      incomplete(`${path} could not be read: ${(e as Error).message}`);
      throw e;
    });
    if (real === undefined && listed.has(path)) incomplete(`${path} disappeared while the folder was being read`);
    return real;
  };
  return {
    name: '',
    scanned,
    entryPoints: async () => entryPoints,
    async read(path) {
      await opts.hooks?.beforeRead?.(path);
      const real = await located(path);
      // A target that does not exist yet is watched too: creating it changes what the Location gives.
      if (real === undefined) {
        if (!YAML_FILE.test(path)) opts.stamp?.(path, '-');
        return undefined;
      }
      try {
        const text = await readFile(real, 'utf8');
        if (!YAML_FILE.test(path) && opts.stamp) opts.stamp(path, await stampOf(real));
        return text;
      } catch (e) {
        // A directory named as a target is that entity's problem; anything else means the folder changed under us.
        if ((e as NodeJS.ErrnoException).code !== 'EISDIR') incomplete(`${path} could not be read: ${(e as Error).message}`);
        throw e;
      }
    },
    async size(path) {
      const real = await located(path);
      return real === undefined ? undefined : (await stat(real)).size;
    },
    // Glob targets may name files of any type; symbolic links are not followed (reads refuse them anyway when they leave).
    list: async () => (await walk(realRoot, realRoot, [], true)).map((f) => f.path),
    locationOf: (path) => ({ type: 'file', target: join(realRoot, path) }),
    committedAt: () => undefined,
  };
}

export async function scanFolder(root: string): Promise<Found[]> {
  return (await walk(root)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function folderDriver(spec: string, deps: { cwd?: string; hooks?: FolderHooks } = {}): SourceDriver {
  const root = resolve(deps.cwd ?? process.cwd(), spec);
  const id = spec.trim().replace(/(.)[\\/]+$/, '$1');
  return {
    id,
    kind: 'folder',
    target: id,
    async snapshot(lastRevision, state, scope): Promise<Snapshot | null> {
      let found: Found[];
      let identity: string;
      try {
        identity = await identityOf(root);
        found = await scanFolder(root);
      } catch (e) {
        if (isNotFound(e)) throw new Error(`catalog folder ${root} does not exist`);
        throw e;
      }
      const digest = createHash('sha256');
      for (const f of found) digest.update(`${f.path}\0${f.size}\0${f.mtimeMs}\n`);
      const revision = `folder:${digest.digest('hex').slice(0, 32)}`;
      // Files read through Locations and placeholders need not be YAML, so the listing misses them: their stamps tell.
      const stamps = (state?.[STAMPS_STATE_KEY] ?? {}) as Record<string, string>;
      // A changed url target or URL placeholder (`scope.reread`) is a change of the folder's catalog too.
      if (revision === lastRevision && !scope?.reread?.length && (await stampsHold(root, stamps))) return null;
      const read: Record<string, string> = {};
      const problems: string[] = [];
      const tree = await folderTree(root, found.map((f) => f.path), true, { ...(deps.hooks ? { hooks: deps.hooks } : {}), incomplete: (why) => problems.push(why), stamp: (p, stamp) => (read[p] = stamp) });
      return {
        revision,
        trees: [tree],
        // Filled while the tree is read; stored once reading is done.
        state: { [STAMPS_STATE_KEY]: read },
        async verify() {
          // The listing proves what is gone only if the folder read to the end is the one listed.
          const now = await identityOf(root).catch(() => undefined);
          if (now !== identity) problems.unshift(`catalog folder ${root} was moved, replaced or removed while it was being read`);
          if (problems.length) throw new Error(`${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}`);
        },
      };
    },
  };
}
