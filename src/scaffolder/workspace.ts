/**
 * The task folder actions write into. Every path an action names is checked here: no absolute paths,
 * no `..` segments, no symlinks on the way; files written are counted and their bytes summed against
 * the task's bounds, so a template cannot fill the disk or write outside its folder.
 */
import { lstat, mkdir, writeFile, readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, sep, posix, win32 } from 'node:path';

export interface WorkspaceLimits {
  maxFiles: number;
  maxBytes: number;
}

export const DEFAULT_WORKSPACE_LIMITS: WorkspaceLimits = { maxFiles: 2000, maxBytes: 50 * 1024 * 1024 };

export class PathRefused extends Error {}

export interface Workspace {
  root: string;
  limits: WorkspaceLimits;
  /** Absolute path of a relative path inside the workspace; throws PathRefused when it could escape. */
  resolve(path: string): Promise<string>;
  /** Writes a file (creating folders), within bounds. Refuses to replace unless `replace`. */
  write(path: string, content: Buffer | string, options?: { replace?: boolean; mode?: number }): Promise<string>;
  mkdir(path: string): Promise<string>;
  /** Relative paths of every file in the workspace. */
  list(): Promise<string[]>;
  usage(): { files: number; bytes: number };
}

/** Splits a path the way an attacker might mean it (either separator) and refuses escapes. */
export function checkRelativePath(path: string): string[] {
  if (typeof path !== 'string') throw new PathRefused('path must be a string');
  if (path.includes('\0')) throw new PathRefused(`path ${JSON.stringify(path)} contains a NUL byte`);
  if (isAbsolute(path) || posix.isAbsolute(path) || win32.isAbsolute(path)) throw new PathRefused(`absolute path ${JSON.stringify(path)} is not allowed; paths are relative to the task folder`);
  const segments = path.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw new PathRefused(`path ${JSON.stringify(path)} contains ".."; paths may not leave the task folder`);
  return segments;
}

async function exists(path: string) {
  return lstat(path).then(
    (s) => s,
    () => undefined,
  );
}

export function createWorkspace(root: string, limits: WorkspaceLimits = DEFAULT_WORKSPACE_LIMITS): Workspace {
  let files = 0;
  let bytes = 0;

  async function resolve(path: string): Promise<string> {
    const segments = checkRelativePath(path);
    let current = root;
    for (const segment of segments) {
      current = join(current, segment);
      const stat = await exists(current);
      if (stat?.isSymbolicLink()) throw new PathRefused(`path ${JSON.stringify(path)} goes through a symbolic link (${relative(root, current)}); symlinks are not followed`);
      if (!stat) break;
    }
    const full = join(root, ...segments);
    const rel = relative(root, full);
    if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) throw new PathRefused(`path ${JSON.stringify(path)} leaves the task folder`);
    return full;
  }

  return {
    root,
    limits,
    resolve,
    async mkdir(path) {
      const full = await resolve(path);
      await mkdir(full, { recursive: true });
      return full;
    },
    async write(path, content, options = {}) {
      const full = await resolve(path);
      const size = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
      const before = await exists(full);
      if (before?.isDirectory()) throw new PathRefused(`${path} is a folder, not a file`);
      if (before && !options.replace) throw new Error(`${path} already exists; set replace: true to overwrite it`);
      if (!before && files + 1 > limits.maxFiles) throw new Error(`too many files: the task may write at most ${limits.maxFiles}`);
      if (bytes + size > limits.maxBytes) throw new Error(`too much content: the task may write at most ${limits.maxBytes} bytes`);
      await mkdir(join(full, '..'), { recursive: true });
      // The parent may have been created through a path we checked; check again before writing.
      await resolve(path);
      await writeFile(full, content, { mode: options.mode });
      if (!before) files += 1;
      bytes += size;
      return full;
    },
    async list() {
      const out: string[] = [];
      const walk = async (dir: string) => {
        for (const entry of await readdir(dir, { withFileTypes: true })) {
          const full = join(dir, entry.name);
          if (entry.isDirectory()) {
            if (entry.name !== '.git') await walk(full);
          } else out.push(relative(root, full).split(sep).join('/'));
        }
      };
      await walk(root);
      return out.sort();
    },
    usage: () => ({ files, bytes }),
  };
}
