/**
 * One repository as a `Tree`: its catalog file comes from the organisation query already made;
 * other files (Location targets, `$text` placeholders) are read on demand through the REST contents
 * API with ETags. Locations point at the GitHub web UI so Backstage's location annotations work.
 */
import type { FileLocation, Tree } from '../sync/types.js';
import type { GithubClient } from './client.js';
import type { EtagCache } from './etag-cache.js';
import type { RepoInfo } from './repos.js';
import { expandEntryPaths, normalisePath } from './source-spec.js';

export interface RepoTreeOptions {
  client: GithubClient;
  cache: EtagCache;
  org: string;
  repo: RepoInfo & { branch: string };
  /** The catalog file (entry point), repository-relative. */
  path: string;
  /** Several catalog files or globs (`?path=a.yaml,services/*\/catalog-info.yaml`): all are entry points, missing ones skipped. */
  paths?: string[];
  /** Web root, e.g. https://github.com or https://ghe.example.com. */
  webUrl: string;
}

/** Files that may hold entities get their own last commit time; others (`$text` targets) need none. */
const HOLDS_ENTITIES = /\.ya?ml$/i;

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export function repoTree(options: RepoTreeOptions): Tree {
  const { client, cache, org, repo, path: entry, paths, webUrl } = options;
  const committed = new Map<string, Date>();
  if (repo.committedAt) committed.set(entry, new Date(repo.committedAt));
  const repoUrl = `${webUrl}/${org}/${repo.name}`;
  const branch = encodePath(repo.branch);

  const inside = (path: string): string => {
    const clean = normalisePath(path);
    if (clean === undefined) throw new Error(`${path} is outside repository ${org}/${repo.name}`);
    return clean;
  };

  async function lastCommit(path: string): Promise<void> {
    const commits = (await cache.get(client, 'GET /repos/{owner}/{repo}/commits', { owner: org, repo: repo.name, sha: repo.branch, path, per_page: 1 })) as
      | { commit: { committer?: { date?: string } | null } }[]
      | undefined;
    const date = commits?.[0]?.commit.committer?.date;
    if (date) committed.set(path, new Date(date));
  }

  return {
    name: `${org}/${repo.name}`,
    // Several paths: a file that is not there (or not a catalog file) is skipped, as in a scan.
    scanned: paths !== undefined,
    async entryPoints() {
      if (!paths) return repo.file ? [entry] : [];
      return expandEntryPaths(paths, () => this.list!());
    },
    async read(path) {
      const file = inside(path);
      if (file === entry && repo.file?.text != null) return repo.file.text;
      if (file === entry && !repo.file) return undefined;
      const data = await cache.get(client, 'GET /repos/{owner}/{repo}/contents/{path}', {
        owner: org,
        repo: repo.name,
        path: file,
        ref: repo.branch,
        mediaType: { format: 'raw' },
      });
      if (data === undefined) return undefined;
      if (typeof data !== 'string') throw new Error(`${file} in ${org}/${repo.name} is a directory, not a file`);
      if (file !== entry && HOLDS_ENTITIES.test(file) && !committed.has(file)) await lastCommit(file);
      return data;
    },
    async list() {
      // One request for the whole repository (conditional, so an unchanged one costs a free 304).
      const data = (await cache.get(client, 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { owner: org, repo: repo.name, tree_sha: repo.head ?? repo.branch, recursive: '1' })) as
        | { truncated?: boolean; tree?: { path?: string; type?: string }[] }
        | undefined;
      if (!data) return [];
      if (data.truncated) throw new Error(`${org}/${repo.name} has too many files for GitHub to list, so a glob target cannot be searched; list the files instead`);
      return (data.tree ?? []).filter((e) => e.type === 'blob' && typeof e.path === 'string').map((e) => e.path!);
    },
    async size(path) {
      return inside(path) === entry ? repo.file?.byteSize : undefined;
    },
    locationOf(path): FileLocation {
      const file = inside(path);
      const dir = file.includes('/') ? `${file.slice(0, file.lastIndexOf('/'))}/` : '';
      const viewUrl = `${repoUrl}/blob/${branch}/${encodePath(file)}`;
      return {
        type: 'url',
        target: viewUrl,
        viewUrl,
        editUrl: `${repoUrl}/edit/${branch}/${encodePath(file)}`,
        sourceLocation: `url:${repoUrl}/tree/${branch}/${encodePath(dir)}`,
      };
    },
    committedAt(path) {
      const file = normalisePath(path);
      return file === undefined ? undefined : committed.get(file);
    },
  };
}
