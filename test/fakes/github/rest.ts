/** REST endpoints of the fake, in GitHub's wire format. */
import type { FakeOrg, FakeRepo } from './model.js';
import { branchHead, filesAt, stateOf } from './repo-state.js';
import { notFound, type FakeRequest, type FakeResponse, type Router } from './router.js';

export interface RestContext {
  org: FakeOrg;
  /** The account the tokens belong to (`GET /user`, `POST /user/repos`). */
  user: FakeOrg;
  /** Further accounts, readable and writable like the org. */
  others?: FakeOrg[];
  /** Web root of the fake (for html_url). */
  webUrl: () => string;
  /** REST root of the fake (for url and Link headers). */
  apiUrl: () => string;
}

export function accountOf(ctx: RestContext, login: string): FakeOrg | undefined {
  return [ctx.org, ctx.user, ...(ctx.others ?? [])].find((a) => a.login.toLowerCase() === login.toLowerCase());
}

export function findRepo(ctx: RestContext, owner: string, name: string): { account: FakeOrg; repo: FakeRepo } | undefined {
  const account = accountOf(ctx, owner);
  const repo = account?.get(name);
  return account && repo ? { account, repo } : undefined;
}

export function repoJson(ctx: RestContext, repo: FakeRepo, account: FakeOrg = ctx.org) {
  const full = `${account.login}/${repo.name}`;
  const state = stateOf(repo);
  return {
    id: repo.id,
    node_id: `R_${repo.id}`,
    name: repo.name,
    full_name: full,
    private: state.visibility !== 'public',
    visibility: state.visibility,
    description: state.description,
    topics: state.topics,
    owner: { login: account.login, type: account.ownerType },
    html_url: `${ctx.webUrl()}/${full}`,
    clone_url: `${ctx.webUrl()}/${full}.git`,
    url: `${ctx.apiUrl()}/repos/${full}`,
    archived: repo.archived,
    disabled: false,
    default_branch: repo.defaultBranch,
    pushed_at: repo.pushedAt,
    created_at: repo.createdAt,
  };
}

function repoOf(ctx: RestContext, req: FakeRequest): FakeRepo | undefined {
  return findRepo(ctx, req.params.owner, req.params.repo)?.repo;
}

function listRepos(ctx: RestContext, req: FakeRequest): FakeResponse {
  if (req.params.org.toLowerCase() !== ctx.org.login.toLowerCase()) return notFound();
  const perPage = Math.min(Number(req.query.get('per_page') ?? 30) || 30, 100);
  const page = Math.max(Number(req.query.get('page') ?? 1) || 1, 1);
  const all = ctx.org.list();
  const last = Math.max(Math.ceil(all.length / perPage), 1);
  const link = (p: number, rel: string) => {
    const q = new URLSearchParams(req.query);
    q.set('page', String(p));
    return `<${ctx.apiUrl()}/orgs/${ctx.org.login}/repos?${q}>; rel="${rel}"`;
  };
  const links = [...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []), ...(page > 1 ? [link(page - 1, 'prev'), link(1, 'first')] : [])];
  return {
    status: 200,
    headers: links.length ? { link: links.join(', ') } : {},
    body: all.slice((page - 1) * perPage, page * perPage).map((r) => repoJson(ctx, r)),
  };
}

function contents(ctx: RestContext, req: FakeRequest): FakeResponse {
  const repo = repoOf(ctx, req);
  const files = repo && filesAt(repo, req.query.get('ref'));
  if (!files) return notFound();
  const path = req.params.path;
  const file = files.get(path);
  if (!file) {
    const prefix = `${path}/`;
    const entries = [...files.keys()].filter((p) => p.startsWith(prefix));
    if (!entries.length) return notFound();
    return { status: 200, body: entries.map((p) => ({ type: 'file', name: p.slice(prefix.length), path: p })) };
  }
  const accept = String(req.headers.accept ?? '');
  if (/application\/vnd\.github(\.v3)?\.raw/.test(accept)) return { status: 200, headers: { 'content-type': 'application/vnd.github.raw; charset=utf-8' }, body: file.text };
  const bytes = file.bytes ?? Buffer.from(file.text);
  return {
    status: 200,
    body: { type: 'file', encoding: 'base64', size: bytes.length, name: path.split('/').pop(), path, sha: file.sha, content: bytes.toString('base64') },
  };
}

function commits(ctx: RestContext, req: FakeRequest): FakeResponse {
  const repo = repoOf(ctx, req);
  const ref = req.query.get('sha');
  const files = repo && filesAt(repo, ref);
  if (!repo || (ref !== null && !files)) return notFound();
  const path = req.query.get('path');
  const file = path ? files?.get(path) : undefined;
  if (path && !file) return { status: 200, body: [] };
  const head = ref === null ? repo.head : branchHead(repo, ref) ?? ref;
  const sha = file?.commit ?? head;
  const date = file?.committedAt ?? repo.pushedAt;
  if (!sha) return { status: 409, body: { message: 'Git Repository is empty.' } };
  const who = { name: 'Dev', email: 'dev@example.com', date };
  return { status: 200, body: [{ sha, commit: { author: who, committer: who, message: 'change' } }] };
}

export function restRoutes(router: Router, ctx: RestContext): void {
  router
    .add('GET', '/orgs/:org/repos', (req) => listRepos(ctx, req))
    .add('GET', '/repos/:owner/:repo', (req) => {
      const found = findRepo(ctx, req.params.owner, req.params.repo);
      return found ? { status: 200, body: repoJson(ctx, found.repo, found.account) } : notFound();
    })
    .add('GET', '/repos/:owner/:repo/contents/*path', (req) => contents(ctx, req))
    .add('GET', '/repos/:owner/:repo/commits', (req) => commits(ctx, req));
}
