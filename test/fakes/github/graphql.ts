/**
 * The GraphQL queries the GitHub source sends, answered in GitHub's format: the organisation's
 * repositories page by page, and named repositories under aliases (`r0: repository(owner:, name:)`).
 * It reads the query's shape, not a full GraphQL grammar; a query it does not know gets an error.
 */
import type { FakeOrg, FakeRepo } from './model.js';
import type { FakeResponse } from './router.js';

/** GitHub's GraphQL Blob.text is cut off beyond this (isTruncated). */
export const BLOB_TEXT_LIMIT = 512 * 1024;

function blobAt(repo: FakeRepo, expression: string) {
  const m = /^(?:HEAD|[^:]+):(.+)$/.exec(expression);
  if (!m || !repo.head) return null;
  const file = repo.files.get(m[1]);
  if (!file) return null;
  const size = Buffer.byteLength(file.text);
  return { oid: file.sha, byteSize: size, isTruncated: size > BLOB_TEXT_LIMIT, text: size > BLOB_TEXT_LIMIT ? file.text.slice(0, BLOB_TEXT_LIMIT) : file.text };
}

export function repoNode(repo: FakeRepo, vars: Record<string, unknown>) {
  const path = typeof vars.path === 'string' ? vars.path : undefined;
  const file = path ? repo.files.get(path) : undefined;
  return {
    name: repo.name,
    isArchived: repo.archived,
    pushedAt: repo.pushedAt,
    defaultBranchRef: repo.head
      ? { name: repo.defaultBranch, target: { oid: repo.head, history: { nodes: file ? [{ committedDate: file.committedAt }] : path ? [] : [{ committedDate: repo.pushedAt }] } } }
      : null,
    object: typeof vars.expr === 'string' ? blobAt(repo, vars.expr) : null,
  };
}

function cursorOf(index: number): string {
  return Buffer.from(`cursor:v2:${index}`).toString('base64');
}

function indexOf(cursor: unknown): number {
  if (typeof cursor !== 'string') return 0;
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString());
  return m ? Number(m[1]) : 0;
}

export function answerGraphql(org: FakeOrg, body: string): FakeResponse {
  let parsed: { query?: string; variables?: Record<string, unknown> };
  try {
    parsed = JSON.parse(body);
  } catch {
    return { status: 400, body: { message: 'Problems parsing JSON' } };
  }
  const query = parsed.query ?? '';
  const vars = parsed.variables ?? {};
  const sameOrg = (login: unknown) => typeof login === 'string' && login.toLowerCase() === org.login.toLowerCase();

  if (/organization\(login: \$org\)/.test(query) && /repositories\(first: (\d+)/.test(query)) {
    if (!sameOrg(vars.org)) {
      return { status: 200, body: { data: { organization: null }, errors: [{ type: 'NOT_FOUND', path: ['organization'], message: `Could not resolve to an Organization with the login of '${vars.org}'.` }] } };
    }
    const first = Math.min(Number(/repositories\(first: (\d+)/.exec(query)![1]), 100);
    const all = org.list();
    const start = vars.cursor ? indexOf(vars.cursor) + 1 : 0;
    const nodes = all.slice(start, start + first);
    const end = start + nodes.length - 1;
    return {
      status: 200,
      body: {
        data: {
          organization: {
            repositories: { pageInfo: { hasNextPage: end < all.length - 1, endCursor: nodes.length ? cursorOf(end) : null }, nodes: nodes.map((r) => repoNode(r, vars)) },
          },
        },
      },
    };
  }

  const aliases = [...query.matchAll(/(\w+): repository\(owner: \$org, name: ("(?:[^"\\]|\\.)*")\)/g)];
  if (aliases.length) {
    const data: Record<string, unknown> = {};
    const errors: unknown[] = [];
    for (const [, alias, quoted] of aliases) {
      const name = JSON.parse(quoted) as string;
      const repo = sameOrg(vars.org) ? org.get(name) : undefined;
      data[alias] = repo ? repoNode(repo, vars) : null;
      if (!repo) errors.push({ type: 'NOT_FOUND', path: [alias], locations: [], message: `Could not resolve to a Repository with the name '${vars.org}/${name}'.` });
    }
    return { status: 200, body: errors.length ? { data, errors } : { data } };
  }
  return { status: 200, body: { errors: [{ message: 'fake GitHub: this query is not supported by the fake' }] } };
}
