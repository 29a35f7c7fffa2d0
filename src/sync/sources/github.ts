/**
 * A GitHub organisation as a source: one tree per repository (`<org>/<repo>`) holding the catalog file
 * of its default branch. Only repositories that changed since the last sync are read; the rest are
 * preserved, so a quiet organisation costs a handful of `304`s. Archived, deleted and file-less
 * repositories hand out no tree and are not preserved, so their entities leave the catalog.
 */
import { createHash } from 'node:crypto';
import { webUrlOf, type GithubClient } from '../../github/client.js';
import { EtagCache } from '../../github/etag-cache.js';
import { repoTree } from '../../github/repo-tree.js';
import { fetchOrgRepos, fetchReposByName, listOrgRepos, type ListingPage, type RepoInfo } from '../../github/repos.js';
import { githubSourceId, globMatcher, parseGithubSource, type GithubSourceSpec } from '../../github/source-spec.js';
import type { Logger } from '../../logger.js';
import type { Snapshot, SourceDriver, Tree } from '../types.js';

/** What is remembered per repository between syncs. */
interface RepoState {
  /** Archived. */
  a: boolean;
  /** pushed_at, to tell from the listing whether anything was pushed since. */
  p: string | null;
  /** Default branch. */
  b: string | null;
  /** Head commit of the default branch when the catalog file was last read. */
  h: string | null;
  /** Whether the catalog file was there. */
  f: boolean;
}

export interface GithubState {
  v: 1;
  path: string;
  pages: ListingPage[];
  repos: Record<string, RepoState>;
}

export interface GithubDriverOptions {
  /** The configured source string, e.g. `github:acme/payments-*?path=service.yaml`. */
  source: string;
  /** A client for the source's organisation (see `createGithubClient`); resolved lazily, once. */
  client: () => Promise<GithubClient>;
  /** REST base URL, for the web links in entity annotations. */
  apiUrl?: string;
  logger: Logger;
}

function readState(state: Record<string, unknown> | null, spec: GithubSourceSpec): GithubState | undefined {
  const s = state as Partial<GithubState> | null;
  if (!s || s.v !== 1 || s.path !== (spec.paths?.join(',') ?? spec.path) || !Array.isArray(s.pages) || typeof s.repos !== 'object' || s.repos === null) return undefined;
  // Only the driver's own keys: the service stores more beside them (includes, Locations, counts),
  // and the revision is the digest of exactly what this driver stored, so an unchanged org stays unchanged.
  return { v: 1, path: s.path, pages: s.pages, repos: s.repos } as GithubState;
}

/** Digest of the state with its keys sorted: Postgres' jsonb hands the stored state back in its own key order. */
function revisionOf(state: GithubState): string {
  const sorted = (_key: string, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : value;
  return createHash('sha256').update(JSON.stringify(state, sorted)).digest('hex');
}

/** With several paths or a glob, any repository with a default branch may hold catalog files. */
function repoState(info: RepoInfo, multi: boolean): RepoState {
  return { a: info.archived, p: info.pushedAt, b: info.branch, h: info.head, f: multi ? info.branch !== null : info.file !== null };
}

export function githubDriver(options: GithubDriverOptions): SourceDriver {
  const spec = parseGithubSource(options.source);
  const { org, path } = spec;
  const multi = spec.paths !== undefined;
  const stateOf = (info: RepoInfo) => repoState(info, multi);
  const matches = globMatcher(spec.glob);
  const webUrl = webUrlOf(options.apiUrl);
  const cache = new EtagCache();
  const log = options.logger.child({ source: githubSourceId(spec) });
  let clientPromise: Promise<GithubClient> | undefined;
  const client = () => (clientPromise ??= options.client().catch((e) => {
    clientPromise = undefined;
    throw e;
  }));

  const treeOf = async (info: RepoInfo): Promise<Tree | undefined> => {
    if (info.archived || (!info.file && !multi) || !info.branch) return undefined;
    return repoTree({ client: await client(), cache, org, repo: { ...info, branch: info.branch }, path, ...(spec.paths ? { paths: spec.paths } : {}), webUrl });
  };

  /** Whole organisation: the listing (conditional), then the catalog files of repositories that moved. */
  async function full(lastRevision: string | null, previous: GithubState | undefined, forced: Set<string>): Promise<Snapshot | null> {
    const gh = await client();
    const listing = await listOrgRepos(gh, org, previous?.pages ?? [], matches);
    if (previous && lastRevision === revisionOf(previous) && listing.unchanged && !forced.size) return null;

    const repos: Record<string, RepoState> = {};
    const fetched = new Map<string, RepoInfo>();
    if (!previous) {
      for (const info of await fetchOrgRepos(gh, org, path)) if (matches(info.name)) fetched.set(info.name, info);
    }
    const candidates: string[] = [];
    for (const name of listing.pages.flatMap((p) => p.names)) {
      const listed = listing.fresh.get(name);
      const before = previous?.repos[name];
      if (forced.has(name) && before && !before.a) {
        // A url target one of its files names changed: read the repository again.
        candidates.push(name);
        continue;
      }
      if (!listed) {
        // On a page that answered 304: exactly as remembered.
        if (before) repos[name] = before;
        else candidates.push(name);
        continue;
      }
      const info = fetched.get(name);
      // pushed_at from the listing (taken first) is never newer than the head read after it.
      if (info) repos[name] = { ...stateOf(info), p: listed.pushedAt };
      else if (before && !listed.archived && before.p === listed.pushedAt && before.b === listed.branch && !before.a) repos[name] = before;
      else if (listed.archived) repos[name] = { a: true, p: listed.pushedAt, b: listed.branch, h: before?.h ?? null, f: before?.f ?? false };
      else candidates.push(name);
    }
    if (candidates.length) {
      for (const [name, info] of await fetchReposByName(gh, org, candidates, path)) {
        if (!info) continue;
        fetched.set(name, info);
        repos[name] = stateOf(info);
      }
    }

    const trees: Tree[] = [];
    const preserved = new Set<string>();
    for (const [name, state] of Object.entries(repos)) {
      const info = fetched.get(name);
      const before = previous?.repos[name];
      const unchangedHead = before && !before.a && before.f && before.h === state.h && !forced.has(name);
      if (info && !(unchangedHead && state.f && !state.a)) {
        const tree = await treeOf(info);
        if (tree) trees.push(tree);
      } else if (!state.a && state.f) {
        preserved.add(`${org}/${name}`);
      }
    }
    const next: GithubState = { v: 1, path: spec.paths?.join(',') ?? path, pages: listing.pages, repos };
    log.info({ repositories: Object.keys(repos).length, read: trees.length, preserved: preserved.size }, 'GitHub organisation listed');
    return snapshotOf(next, trees, preserved);
  }

  /** Only the named repositories (a webhook); everything else is preserved as it is. */
  async function scoped(previous: GithubState, names: string[]): Promise<Snapshot> {
    const gh = await client();
    const repos = { ...previous.repos };
    const trees: Tree[] = [];
    const touched = new Set<string>();
    const known = new Map(Object.keys(repos).map((n) => [n.toLowerCase(), n]));
    const wanted = names.map((n) => known.get(n.toLowerCase()) ?? n);
    for (const [name, info] of await fetchReposByName(gh, org, wanted, path)) {
      delete repos[name];
      touched.add(`${org}/${name}`.toLowerCase());
      if (!info) continue;
      // GitHub answers with the repository's own spelling of its name.
      repos[info.name] = { ...stateOf(info), p: previous.repos[info.name]?.p ?? info.pushedAt };
      touched.add(`${org}/${info.name}`.toLowerCase());
      const tree = await treeOf(info);
      if (tree) trees.push(tree);
    }
    const next: GithubState = { v: 1, path: previous.path, pages: previous.pages, repos };
    const preserved = new Set(
      Object.entries(repos)
        .filter(([name, s]) => !s.a && s.f && !touched.has(`${org}/${name}`.toLowerCase()))
        .map(([name]) => `${org}/${name}`),
    );
    log.info({ repositories: wanted, read: trees.length }, 'GitHub repositories re-read');
    return snapshotOf(next, trees, preserved);
  }

  function snapshotOf(state: GithubState, trees: Tree[], preserved: Set<string>): Snapshot {
    return {
      revision: revisionOf(state),
      trees,
      // File paths are tree-prefixed: `<org>/<repo>/<path>`.
      preserve: (filePath) => preserved.has(filePath.split('/', 2).join('/')),
      state: state as unknown as Record<string, unknown>,
    };
  }

  return {
    id: githubSourceId(spec),
    kind: 'github',
    target: options.source,
    async snapshot(lastRevision, state, scope) {
      const previous = lastRevision === null ? undefined : readState(state, spec);
      const prefix = `${org.toLowerCase()}/`;
      // `<org>/<repo>/https://…`: the repository whose file named a url target that changed.
      const forced = new Set((scope?.reread ?? []).filter((k) => k.toLowerCase().startsWith(prefix)).map((k) => k.split('/')[1]!));
      const names = scope?.trees
        ?.filter((t) => t.toLowerCase().startsWith(prefix))
        .map((t) => t.slice(prefix.length))
        .filter((n) => n !== '' && !n.includes('/') && matches(n));
      if (scope?.trees && previous) {
        // A scope naming none of this source's repositories leaves it as it is.
        const all = [...new Set([...(names ?? []), ...forced])];
        return all.length ? scoped(previous, all) : null;
      }
      return full(lastRevision, previous, forced);
    },
  };
}
