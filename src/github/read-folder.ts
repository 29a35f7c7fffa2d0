/**
 * Reads one folder (or one file) of a repository through the REST API, as Backstage's UrlReader reads
 * a `tree`/`blob` URL: the Git trees API lists it in one request, each file is one blob request.
 * Bounded by file count and bytes; symlinks and submodules are refused, not followed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { GithubClient } from './client.js';
import { statusOf } from './write-errors.js';

export interface FolderLimits {
  maxFiles: number;
  maxBytes: number;
}

interface TreeEntry {
  path: string;
  mode: string;
  type: string;
  sha: string;
  size?: number;
}

/** Writes `path` (a folder, or a file) of owner/repo at `ref` under `into`; returns whether it was a file or a folder. */
export async function readRepoPath(client: GithubClient, at: { owner: string; repo: string; ref: string; path: string }, into: string, limits: FolderLimits): Promise<'file' | 'folder'> {
  const { owner, repo, ref } = at;
  const path = at.path.replace(/^\/+|\/+$/g, '');
  let entries: TreeEntry[];
  try {
    const { data } = await client.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { owner, repo, tree_sha: ref, recursive: '1' });
    if (data.truncated) throw new Error(`${owner}/${repo} at ${ref} is too large to list in one request`);
    entries = data.tree as TreeEntry[];
  } catch (e) {
    if (statusOf(e) === 404) throw new Error(`${owner}/${repo} at ${ref} does not exist or the token cannot see it`);
    throw e;
  }
  const file = entries.find((e) => e.path === path && e.type === 'blob');
  const wanted = file ? [file] : entries.filter((e) => (path === '' || e.path.startsWith(`${path}/`)) && e.type !== 'tree');
  if (!wanted.length) throw new Error(`${path || '/'} does not exist in ${owner}/${repo} at ${ref}`);
  if (wanted.length > limits.maxFiles) throw new Error(`${owner}/${repo}/${path} has more than ${limits.maxFiles} files`);
  let total = 0;
  for (const entry of wanted) {
    if (entry.type !== 'blob' || entry.mode === '120000') throw new Error(`${entry.path} in ${owner}/${repo} is a ${entry.type === 'commit' ? 'submodule' : 'symbolic link'}; it is not followed`);
    const { data } = await client.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { owner, repo, file_sha: entry.sha });
    const bytes = Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8');
    total += bytes.length;
    if (total > limits.maxBytes) throw new Error(`${owner}/${repo}/${path} is larger than ${limits.maxBytes} bytes`);
    const rel = file ? entry.path.split('/').pop()! : path ? entry.path.slice(path.length + 1) : entry.path;
    const target = join(into, rel);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes, { mode: entry.mode === '100755' ? 0o755 : 0o644 });
  }
  return file ? 'file' : 'folder';
}
