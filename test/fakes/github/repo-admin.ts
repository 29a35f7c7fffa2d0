/**
 * Repository administration in the fake: the token's user, creating repositories in the organisation or
 * for the user, changing settings and topics. Answers and refusals follow GitHub's wire format.
 */
import type { FakeOrg } from './model.js';
import { branchNames, setDefaultBranch, stateOf, type Visibility } from './repo-state.js';
import { failure, jsonBody, validationFailed } from './errors.js';
import { accountOf, findRepo, repoJson, type RestContext } from './rest.js';
import { notFound, type FakeRequest, type FakeResponse, type Router } from './router.js';

const REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;
const TOPIC = /^[a-z0-9][a-z0-9-]{0,49}$/;

/** App installation tokens (`ghs_`) cannot read `/user`, as on GitHub. */
function isInstallationToken(req: FakeRequest): boolean {
  return /^(?:token|bearer) ghs_/i.test(String(req.headers.authorization ?? ''));
}

function createRepo(ctx: RestContext, account: FakeOrg, req: FakeRequest): FakeResponse {
  const parsed = jsonBody(req);
  if (!parsed.ok) return parsed.response;
  const b = parsed.body;
  const name = typeof b.name === 'string' ? b.name : '';
  const creationFailed = (message: string) => validationFailed([{ resource: 'Repository', code: 'custom', field: 'name', message }], 'Repository creation failed.');
  if (!REPO_NAME.test(name) || name === '.' || name === '..') return creationFailed('name is invalid');
  if (account.get(name)) return creationFailed('name already exists on this account');
  let visibility: Visibility = b.private === true ? 'private' : 'public';
  if (b.visibility !== undefined) {
    if (account.ownerType === 'User' || !['public', 'private', 'internal'].includes(String(b.visibility))) {
      return validationFailed([{ resource: 'Repository', code: 'invalid', field: 'visibility' }]);
    }
    visibility = b.visibility as Visibility;
  }
  const description = typeof b.description === 'string' ? b.description : null;
  const repo = account.addRepo(name, b.auto_init === true ? { files: { 'README.md': `# ${name}\n${description ? `${description}\n` : ''}` } } : {});
  Object.assign(stateOf(repo), { description, visibility });
  return { status: 201, body: repoJson(ctx, repo, account) };
}

function updateRepo(ctx: RestContext, req: FakeRequest): FakeResponse {
  const found = findRepo(ctx, req.params.owner, req.params.repo);
  if (!found) return notFound();
  const parsed = jsonBody(req);
  if (!parsed.ok) return parsed.response;
  const b = parsed.body;
  const { repo, account } = found;
  const state = stateOf(repo);
  if (b.default_branch !== undefined) {
    const branch = String(b.default_branch);
    if (repo.head && !branchNames(repo).includes(branch)) return validationFailed([{ resource: 'Repository', code: 'invalid', field: 'default_branch' }]);
    setDefaultBranch(repo, branch);
  }
  if (b.visibility !== undefined) {
    if (!['public', 'private', 'internal'].includes(String(b.visibility)) || (b.visibility === 'internal' && account.ownerType === 'User')) {
      return validationFailed([{ resource: 'Repository', code: 'invalid', field: 'visibility' }]);
    }
    state.visibility = b.visibility as Visibility;
  } else if (typeof b.private === 'boolean') state.visibility = b.private ? 'private' : 'public';
  if (b.description !== undefined) state.description = b.description === null ? null : String(b.description);
  return { status: 200, body: repoJson(ctx, repo, account) };
}

function replaceTopics(ctx: RestContext, req: FakeRequest): FakeResponse {
  const found = findRepo(ctx, req.params.owner, req.params.repo);
  if (!found) return notFound();
  const parsed = jsonBody(req);
  if (!parsed.ok) return parsed.response;
  const names = parsed.body.names;
  if (!Array.isArray(names)) return failure(422, 'Invalid request.\n\n"names" wasn\'t supplied.');
  const bad = names.filter((n) => typeof n !== 'string' || !TOPIC.test(n));
  if (bad.length || names.length > 20) {
    return validationFailed([{ resource: 'Repository', code: 'invalid', field: 'topics', message: bad.length ? `${bad.join(', ')} is not a valid topic` : 'too many topics' }]);
  }
  stateOf(found.repo).topics = [...new Set(names as string[])];
  return { status: 200, body: { names: stateOf(found.repo).topics } };
}

export function repoAdminRoutes(router: Router, ctx: RestContext): void {
  router
    .add('GET', '/user', (req) => {
      if (isInstallationToken(req)) return failure(403, 'Resource not accessible by integration');
      return { status: 200, body: { login: ctx.user.login, id: 1, node_id: 'U_1', type: 'User', html_url: `${ctx.webUrl()}/${ctx.user.login}` } };
    })
    .add('POST', '/user/repos', (req) => (isInstallationToken(req) ? failure(403, 'Resource not accessible by integration') : createRepo(ctx, ctx.user, req)))
    .add('POST', '/orgs/:org/repos', (req) => {
      const account = accountOf(ctx, req.params.org);
      return account && account.ownerType === 'Organization' ? createRepo(ctx, account, req) : notFound();
    })
    .add('PATCH', '/repos/:owner/:repo', (req) => updateRepo(ctx, req))
    .add('GET', '/repos/:owner/:repo/topics', (req) => {
      const found = findRepo(ctx, req.params.owner, req.params.repo);
      return found ? { status: 200, body: { names: stateOf(found.repo).topics } } : notFound();
    })
    .add('PUT', '/repos/:owner/:repo/topics', (req) => replaceTopics(ctx, req));
}
