/**
 * The RemoteReader fetch actions use for an absolute `url:` (source-folder.ts). A `blob`/`tree` URL on
 * the configured GitHub is read through its API with the configured credentials; a Git URL on an
 * allowed host (GIT_ALLOWED_HOSTS, checked and pinned by the sync's remote policy) is cloned shallowly
 * with the `git` program: `https://host/o/r/tree/<ref>/<path>`, `.../-/tree/<ref>/<path>` (GitLab) or
 * a plain `https://host/o/r(.git)` for the whole default branch. Anything else is refused.
 */
import { cp, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GithubClient } from '../github/client.js';
import { parseGithubFileUrl } from '../github/file-url.js';
import { readRepoPath } from '../github/read-folder.js';
import { checkRemote, type RemotePolicy } from '../sync/remote-policy.js';
import type { RemoteReader } from './actions/source-folder.js';
import { walkTemplateDir } from './actions/template-files.js';
import { git } from './git.js';
import { PathRefused } from './workspace.js';

export interface RemoteReaderOptions {
  /** Host (with port) of the configured GitHub, and a client for an owner; absent without GitHub credentials. */
  github?: { host: string; client(owner: string): Promise<GithubClient> };
  policy: RemotePolicy;
}

/** `https://host/a/b/-/tree/main/x` or `https://host/a/b/tree/main/x` -> clone URL, ref, path. */
export function parseGitUrl(raw: string): { cloneUrl: string; ref?: string; path: string } {
  const url = new URL(raw);
  const parts = url.pathname.split('/').filter(Boolean);
  const at = parts.findIndex((p, i) => (p === 'tree' || p === 'blob') && i >= 2);
  if (at < 0) return { cloneUrl: `${url.origin}/${parts.join('/').replace(/\.git$/, '')}.git`, path: '' };
  const repoParts = parts.slice(0, parts[at - 1] === '-' ? at - 1 : at);
  if (parts.slice(at + 2).some((p) => p === '..' || p === '.')) throw new PathRefused(`url ${raw} leaves the repository`);
  return { cloneUrl: `${url.origin}/${repoParts.join('/')}.git`, ref: parts[at + 1], path: parts.slice(at + 2).join('/') };
}

export function remoteReader(options: RemoteReaderOptions): RemoteReader {
  return {
    async read(url, into, limits) {
      const host = new URL(url).host.toLowerCase();
      if (options.github && host === options.github.host.toLowerCase()) {
        const at = parseGithubFileUrl(url);
        const kind = await readRepoPath(await options.github.client(at.owner), at, into, limits);
        return { kind, path: kind === 'file' ? join(into, at.path.split('/').pop()!) : into };
      }
      const { cloneUrl, ref, path } = parseGitUrl(url);
      const pin = await checkRemote(cloneUrl, options.policy);
      const work = await mkdtemp(join(tmpdir(), 'callsheet-clone-'));
      try {
        await git([...pin, 'clone', '--quiet', '--depth', '1', ...(ref ? ['--branch', ref] : []), '--', cloneUrl, join(work, 'repo')], { timeoutMs: 120_000 });
        const source = join(work, 'repo', path);
        const info = await stat(source).catch(() => undefined);
        if (!info) throw new Error(`${path || '/'} does not exist in ${cloneUrl}${ref ? ` at ${ref}` : ''}`);
        if (info.isDirectory()) {
          await walkTemplateDir(source, limits); // refuses symlinks and oversized folders before copying
          await cp(source, into, { recursive: true, filter: (src) => !src.split(/[\\/]/).includes('.git') });
          return { kind: 'folder', path: into };
        }
        const target = join(into, path.split('/').pop()!);
        await cp(source, target);
        return { kind: 'file', path: target };
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  };
}
