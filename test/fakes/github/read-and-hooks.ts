/**
 * More of GitHub's REST API for the scaffolder's GitHub actions, in its wire format: reading commits,
 * trees (recursive) and blobs; workflow dispatches, repository webhooks, issue labels and assignees,
 * requested reviewers. What was asked is kept per repository (`sideEffectsOf`) for tests to read.
 */
import type { FakeRepo } from './model.js';
import { failure, jsonBody, validationFailed } from './errors.js';
import { commitJson } from './git-data.js';
import { branchHead, bytesOf, commitObject, filesAt, hashTree, stateOf, treeOf } from './repo-state.js';
import { findRepo, type RestContext } from './rest.js';
import { notFound, type FakeRequest, type FakeResponse, type Router } from './router.js';

export interface SideEffects {
  dispatches: { workflowId: string; ref: string; inputs: Record<string, unknown> }[];
  hooks: { id: number; config: Record<string, unknown>; events: string[]; active: boolean }[];
  labels: Map<number, string[]>;
  assignees: Map<number, string[]>;
  reviewers: Map<number, { users: string[]; teams: string[] }>;
}

const effects = new WeakMap<FakeRepo, SideEffects>();
export function sideEffectsOf(repo: FakeRepo): SideEffects {
  let e = effects.get(repo);
  if (!e) effects.set(repo, (e = { dispatches: [], hooks: [], labels: new Map(), assignees: new Map(), reviewers: new Map() }));
  return e;
}

type Handler = (found: { repo: FakeRepo; full: string }, req: FakeRequest, ctx: RestContext) => FakeResponse;
const on = (ctx: RestContext, handler: Handler) => (req: FakeRequest) => {
  const found = findRepo(ctx, req.params.owner, req.params.repo);
  return found ? handler({ repo: found.repo, full: `${found.account.login}/${found.repo.name}` }, req, ctx) : notFound();
};

function getCommit({ repo, full }: { repo: FakeRepo; full: string }, req: FakeRequest, ctx: RestContext): FakeResponse {
  const commit = commitObject(repo, req.params.sha);
  return commit ? { status: 200, body: commitJson(ctx, full, commit) } : notFound();
}

/** `GET git/trees/{sha}`: a tree sha, a commit sha or a branch name, as GitHub accepts. */
function getTree({ repo, full }: { repo: FakeRepo; full: string }, req: FakeRequest, ctx: RestContext): FakeResponse {
  const wanted = req.params.sha;
  const sha = branchHead(repo, wanted) ?? wanted;
  const files = filesAt(repo, sha);
  const flat = files ? new Map([...files].map(([p, f]) => [p, { mode: f.mode ?? '100644', sha: f.sha, bytes: bytesOf(f) }])) : treeOf(repo, wanted);
  if (!flat) return notFound();
  for (const [, e] of flat) stateOf(repo).blobs.set(e.sha, e.bytes);
  const recursive = req.query.has('recursive');
  const dirs = new Set<string>();
  for (const path of flat.keys()) path.split('/').slice(0, -1).forEach((_, i, parts) => dirs.add(parts.slice(0, i + 1).join('/')));
  const api = `${ctx.apiUrl()}/repos/${full}/git`;
  const entries = [
    ...[...dirs].map((path) => ({ path, mode: '040000', type: 'tree', sha: hashTree([...flat].filter(([p]) => p.startsWith(`${path}/`)).map(([p, e]) => [p.slice(path.length + 1), e])).sha })),
    ...[...flat].map(([path, e]) => ({ path, mode: e.mode, type: 'blob', sha: e.sha, size: e.bytes.length })),
  ]
    .filter((e) => recursive || !e.path.includes('/'))
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((e) => ({ ...e, url: `${api}/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}` }));
  return { status: 200, body: { sha: hashTree(flat).sha, url: `${api}/trees/${wanted}`, tree: entries, truncated: false } };
}

function getBlob({ repo, full }: { repo: FakeRepo; full: string }, req: FakeRequest, ctx: RestContext): FakeResponse {
  const file = [...repo.files.values()].find((f) => f.sha === req.params.sha);
  const bytes = stateOf(repo).blobs.get(req.params.sha) ?? (file ? bytesOf(file) : undefined);
  if (!bytes) return notFound();
  return { status: 200, body: { sha: req.params.sha, node_id: `B_${req.params.sha}`, size: bytes.length, url: `${ctx.apiUrl()}/repos/${full}/git/blobs/${req.params.sha}`, content: bytes.toString('base64'), encoding: 'base64' } };
}

function dispatch({ repo }: { repo: FakeRepo }, req: FakeRequest, ctx: RestContext): FakeResponse {
  const parsed = jsonBody(req);
  if (!parsed.ok) return parsed.response;
  const { ref, inputs = {}, return_run_details: details } = parsed.body;
  if (typeof ref !== 'string') return validationFailed([{ resource: 'Workflow', code: 'missing_field', field: 'ref' }]);
  if (!branchHead(repo, ref)) return failure(422, `No ref found for: ${ref}`);
  const runs = sideEffectsOf(repo).dispatches;
  runs.push({ workflowId: req.params.workflow, ref, inputs: inputs as Record<string, unknown> });
  if (details !== true) return { status: 204 };
  const id = 9_000_000 + runs.length;
  return { status: 200, body: { workflow_run_id: id, run_url: `${ctx.apiUrl()}/repos/${req.params.owner}/${req.params.repo}/actions/runs/${id}`, html_url: `${ctx.webUrl()}/${req.params.owner}/${req.params.repo}/actions/runs/${id}` } };
}

function createHook({ repo, full }: { repo: FakeRepo; full: string }, req: FakeRequest, ctx: RestContext): FakeResponse {
  const parsed = jsonBody(req);
  if (!parsed.ok) return parsed.response;
  const { config, events = ['push'], active = true } = parsed.body as { config?: Record<string, unknown>; events?: string[]; active?: boolean };
  if (!config || typeof config.url !== 'string') return validationFailed([{ resource: 'Hook', code: 'custom', message: 'Config must contain a url' }]);
  const hooks = sideEffectsOf(repo).hooks;
  const id = 1000 + hooks.length;
  hooks.push({ id, config, events, active });
  const { secret: _secret, ...shown } = config;
  return { status: 201, body: { type: 'Repository', id, name: 'web', active, events, config: { ...shown, ...(config.secret ? { secret: '********' } : {}) }, url: `${ctx.apiUrl()}/repos/${full}/hooks/${id}` } };
}

function addToIssue(kind: 'labels' | 'assignees') {
  return ({ repo }: { repo: FakeRepo }, req: FakeRequest): FakeResponse => {
    const parsed = jsonBody(req);
    if (!parsed.ok) return parsed.response;
    const names = parsed.body[kind];
    if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) return validationFailed([{ resource: kind === 'labels' ? 'Label' : 'Issue', code: 'invalid', field: kind }]);
    const n = Number(req.params.number);
    const map = sideEffectsOf(repo)[kind];
    map.set(n, [...new Set([...(map.get(n) ?? []), ...(names as string[])])]);
    if (kind === 'labels') return { status: 200, body: map.get(n)!.map((name, i) => ({ id: i + 1, name, color: 'ededed', default: false })) };
    return { status: 201, body: { number: n, assignees: map.get(n)!.map((login) => ({ login, type: 'User' })) } };
  };
}

function requestReviewers({ repo }: { repo: FakeRepo }, req: FakeRequest): FakeResponse {
  const parsed = jsonBody(req);
  if (!parsed.ok) return parsed.response;
  const n = Number(req.params.number);
  if (!stateOf(repo).pulls.some((p) => p.number === n)) return notFound();
  const users = (parsed.body.reviewers as string[] | undefined) ?? [];
  const teams = (parsed.body.team_reviewers as string[] | undefined) ?? [];
  sideEffectsOf(repo).reviewers.set(n, { users, teams });
  return { status: 201, body: { number: n, requested_reviewers: users.map((login) => ({ login })), requested_teams: teams.map((slug) => ({ slug })) } };
}

export function readAndHookRoutes(router: Router, ctx: RestContext): void {
  router
    .add('GET', '/repos/:owner/:repo/git/commits/:sha', on(ctx, getCommit))
    .add('GET', '/repos/:owner/:repo/git/trees/:sha', on(ctx, getTree))
    .add('GET', '/repos/:owner/:repo/git/blobs/:sha', on(ctx, getBlob))
    .add('POST', '/repos/:owner/:repo/actions/workflows/:workflow/dispatches', on(ctx, dispatch))
    .add('POST', '/repos/:owner/:repo/hooks', on(ctx, createHook))
    .add('POST', '/repos/:owner/:repo/issues/:number/labels', on(ctx, addToIssue('labels')))
    .add('POST', '/repos/:owner/:repo/issues/:number/assignees', on(ctx, addToIssue('assignees')))
    .add('POST', '/repos/:owner/:repo/pulls/:number/requested_reviewers', on(ctx, requestReviewers));
}
