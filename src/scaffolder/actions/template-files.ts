/**
 * Reading the template's own files (skeletons) for fetch actions: a `url` is a path relative to the
 * template file and must stay inside the template's folder; symlinks are refused, the walk is bounded.
 */
import { lstat, readdir, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PathRefused, type WorkspaceLimits } from '../workspace.js';

const outside = (rel: string) => rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);

/**
 * The folder or file `url` names, inside the template's folder. Checking the text of the path is
 * not enough: `./midlink/inner` with `midlink -> /outside` names a folder outside it. So every
 * component below the template folder is looked at (a symlink anywhere on the way is refused, as
 * symlinks inside a skeleton are), and the real path must still be inside the real template folder.
 */
export async function resolveTemplateUrl(templateDir: string, url: string): Promise<string> {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) throw new PathRefused(`url ${url} is not supported: fetch actions read files next to the template (a relative path such as ./skeleton)`);
  const full = resolve(templateDir, url);
  const rel = relative(templateDir, full);
  if (outside(rel)) throw new PathRefused(`url ${url} leaves the template's folder`);
  let current = resolve(templateDir);
  for (const part of rel.split(sep).filter(Boolean)) {
    current = join(current, part);
    const stat = await lstat(current).catch(() => undefined);
    if (!stat) break; // a missing path fails later with "does not exist"
    if (stat.isSymbolicLink()) throw new PathRefused(`url ${url}: ${relative(templateDir, current).split(sep).join('/')} is a symbolic link; symlinks are not followed`);
  }
  const [realBase, realFull] = await Promise.all([realpath(templateDir).catch(() => undefined), realpath(full).catch(() => undefined)]);
  if (realBase && realFull && outside(relative(realBase, realFull))) throw new PathRefused(`url ${url} leaves the template's folder`);
  return full;
}

export interface SourceFile {
  /** Posix path relative to the fetched folder. */
  path: string;
  full: string;
  mode: number;
}

/** Every file under `dir` (folders too when `withDirs`), refusing symlinks, at most `limits.maxFiles`. */
export async function walkTemplateDir(dir: string, limits: WorkspaceLimits): Promise<{ files: SourceFile[]; dirs: string[] }> {
  const files: SourceFile[] = [];
  const dirs: string[] = [];
  const root = await lstat(dir).catch(() => undefined);
  if (!root) throw new Error(`template folder ${dir} does not exist`);
  if (root.isSymbolicLink()) throw new PathRefused(`template folder ${dir} is a symbolic link`);
  if (!root.isDirectory()) throw new Error(`${dir} is not a folder`);
  const walk = async (current: string) => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      const rel = relative(dir, full).split(sep).join('/');
      if (entry.isSymbolicLink()) throw new PathRefused(`template file ${rel} is a symbolic link; symlinks are not copied`);
      if (entry.isDirectory()) {
        dirs.push(rel);
        await walk(full);
      } else if (entry.isFile()) {
        if (files.length + 1 > limits.maxFiles) throw new Error(`the template has more than ${limits.maxFiles} files`);
        files.push({ path: rel, full, mode: (await lstat(full)).mode & 0o777 });
      }
    }
  };
  await walk(dir);
  return { files: files.sort((a, b) => a.path.localeCompare(b.path)), dirs };
}

/** Binary files are copied as they are (the check git uses: a NUL byte near the start). */
export function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}
