/**
 * GitHub's git data API in the fake: blobs, trees, commits and branch refs. Like GitHub, an empty
 * repository (no commit yet) refuses blobs, trees and refs with 409 "Git Repository is empty.".
 */
import type { FakeRepo } from './model.js';
import { blobSha } from './model.js';
import { emptyRepository, failure, jsonBody, validationFailed } from './errors.js';
import {
  branchHead,
  branchNames,
  commitObject,
  deleteBranch,
  findBlob,
  hashTree,
  moveBranch,
  stateOf,
  treeOf,
  writeCommit,
  type FakeCommitObject,
  type FlatTree,
  type Person,
} from './repo-state.js';
import { findRepo, type RestContext } from './rest.js';
import { notFound, type FakeRequest, type FakeResponse, type Router } from './router.js';

const MODES = new Set(['100644', '100755', '120000']);
const SHA = /^[0-9a-f]{40}$/;

export function validPath(path: string): boolean {
  return path.length > 0 && !path.startsWith('/') && path.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && s !== '.git');
}

export function commitJson(ctx: RestContext, full: string, c: FakeCommitObject) {
  return {
    sha: c.sha,
    node_id: `C_${c.sha}`,
    url: `${ctx.apiUrl()}/repos/${full}/git/commits/${c.sha}`,
    html_url: `${ctx.webUrl()}/${full}/commit/${c.sha}`,
    author: c.author,
    committer: c.committer,
    message: c.message,
    tree: { sha: c.treeSha, url: `${ctx.apiUrl()}/repos/${full}/git/trees/${c.treeSha}` },
    parents: c.parents.map((p) => ({ sha: p, url: `${ctx.apiUrl()}/repos/${full}/git/commits/${p}`, html_url: `${ctx.webUrl()}/${full}/commit/${p}` })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

function refJson(ctx: RestContext, full: string, branch: string, sha: string) {
  return {
    ref: `refs/heads/${branch}`,
    node_id: `REF_${Buffer.from(`${full}:${branch}`).toString('base64url')}`,
    url: `${ctx.apiUrl()}/repos/${full}/git/refs/heads/${branch}`,
    object: { sha, type: 'commit', url: `${ctx.apiUrl()}/repos/${full}/git/commits/${sha}` },
  };
}

function person(value: unknown, fallback: Person): Person | undefined {
  if (value === undefined) return fallback;
  const p = value as Partial<Person> | null;
  if (!p || typeof p.name !== 'string' || typeof p.email !== 'string') return undefined;
  return { name: p.name, email: p.email, date: typeof p.date === 'string' ? p.date : fallback.date };
}

export function isAncestor(repo: FakeRepo, ancestor: string, of: string): boolean {
  const queue = [of];
  const seen = new Set<string>();
  while (queue.length) {
    const sha = queue.pop()!;
    if (sha === ancestor) return true;
    if (seen.has(sha)) continue;
    seen.add(sha);
    queue.push(...(commitObject(repo, sha)?.parents ?? []));
  }
  return false;
}

type Found = { repo: FakeRepo; full: string; at: () => string; author: Person };

function withRepo(ctx: RestContext, handler: (found: Found, req: FakeRequest) => FakeResponse) {
  return (req: FakeRequest): FakeResponse => {
    const found = findRepo(ctx, req.params.owner, req.params.repo);
    if (!found) return notFound();
    const { repo, account } = found;
    const at = () => account.now();
    return handler({ repo, full: `${account.login}/${repo.name}`, at, author: { name: ctx.user.login, email: `${ctx.user.login}@users.noreply.github.com`, date: '' } }, req);
  };
}

function createBlob({ repo, full }: Found, req: FakeRequest, ctx: RestContext): FakeResponse {
  if (!repo.head) return emptyRepository();
  const parsed = jsonBody(req);
  if (!parsed.ok) return parsed.response;
  const { content, encoding = 'utf-8' } = parsed.body;
  if (typeof content !== 'string') return failure(422, 'Invalid request.\n\n"content" wasn\'t supplied.');
  if (encoding !== 'utf-8' && encoding !== 'base64') return validationFailed([{ resource: 'Blob', code: 'invalid', field: 'encoding' }]);
  const bytes = Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8');
  const sha = blobSha(bytes);
  stateOf(repo).blobs.set(sha, bytes);
  return { status: 201, body: { sha, url: `${ctx.apiUrl()}/repos/${full}/git/blobs/${sha}` } };
}

function createTree({ repo, full }: Found, req: FakeRequest, ctx: RestContext): FakeResponse {
  if (!repo.head) return emptyRepository();
  const parsed = jsonBody(req);
  if (!parsed.ok) return parsed.response;
  const { tree, base_tree: baseTree } = parsed.body;
  if (!Array.isArray(tree)) return failure(422, 'Invalid request.\n\n"tree" wasn\'t supplied.');
  let files: FlatTree = new Map();
  if (baseTree !== undefined) {
    const base = typeof baseTree === 'string' ? treeOf(repo, baseTree) : undefined;
    if (!base) return failure(422, 'Invalid request.\n\nbase_tree is not a valid tree.');
    files = new Map(base);
  }
  for (const raw of tree as Record<string, unknown>[]) {
    const path = String(raw?.path ?? '');
    const mode = String(raw?.mode ?? '');
    if (!validPath(path)) return failure(422, `tree.path contains a malformed path component: ${path}`);
    if (raw.type !== 'blob' || !MODES.has(mode)) return failure(422, `Invalid tree info: ${path} must be a blob with mode 100644, 100755 or 120000 in this fake`);
    if (raw.sha === null) {
      files.delete(path);
      continue;
    }
    if (typeof raw.content === 'string' && raw.sha !== undefined) return failure(422, 'Invalid request.\n\nOnly one of "sha" or "content" may be supplied.');
    let bytes: Buffer | undefined;
    if (typeof raw.content === 'string') bytes = Buffer.from(raw.content, 'utf8');
    else if (typeof raw.sha === 'string') bytes = findBlob(repo, raw.sha);
    if (!bytes) return failure(422, `Invalid tree info: ${path} points at an object that does not exist`);
    const sha = blobSha(bytes);
    stateOf(repo).blobs.set(sha, bytes);
    files.set(path, { mode, sha, bytes });
  }
  // A folder and a file of the same name cannot both exist in git.
  for (const path of files.keys()) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) if (files.has(parts.slice(0, i).join('/'))) return failure(422, `Invalid tree info: ${parts.slice(0, i).join('/')} is both a file and a folder`);
  }
  const { sha, root } = hashTree(files);
  stateOf(repo).trees.set(sha, files);
  const api = `${ctx.apiUrl()}/repos/${full}/git`;
  return {
    status: 201,
    body: { sha, url: `${api}/trees/${sha}`, truncated: false, tree: root.map((e) => ({ ...e, url: `${api}/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}` })) },
  };
}

function createCommit(found: Found, req: FakeRequest, ctx: RestContext): FakeResponse {
  const { repo, full } = found;
  const parsed = jsonBody(req);
  if (!parsed.ok) return parsed.response;
  const { message, tree, parents = [] } = parsed.body;
  if (typeof message !== 'string') return failure(422, 'Invalid request.\n\n"message" wasn\'t supplied.');
  const files = typeof tree === 'string' ? treeOf(repo, tree) : undefined;
  if (!files) return failure(422, 'Tree SHA does not exist');
  if (!Array.isArray(parents) || parents.some((p) => typeof p !== 'string' || !commitObject(repo, p))) return failure(422, 'Parent SHA does not exist or is not a commit object');
  const now = { ...found.author, date: found.at() };
  const author = person(parsed.body.author, now);
  const committer = person(parsed.body.committer, now);
  if (!author || !committer) return failure(422, 'Invalid request.\n\nauthor and committer need a name and an email.');
  const commit = writeCommit(repo, { tree: files, parents: parents as string[], message, author, committer });
  return { status: 201, body: commitJson(ctx, full, commit) };
}

/** `heads/x` or `refs/heads/x` -> `x`; other refs (tags, notes) are not kept by this fake. */
function branchOf(ref: string): string | undefined {
  const m = /^(?:refs\/)?heads\/(.+)$/.exec(ref);
  return m && validPath(m[1]) ? m[1] : undefined;
}

function getRef({ repo, full }: Found, req: FakeRequest, ctx: RestContext): FakeResponse {
  if (!repo.head) return emptyRepository();
  const branch = branchOf(req.params.ref);
  const sha = branch ? branchHead(repo, branch) : null;
  return branch && sha ? { status: 200, body: refJson(ctx, full, branch, sha) } : notFound();
}

/** The older `GET /git/refs/{ref}`: an exact match is one object, a prefix match an array. */
function listRefs({ repo, full }: Found, req: FakeRequest, ctx: RestContext): FakeResponse {
  if (!repo.head) return emptyRepository();
  const wanted = req.params.ref ?? '';
  const exact = branchOf(wanted);
  if (exact && branchHead(repo, exact)) return { status: 200, body: refJson(ctx, full, exact, branchHead(repo, exact)!) };
  const prefix = wanted ? `refs/${wanted}` : 'refs/';
  const all = branchNames(repo)
    .filter((b) => `refs/heads/${b}`.startsWith(prefix))
    .map((b) => refJson(ctx, full, b, branchHead(repo, b)!));
  return all.length ? { status: 200, body: all } : notFound();
}

function createRef(found: Found, req: FakeRequest, ctx: RestContext): FakeResponse {
  const { repo, full } = found;
  if (!repo.head) return emptyRepository();
  const parsed = jsonBody(req);
  if (!parsed.ok) return parsed.response;
  const { ref, sha } = parsed.body;
  if (typeof ref !== 'string' || !/^refs\/[^/]+\/.+/.test(ref)) return failure(422, "Reference name must start with 'refs/' and have at least two slashes.");
  const branch = branchOf(ref);
  if (!branch) return failure(422, `fake GitHub: only valid branch refs are kept, not ${ref}`);
  if (typeof sha !== 'string' || !SHA.test(sha) || !commitObject(repo, sha)) return failure(422, 'Object does not exist');
  if (branchHead(repo, branch)) return failure(422, 'Reference already exists');
  moveBranch(repo, branch, sha, found.at());
  return { status: 201, body: refJson(ctx, full, branch, sha) };
}

function updateRef(found: Found, req: FakeRequest, ctx: RestContext): FakeResponse {
  const { repo, full } = found;
  if (!repo.head) return emptyRepository();
  const parsed = jsonBody(req);
  if (!parsed.ok) return parsed.response;
  const { sha, force = false } = parsed.body;
  const branch = branchOf(req.params.ref);
  const current = branch ? branchHead(repo, branch) : null;
  if (!branch || !current) return failure(422, 'Reference does not exist');
  if (typeof sha !== 'string' || !commitObject(repo, sha)) return failure(422, 'Object does not exist');
  if (force !== true && !isAncestor(repo, current, sha)) return failure(422, 'Update is not a fast forward');
  moveBranch(repo, branch, sha, found.at());
  return { status: 200, body: refJson(ctx, full, branch, sha) };
}

function deleteRef({ repo }: Found, req: FakeRequest): FakeResponse {
  if (!repo.head) return emptyRepository();
  const branch = branchOf(req.params.ref);
  if (!branch || !branchHead(repo, branch)) return failure(422, 'Reference does not exist');
  if (branch === repo.defaultBranch) return failure(422, 'Cannot delete the default branch');
  deleteBranch(repo, branch);
  return { status: 204 };
}

export function gitDataRoutes(router: Router, ctx: RestContext): void {
  const on = (handler: (found: Found, req: FakeRequest, ctx: RestContext) => FakeResponse) => withRepo(ctx, (found, req) => handler(found, req, ctx));
  router
    .add('POST', '/repos/:owner/:repo/git/blobs', on(createBlob))
    .add('POST', '/repos/:owner/:repo/git/trees', on(createTree))
    .add('POST', '/repos/:owner/:repo/git/commits', on(createCommit))
    .add(
      'GET',
      '/repos/:owner/:repo/git/commits/:sha',
      on(({ repo, full }, req) => {
        const commit = commitObject(repo, req.params.sha);
        return commit ? { status: 200, body: commitJson(ctx, full, commit) } : notFound();
      }),
    )
    .add('GET', '/repos/:owner/:repo/git/ref/*ref', on(getRef))
    .add('GET', '/repos/:owner/:repo/git/refs', on(listRefs))
    .add('GET', '/repos/:owner/:repo/git/refs/*ref', on(listRefs))
    .add('POST', '/repos/:owner/:repo/git/refs', on(createRef))
    .add('PATCH', '/repos/:owner/:repo/git/refs/*ref', on(updateRef))
    .add('DELETE', '/repos/:owner/:repo/git/refs/*ref', on(deleteRef));
}
