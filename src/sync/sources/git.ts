/**
 * Any Git remote as a source (`https://`, `ssh://`, `git@host:org/repo`, `file://`, optional
 * `#branch`). The remote is fetched with the `git` program into a bare cache under DATA_DIR and
 * files are read straight from the object store (no checkout, so no symlink can lead outside).
 * An unchanged commit is not re-read; a new one re-reads only the files `git diff` names (and the
 * files that include them through placeholders), and the store keeps everything else as it is.
 * A url target or URL placeholder that changed (`scope.reread`) re-reads the files that name it.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, posix, resolve } from 'node:path';
import { INCLUDES_STATE_KEY, type FileLocation, type Snapshot, type SourceDriver, type Tree } from '../types.js';
import { edgesOf, edgesWithChanges, linkedClosure, targetNames } from '../dependencies.js';
import { YAML_FILE } from './folder.js';
import { BlobReader, git } from './git-cli.js';

export interface GitSpec {
  url: string;
  branch?: string;
}

const GIT_URL = /^(https?:\/\/|ssh:\/\/|git:\/\/|file:\/\/|[\w.-]+@[\w.-]+:)/i;
const SKIPPED = /(^|\/)(node_modules|\.git)\//;

export function isGitSpec(spec: string): boolean {
  return GIT_URL.test(spec.trim());
}

export function parseGitSpec(spec: string): GitSpec {
  const trimmed = spec.trim();
  const hash = trimmed.lastIndexOf('#');
  if (hash > 0) {
    const branch = trimmed.slice(hash + 1);
    return { url: trimmed.slice(0, hash), ...(branch ? { branch } : {}) };
  }
  return { url: trimmed };
}

/** The URL without credentials: safe for ids, logs and annotations. */
export function publicUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** `https://host/org/repo` for remotes that have a web UI, else undefined. */
export function webBaseOf(url: string): string | undefined {
  const clean = publicUrl(url).replace(/\.git$/, '').replace(/\/+$/, '');
  let m = /^https?:\/\/([^/]+)\/(.+)$/i.exec(clean);
  if (m) return `https://${m[1]}/${m[2]}`;
  m = /^ssh:\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+)$/i.exec(clean) ?? /^[\w.-]+@([\w.-]+):(.+)$/.exec(clean);
  return m ? `https://${m[1]}/${m[2]}` : undefined;
}

export function fileLocation(spec: GitSpec, branch: string, path: string): FileLocation {
  const web = webBaseOf(spec.url);
  if (!web) return { type: 'url', target: `${publicUrl(spec.url)}#${branch}:${path}` };
  const dash = /gitlab/i.test(new URL(web).host) ? '/-' : '';
  const dir = posix.dirname(path);
  const viewUrl = `${web}${dash}/blob/${branch}/${path}`;
  return {
    type: 'url',
    target: viewUrl,
    viewUrl,
    editUrl: `${web}${dash}/edit/${branch}/${path}`,
    sourceLocation: `url:${web}${dash}/tree/${branch}/${dir === '.' ? '' : `${dir}/`}`,
  };
}

interface TreeEntry {
  oid: string;
  size: number;
}

async function listFiles(cwd: string, commit: string): Promise<Map<string, TreeEntry>> {
  const out = await git(['ls-tree', '-r', '-l', '-z', commit], { cwd });
  const files = new Map<string, TreeEntry>();
  for (const record of out.split('\0')) {
    // "<mode> <type> <oid> <size>\t<path>"; only regular files (symlinks and submodules are not read).
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, oid, size] = record.slice(0, tab).split(/\s+/);
    if (type !== 'blob' || !mode?.startsWith('100')) continue;
    files.set(record.slice(tab + 1), { oid: oid!, size: Number(size) });
  }
  return files;
}

/** Last commit time of each file, from one `git log` pass (newest commit first). */
async function commitTimes(cwd: string, range: string[], paths: string[] = []): Promise<Map<string, Date>> {
  const out = await git(['-c', 'core.quotepath=off', 'log', '--format=%x01%ct', '--name-only', '--no-renames', ...range, '--', ...paths], { cwd });
  const times = new Map<string, Date>();
  let current: Date | undefined;
  for (const line of out.split('\n')) {
    if (line.startsWith('\x01')) current = new Date(Number(line.slice(1)) * 1000);
    else if (line && current && !times.has(line)) times.set(line, current);
  }
  return times;
}

async function diff(cwd: string, from: string, to: string): Promise<{ changed: string[]; deleted: string[] }> {
  const out = await git(['diff', '--name-status', '--no-renames', '-z', from, to], { cwd });
  const parts = out.split('\0').filter(Boolean);
  const changed: string[] = [];
  const deleted: string[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) (parts[i] === 'D' ? deleted : changed).push(parts[i + 1]!);
  return { changed, deleted };
}

/** Whether a Location of the source named the file last time. */
function isTarget(state: Record<string, unknown> | null, path: string): boolean {
  return Object.values(edgesOf(state)).some((targets) => targets.some((t) => targetNames(t, path)));
}

async function hasCommit(cwd: string, sha: string): Promise<boolean> {
  return git(['cat-file', '-e', `${sha}^{commit}`], { cwd }).then(
    () => true,
    () => false,
  );
}

async function defaultBranch(url: string, remoteOptions: string[]): Promise<string | undefined> {
  const out = await git([...remoteOptions, 'ls-remote', '--symref', url, 'HEAD']).catch(() => '');
  return /^ref: refs\/heads\/(\S+)\s+HEAD/m.exec(out)?.[1];
}

export interface GitDriverDeps {
  dataDir: string;
  /**
   * `git -c` options for every command that talks to the remote, asked before each fetch: a
   * remote registered at run time is re-checked and its addresses pinned (src/sync/remote-policy.ts).
   */
  remoteOptions?: () => Promise<string[]>;
}

export function gitDriver(specText: string, deps: GitDriverDeps): SourceDriver {
  const spec = parseGitSpec(specText);
  const id = `${publicUrl(spec.url)}${spec.branch ? `#${spec.branch}` : ''}`;
  const cache = join(resolve(deps.dataDir), 'git', createHash('sha256').update(spec.url).digest('hex').slice(0, 24));
  const headRef = 'refs/callsheet/head';

  return {
    id,
    kind: 'git',
    target: id,
    async snapshot(lastRevision, state, scope): Promise<Snapshot | null> {
      if (!existsSync(join(cache, 'HEAD'))) {
        await mkdir(cache, { recursive: true });
        await git(['init', '--bare', '--quiet', cache]);
      }
      const ref = spec.branch ? `refs/heads/${spec.branch}` : 'HEAD';
      const remoteOptions = (await deps.remoteOptions?.()) ?? [];
      await git([...remoteOptions, 'fetch', '--quiet', '--no-tags', '--force', spec.url, `+${ref}:${headRef}`], { cwd: cache });
      const commit = (await git(['rev-parse', `${headRef}^{commit}`], { cwd: cache })).trim();
      // Files outside the repository (url targets) that changed are read again even on the same commit.
      const outside = scope?.reread ?? [];
      if (commit === lastRevision && !outside.length) return null;

      const previousBranch = typeof state?.branch === 'string' ? state.branch : undefined;
      const branch = spec.branch ?? previousBranch ?? (webBaseOf(spec.url) ? await defaultBranch(spec.url, remoteOptions) : undefined) ?? 'HEAD';
      const files = await listFiles(cache, commit);
      const includes = (state?.[INCLUDES_STATE_KEY] ?? {}) as Record<string, string[]>;

      let entryPoints: string[];
      let preserve: ((filePath: string) => boolean) | undefined;
      let onlyFiles: string[] | undefined;
      let times: Map<string, Date>;
      if (lastRevision && (await hasCommit(cache, lastRevision))) {
        const { changed, deleted } = await diff(cache, lastRevision, commit);
        const touched = new Set([...changed, ...deleted, ...outside]);
        // Last sync's Location edges plus what the changed files' Locations name now.
        const scan = new BlobReader(cache);
        const edges = await edgesWithChanges(edgesOf(state), changed.filter((p) => YAML_FILE.test(p) || isTarget(state, p)), async (p) => {
          const entry = files.get(p);
          return entry ? (await scan.read(entry.oid))?.toString('utf8') : undefined;
        }).finally(() => scan.close());
        // Files linked to a touched one through Locations are looked at with it (any name: Location targets need not be YAML).
        const all = [...files.keys()];
        const scope = linkedClosure(edges, [...touched].filter((p) => (YAML_FILE.test(p) && !SKIPPED.test(p)) || isTarget(state, p)), all);
        // Files that depend on a touched one (placeholders, a lost ref) come in with what links to them:
        // a Location target that is no YAML file is read through its Location, never as an entry point
        // (that would give its entities the wrong origin).
        const dependents = Object.entries(includes).filter(([file, included]) => files.has(file) && included.some((p) => touched.has(p) || scope.has(p)));
        for (const p of linkedClosure(edges, dependents.map(([file]) => file), all)) scope.add(p);
        const reread = new Set([...scope].filter((p) => files.has(p) && YAML_FILE.test(p) && !SKIPPED.test(p)));
        entryPoints = [...reread].sort();
        const inScope = new Set([...scope, ...reread, ...deleted]);
        preserve = (filePath) => !inScope.has(filePath);
        onlyFiles = [...inScope];
        times = await commitTimes(cache, [`${lastRevision}..${commit}`]);
        const unchanged = onlyFiles.filter((p) => files.has(p) && !times.has(p));
        if (unchanged.length) for (const [p, t] of await commitTimes(cache, [commit], unchanged)) times.set(p, t);
      } else {
        entryPoints = [...files.keys()].filter((p) => YAML_FILE.test(p) && !SKIPPED.test(p)).sort();
        times = await commitTimes(cache, [commit]);
      }

      const reader = new BlobReader(cache);
      let broken: string | undefined;
      const tree: Tree = {
        name: '',
        scanned: true,
        entryPoints: async () => entryPoints,
        isEntryPoint: (path) => files.has(path) && YAML_FILE.test(path) && !SKIPPED.test(path),
        async read(path) {
          const entry = files.get(path);
          if (!entry) return undefined;
          const blob = await reader.read(entry.oid).catch((e: unknown) => {
            broken ??= `${path}: ${(e as Error).message}`;
            throw e;
          });
          // A blob the commit lists but the object store lacks means the cache is damaged: no proof of anything.
          if (!blob) broken ??= `${path}: object ${entry.oid} is missing from the Git cache`;
          return blob?.toString('utf8');
        },
        size: async (path) => files.get(path)?.size,
        list: async () => [...files.keys()].filter((p) => !SKIPPED.test(p)),
        locationOf: (path) => fileLocation(spec, branch, path),
        committedAt: (path) => times.get(path),
      };
      return {
        revision: commit,
        trees: [tree],
        ...(preserve ? { preserve } : {}),
        ...(onlyFiles ? { onlyFiles } : {}),
        state: { ...(state ?? {}), branch },
        async verify() {
          if (broken) throw new Error(`could not read ${broken}`);
        },
        close: async () => reader.close(),
      };
    },
  };
}
