/**
 * Reading an organisation's repositories and their catalog files from GitHub:
 * - GraphQL pages of 100 repositories that carry, in the same query, the default branch head, the
 *   catalog file's last commit time and its text (a whole organisation in about N/100 requests);
 * - GraphQL look-ups of named repositories, many per request (changed repositories, webhooks);
 * - the REST repository listing with ETags, so an unchanged organisation costs only `304`s, which
 *   GitHub does not count against the rate limit.
 */
import type { GithubClient } from './client.js';

export interface RepoInfo {
  name: string;
  archived: boolean;
  pushedAt: string | null;
  /** Default branch; null for an empty repository. */
  branch: string | null;
  head: string | null;
  /** Last commit that touched the catalog file. */
  committedAt: string | null;
  /** The catalog file on the default branch; null when missing. `text` is null when GitHub truncated it or it is binary. */
  file: { text: string | null; byteSize: number } | null;
}

const REPO_FIELDS = `
fragment CatalogRepo on Repository {
  name
  isArchived
  pushedAt
  defaultBranchRef {
    name
    target {
      oid
      ... on Commit { history(first: 1, path: $path) { nodes { committedDate } } }
    }
  }
  object(expression: $expr) { ... on Blob { text byteSize isTruncated } }
}`;

const ORG_QUERY = `
query CatalogRepos($org: String!, $cursor: String, $path: String!, $expr: String!) {
  organization(login: $org) {
    repositories(first: 100, after: $cursor, orderBy: { field: NAME, direction: ASC }) {
      pageInfo { hasNextPage endCursor }
      nodes { ...CatalogRepo }
    }
  }
}
${REPO_FIELDS}`;

interface RepoNode {
  name: string;
  isArchived: boolean;
  pushedAt: string | null;
  defaultBranchRef: { name: string; target: { oid: string; history?: { nodes: { committedDate: string }[] } } | null } | null;
  object: { text?: string | null; byteSize?: number; isTruncated?: boolean } | null;
}

function toInfo(node: RepoNode): RepoInfo {
  const ref = node.defaultBranchRef;
  const blob = node.object && typeof node.object.byteSize === 'number' ? node.object : null;
  return {
    name: node.name,
    archived: node.isArchived,
    pushedAt: node.pushedAt,
    branch: ref?.name ?? null,
    head: ref?.target?.oid ?? null,
    committedAt: ref?.target?.history?.nodes[0]?.committedDate ?? null,
    file: blob ? { text: blob.isTruncated ? null : (blob.text ?? null), byteSize: blob.byteSize ?? 0 } : null,
  };
}

/** Every repository of the organisation with its catalog file, page by page. */
export async function fetchOrgRepos(client: GithubClient, org: string, path: string): Promise<RepoInfo[]> {
  const out: RepoInfo[] = [];
  let cursor: string | null = null;
  for (;;) {
    const data: { organization: { repositories: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: RepoNode[] } } | null } =
      await client.graphql(ORG_QUERY, { org, cursor, path, expr: `HEAD:${path}` });
    if (!data.organization) throw new Error(`GitHub organisation ${org} was not found (or the credentials cannot see it)`);
    const page = data.organization.repositories;
    out.push(...page.nodes.filter(Boolean).map(toInfo));
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return out;
    cursor = page.pageInfo.endCursor;
  }
}

const BATCH = 50;

/** Named repositories; a name GitHub does not know (deleted, renamed away) maps to null. */
export async function fetchReposByName(client: GithubClient, org: string, names: string[], path: string): Promise<Map<string, RepoInfo | null>> {
  const out = new Map<string, RepoInfo | null>();
  for (let i = 0; i < names.length; i += BATCH) {
    const part = names.slice(i, i + BATCH);
    const fields = part.map((name, j) => `  r${j}: repository(owner: $org, name: ${JSON.stringify(name)}) { ...CatalogRepo }`).join('\n');
    const query = `query CatalogReposByName($org: String!, $path: String!, $expr: String!) {\n${fields}\n}\n${REPO_FIELDS}`;
    let data: Record<string, RepoNode | null>;
    try {
      data = await client.graphql(query, { org, path, expr: `HEAD:${path}` });
    } catch (e) {
      // A missing repository is a partial error: the other aliases still carry data.
      const partial = e as { data?: Record<string, RepoNode | null>; errors?: { type?: string }[] };
      if (!partial.data || !partial.errors?.every((err) => err.type === 'NOT_FOUND')) throw e;
      data = partial.data;
    }
    part.forEach((name, j) => {
      const node = data[`r${j}`];
      out.set(name, node ? toInfo(node) : null);
    });
  }
  return out;
}

export interface ListedRepo {
  name: string;
  archived: boolean;
  pushedAt: string | null;
  branch: string | null;
}

/** One page of the REST listing as remembered: its ETag, whether another page follows, the names on it we keep. */
export interface ListingPage {
  etag: string;
  next: boolean;
  names: string[];
}

export interface Listing {
  pages: ListingPage[];
  /** Repositories on pages that answered 200 (pages that answered 304 are as remembered). */
  fresh: Map<string, ListedRepo>;
  /** True when every page answered 304 and no page was added or dropped. */
  unchanged: boolean;
}

interface RestRepo {
  name: string;
  archived?: boolean;
  pushed_at?: string | null;
  default_branch?: string;
}

/** The organisation's repositories by the REST listing, re-using last time's ETags page by page. */
export async function listOrgRepos(client: GithubClient, org: string, previous: ListingPage[], keep: (name: string) => boolean): Promise<Listing> {
  const pages: ListingPage[] = [];
  const fresh = new Map<string, ListedRepo>();
  let unchanged = true;
  for (let page = 1; ; page++) {
    const before = previous[page - 1];
    try {
      const res = await client.request('GET /orgs/{org}/repos', {
        org,
        type: 'all',
        sort: 'full_name',
        direction: 'asc',
        per_page: 100,
        page,
        headers: before ? { 'if-none-match': before.etag } : {},
      });
      const next = /rel="next"/.test(res.headers.link ?? '');
      const names: string[] = [];
      for (const r of res.data as RestRepo[]) {
        if (!keep(r.name)) continue;
        names.push(r.name);
        fresh.set(r.name, { name: r.name, archived: Boolean(r.archived), pushedAt: r.pushed_at ?? null, branch: r.default_branch ?? null });
      }
      pages.push({ etag: String(res.headers.etag ?? ''), next, names });
      unchanged = false;
      if (!next) break;
    } catch (e) {
      if ((e as { status?: number }).status !== 304 || !before) throw e;
      pages.push(before);
      if (!before.next) break;
    }
  }
  if (pages.length !== previous.length) unchanged = false;
  return { pages, fresh, unchanged };
}
