/**
 * `PUT /repos/{owner}/{repo}/contents/{path}`: one file committed on a branch. An existing file must be
 * named by its current blob sha (422 when it is missing, 409 when it is stale), as on GitHub; in an empty
 * repository the first file makes the first commit and its branch becomes the default one.
 */
import { blobSha } from './model.js';
import { failure, jsonBody } from './errors.js';
import { commitJson, validPath } from './git-data.js';
import { branchHead, commitObject, entryFor, flatTreeOf, moveBranch, writeCommit } from './repo-state.js';
import { findRepo, type RestContext } from './rest.js';
import { notFound, type FakeRequest, type FakeResponse, type Router } from './router.js';

function putContents(ctx: RestContext, req: FakeRequest): FakeResponse {
  const found = findRepo(ctx, req.params.owner, req.params.repo);
  if (!found) return notFound();
  const { repo, account } = found;
  const full = `${account.login}/${repo.name}`;
  const parsed = jsonBody(req);
  if (!parsed.ok) return parsed.response;
  const b = parsed.body;
  const path = req.params.path;
  if (typeof b.message !== 'string') return failure(422, 'Invalid request.\n\n"message" wasn\'t supplied.');
  if (typeof b.content !== 'string') return failure(422, 'Invalid request.\n\n"content" wasn\'t supplied.');
  if (!validPath(path)) return failure(422, `path contains a malformed path component: ${path}`);
  const branch = typeof b.branch === 'string' ? b.branch : repo.defaultBranch;

  let parents: string[] = [];
  let files = new Map();
  if (repo.head) {
    const head = branchHead(repo, branch);
    if (!head) return failure(404, `Branch ${branch} not found`);
    parents = [head];
    files = commitObject(repo, head)!.files;
  } else repo.defaultBranch = branch;

  const existing = files.get(path);
  if (existing && typeof b.sha !== 'string') return failure(422, 'Invalid request.\n\n"sha" wasn\'t supplied.');
  if (existing && b.sha !== existing.sha) return failure(409, `${path} does not match ${String(b.sha)}`);

  const bytes = Buffer.from(b.content, 'base64');
  const tree = flatTreeOf(files);
  tree.set(path, entryFor(repo, bytes, existing?.mode ?? '100644'));
  const at = account.now();
  const who = (v: unknown) => {
    const p = v as { name?: unknown; email?: unknown } | undefined;
    return p && typeof p.name === 'string' && typeof p.email === 'string'
      ? { name: p.name, email: p.email, date: at }
      : { name: ctx.user.login, email: `${ctx.user.login}@users.noreply.github.com`, date: at };
  };
  const committer = who(b.committer);
  const commit = writeCommit(repo, { tree, parents, message: b.message, author: b.author ? who(b.author) : committer, committer });
  moveBranch(repo, branch, commit.sha, at);

  const sha = blobSha(bytes);
  const api = `${ctx.apiUrl()}/repos/${full}`;
  const content = {
    name: path.split('/').pop(),
    path,
    sha,
    size: bytes.length,
    url: `${api}/contents/${path}?ref=${encodeURIComponent(branch)}`,
    html_url: `${ctx.webUrl()}/${full}/blob/${branch}/${path}`,
    git_url: `${api}/git/blobs/${sha}`,
    download_url: `${ctx.webUrl()}/${full}/raw/${branch}/${path}`,
    type: 'file',
  };
  return { status: existing ? 200 : 201, body: { content, commit: commitJson(ctx, full, commit) } };
}

export function contentsWriteRoutes(router: Router, ctx: RestContext): void {
  router.add('PUT', '/repos/:owner/:repo/contents/*path', (req) => putContents(ctx, req));
}
