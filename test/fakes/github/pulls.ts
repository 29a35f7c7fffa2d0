/** Pull requests in the fake: open one from a branch of the same repository, list and read them. */
import type { FakeOrg, FakeRepo } from './model.js';
import { failure, jsonBody, validationFailed } from './errors.js';
import { isAncestor } from './git-data.js';
import { branchHead, stateOf, type FakePull } from './repo-state.js';
import { findRepo, repoJson, type RestContext } from './rest.js';
import { notFound, type FakeRequest, type FakeResponse, type Router } from './router.js';

function pullJson(ctx: RestContext, repo: FakeRepo, account: FakeOrg, pr: FakePull) {
  const full = `${account.login}/${repo.name}`;
  const side = (branch: string) => ({ label: `${account.login}:${branch}`, ref: branch, sha: branchHead(repo, branch), user: { login: account.login, type: account.ownerType }, repo: repoJson(ctx, repo, account) });
  return {
    url: `${ctx.apiUrl()}/repos/${full}/pulls/${pr.number}`,
    id: repo.id * 100_000 + pr.number,
    node_id: `PR_${repo.id}_${pr.number}`,
    html_url: `${ctx.webUrl()}/${full}/pull/${pr.number}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    body: pr.body,
    user: { login: pr.user, type: 'User' },
    draft: pr.draft,
    created_at: pr.createdAt,
    updated_at: pr.createdAt,
    closed_at: null,
    merged_at: null,
    merged: false,
    head: side(pr.head),
    base: side(pr.base),
  };
}

/** `owner:branch` or `branch`; forks are not modelled, so the owner must be the repository's. */
function headBranch(head: string, account: FakeOrg): string | undefined {
  const colon = head.indexOf(':');
  if (colon < 0) return head;
  return head.slice(0, colon).toLowerCase() === account.login.toLowerCase() ? head.slice(colon + 1) : undefined;
}

function listPulls(ctx: RestContext, req: FakeRequest): FakeResponse {
  const found = findRepo(ctx, req.params.owner, req.params.repo);
  if (!found) return notFound();
  const { repo, account } = found;
  const state = req.query.get('state') ?? 'open';
  const head = req.query.get('head');
  const base = req.query.get('base');
  const branch = head === null ? undefined : headBranch(head, account);
  const perPage = Math.min(Number(req.query.get('per_page') ?? 30) || 30, 100);
  const page = Math.max(Number(req.query.get('page') ?? 1) || 1, 1);
  const pulls = [...stateOf(repo).pulls]
    .reverse()
    .filter((p) => (state === 'all' || p.state === state) && (head === null || p.head === branch) && (base === null || p.base === base));
  return { status: 200, body: pulls.slice((page - 1) * perPage, page * perPage).map((p) => pullJson(ctx, repo, account, p)) };
}

function createPull(ctx: RestContext, req: FakeRequest): FakeResponse {
  const found = findRepo(ctx, req.params.owner, req.params.repo);
  if (!found) return notFound();
  const { repo, account } = found;
  const parsed = jsonBody(req);
  if (!parsed.ok) return parsed.response;
  const b = parsed.body;
  const invalid = (field: string, code = 'invalid') => validationFailed([{ resource: 'PullRequest', field, code }]);
  if (typeof b.title !== 'string' || !b.title.trim()) return invalid('title', 'missing_field');
  if (typeof b.head !== 'string') return invalid('head', 'missing_field');
  if (typeof b.base !== 'string') return invalid('base', 'missing_field');
  const head = headBranch(b.head, account);
  const headSha = head ? branchHead(repo, head) : null;
  if (!head || !headSha) return invalid('head');
  const baseSha = branchHead(repo, b.base);
  if (!baseSha) return invalid('base');
  const state = stateOf(repo);
  if (state.pulls.some((p) => p.state === 'open' && p.head === head && p.base === b.base)) {
    return validationFailed([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${account.login}:${head}.` }]);
  }
  if (isAncestor(repo, headSha, baseSha)) {
    return validationFailed([{ resource: 'PullRequest', code: 'custom', message: `No commits between ${b.base} and ${head}` }]);
  }
  if (b.body !== undefined && b.body !== null && typeof b.body !== 'string') return failure(422, 'Invalid request.\n\nFor \'properties/body\', it is not a string.');
  const pr: FakePull = {
    number: state.pulls.length + 1,
    title: b.title,
    body: (b.body as string | null | undefined) ?? null,
    head,
    base: b.base,
    draft: b.draft === true,
    state: 'open',
    user: ctx.user.login,
    createdAt: account.now(),
  };
  state.pulls.push(pr);
  return { status: 201, body: pullJson(ctx, repo, account, pr) };
}

export function pullRoutes(router: Router, ctx: RestContext): void {
  router
    .add('GET', '/repos/:owner/:repo/pulls', (req) => listPulls(ctx, req))
    .add('POST', '/repos/:owner/:repo/pulls', (req) => createPull(ctx, req))
    .add('GET', '/repos/:owner/:repo/pulls/:number', (req) => {
      const found = findRepo(ctx, req.params.owner, req.params.repo);
      const pr = found && stateOf(found.repo).pulls.find((p) => p.number === Number(req.params.number));
      return found && pr ? { status: 200, body: pullJson(ctx, found.repo, found.account, pr) } : notFound();
    });
}
