/**
 * Publishes a folder of files as a new GitHub repository in one commit, through the REST API only (no
 * git program, no clone). GitHub refuses git data writes (blobs, trees) in an empty repository with 409,
 * so the repository is created with `auto_init` and the placeholder commit is then replaced: the files
 * become a root commit (no parents) and the branch is moved onto it, leaving exactly one commit.
 */
import type { GithubClient } from './client.js';
import { branchProblem, filePathProblem, ownerProblem, repoNameProblem, topicProblem } from './git-names.js';
import { GithubWriteError, githubFailure, statusOf } from './write-errors.js';

export type RepoVisibility = 'public' | 'private' | 'internal';

export interface PublishFile {
  /** Repository-relative path with `/` separators. */
  path: string;
  content: Buffer;
  executable?: boolean;
}

export interface PublishLimits {
  maxFiles: number;
  maxFileBytes: number;
  maxTotalBytes: number;
}

export const DEFAULT_PUBLISH_LIMITS: PublishLimits = { maxFiles: 1000, maxFileBytes: 10 * 1024 * 1024, maxTotalBytes: 50 * 1024 * 1024 };

export interface PublishOptions {
  owner: string;
  repo: string;
  description?: string;
  visibility: RepoVisibility;
  defaultBranch?: string;
  topics?: string[];
  files: PublishFile[];
  commitMessage: string;
  author?: { name: string; email: string };
  limits?: Partial<PublishLimits>;
}

export interface PublishResult {
  /** Clone URL (`https://github.com/o/r.git`), as Backstage's publish:github outputs it. */
  remoteUrl: string;
  /** Where the files are browsed: `https://github.com/o/r/blob/<branch>`. */
  repoContentsUrl: string;
  commitHash: string;
  htmlUrl: string;
}

/** Text files ride inline in the tree request (one request for all of them); binary ones need a blob each. */
const INLINE_FILE_BYTES = 1024 * 1024;
const INLINE_TOTAL_BYTES = 8 * 1024 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function asText(content: Buffer): string | undefined {
  if (content.includes(0)) return undefined;
  try {
    return utf8.decode(content);
  } catch {
    return undefined;
  }
}

/** Everything GitHub or git would refuse, found before anything is created. */
export function checkPublishOptions(options: PublishOptions): void {
  const limits = { ...DEFAULT_PUBLISH_LIMITS, ...options.limits };
  const where = `publishing ${options.owner}/${options.repo}`;
  const problems: string[] = [];
  const add = (p: string | undefined) => p && problems.push(p);
  add(ownerProblem(options.owner));
  add(repoNameProblem(options.repo));
  add(branchProblem(options.defaultBranch ?? 'main'));
  if (!['public', 'private', 'internal'].includes(options.visibility)) problems.push(`visibility "${options.visibility}" must be public, private or internal`);
  for (const topic of options.topics ?? []) add(topicProblem(topic));
  if ((options.topics?.length ?? 0) > 20) problems.push(`${options.topics!.length} topics given; GitHub allows at most 20`);
  if (!options.commitMessage.trim()) problems.push('the commit message is empty');
  if (options.files.length === 0) problems.push('there are no files to publish');
  if (options.files.length > limits.maxFiles) problems.push(`${options.files.length} files exceed the limit of ${limits.maxFiles}`);
  const seen = new Set<string>();
  let total = 0;
  for (const file of options.files) {
    add(filePathProblem(file.path));
    if (seen.has(file.path)) problems.push(`${file.path} is given twice`);
    seen.add(file.path);
    if (file.content.length > limits.maxFileBytes) problems.push(`${file.path} is ${file.content.length} bytes, over the limit of ${limits.maxFileBytes} per file`);
    total += file.content.length;
  }
  for (const path of seen) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) if (seen.has(parts.slice(0, i).join('/'))) problems.push(`${parts.slice(0, i).join('/')} is both a file and a folder`);
  }
  if (total > limits.maxTotalBytes) problems.push(`the files total ${total} bytes, over the limit of ${limits.maxTotalBytes}`);
  if (problems.length) throw new GithubWriteError(`${where}: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? `; and ${problems.length - 10} more problems` : ''}`);
}

/** The token's own login, or undefined for tokens that have no user (GitHub App installations). */
async function tokenLogin(client: GithubClient): Promise<string | undefined> {
  try {
    const { data } = await client.request('GET /user');
    return data.login;
  } catch (e) {
    const status = statusOf(e);
    if (status === 401 || status === 403 || status === 404) return undefined;
    throw githubFailure('could not find out which user the GitHub token belongs to', e);
  }
}

interface CreatedRepo {
  html_url: string;
  clone_url: string;
  default_branch: string;
}

export async function createRepo(client: GithubClient, options: PublishOptions): Promise<CreatedRepo> {
  const { owner, repo, visibility, description } = options;
  const full = `${owner}/${repo}`;
  const login = await tokenLogin(client);
  const forUser = login !== undefined && login.toLowerCase() === owner.toLowerCase();
  if (forUser && visibility === 'internal') throw new GithubWriteError(`publishing ${full}: internal visibility needs an organisation, but ${owner} is a user account`);
  try {
    const { data } = forUser
      ? await client.request('POST /user/repos', { name: repo, description, private: visibility !== 'public', auto_init: true })
      : // `internal` exists for organisations on GitHub Enterprise; octokit's types only list public and private.
        await client.request('POST /orgs/{org}/repos', { org: owner, name: repo, description, visibility: visibility as 'public', auto_init: true });
    return data as CreatedRepo;
  } catch (e) {
    const status = statusOf(e);
    const text = JSON.stringify((e as { response?: { data?: unknown } }).response?.data ?? '');
    if (status === 422 && /already exists/i.test(text)) throw new GithubWriteError(`repository ${full} already exists; choose another name (nothing was changed)`, 422);
    if (status === 404 && !forUser) {
      throw new GithubWriteError(`cannot create ${full}: ${owner} is not an organisation the token can create repositories in${login ? `, nor the token's user (${login})` : ''}`, 404);
    }
    throw githubFailure(`could not create repository ${full}`, e);
  }
}

interface TreeItem {
  path: string;
  mode: '100644' | '100755';
  type: 'blob';
  content?: string;
  sha?: string;
}

export async function treeItems(client: GithubClient, owner: string, repo: string, files: PublishFile[]): Promise<TreeItem[]> {
  const items: TreeItem[] = [];
  let inline = 0;
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    const mode = file.executable ? '100755' : '100644';
    const text = file.content.length <= INLINE_FILE_BYTES && inline + file.content.length <= INLINE_TOTAL_BYTES ? asText(file.content) : undefined;
    if (text !== undefined) {
      inline += file.content.length;
      items.push({ path: file.path, mode, type: 'blob', content: text });
      continue;
    }
    const { data } = await client.request('POST /repos/{owner}/{repo}/git/blobs', { owner, repo, content: file.content.toString('base64'), encoding: 'base64' });
    items.push({ path: file.path, mode, type: 'blob', sha: data.sha });
  }
  return items;
}

/** Moves `branch` onto the new root commit and makes it the default, dropping the auto_init branch. */
export async function pointDefaultBranch(client: GithubClient, owner: string, repo: string, initBranch: string, branch: string, sha: string): Promise<void> {
  if (branch === initBranch) {
    await client.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', { owner, repo, ref: `heads/${branch}`, sha, force: true });
    return;
  }
  await client.request('POST /repos/{owner}/{repo}/git/refs', { owner, repo, ref: `refs/heads/${branch}`, sha });
  await client.request('PATCH /repos/{owner}/{repo}', { owner, repo, default_branch: branch });
  await client.request('DELETE /repos/{owner}/{repo}/git/refs/{ref}', { owner, repo, ref: `heads/${initBranch}` });
}

export async function publishRepository(client: GithubClient, options: PublishOptions): Promise<PublishResult> {
  checkPublishOptions(options);
  const { owner, repo } = options;
  const branch = options.defaultBranch ?? 'main';
  const created = await createRepo(client, options);
  try {
    const tree = await client.request('POST /repos/{owner}/{repo}/git/trees', { owner, repo, tree: await treeItems(client, owner, repo, options.files) });
    const commit = await client.request('POST /repos/{owner}/{repo}/git/commits', {
      owner,
      repo,
      message: options.commitMessage,
      tree: tree.data.sha,
      parents: [],
      ...(options.author ? { author: options.author } : {}),
    });
    await pointDefaultBranch(client, owner, repo, created.default_branch, branch, commit.data.sha);
    if (options.topics?.length) await client.request('PUT /repos/{owner}/{repo}/topics', { owner, repo, names: options.topics });
    return {
      remoteUrl: created.clone_url,
      repoContentsUrl: `${created.html_url}/blob/${branch}`,
      commitHash: commit.data.sha,
      htmlUrl: created.html_url,
    };
  } catch (e) {
    if (e instanceof GithubWriteError) throw e;
    throw githubFailure(`repository ${owner}/${repo} was created, but pushing its files failed (delete it or publish under another name)`, e);
  }
}
