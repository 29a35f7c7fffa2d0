/**
 * One commit of files on top of a branch of an existing repository, through the git data API (no
 * clone): the new tree is the base commit's tree with the files added under `prefix` and `deletes`
 * removed. The commit lands on `branch`, made from the base when it does not exist yet.
 */
import type { GithubClient } from './client.js';
import { treeItems, type PublishFile } from './publish.js';
import { GithubWriteError, githubFailure, statusOf } from './write-errors.js';

export interface CommitOnBranch {
  owner: string;
  repo: string;
  /** Branch the commit starts from. */
  base: string;
  /** Branch the commit lands on (may be `base`). */
  branch: string;
  files: PublishFile[];
  /** Folder in the repository the files go to ('' = the root). */
  prefix?: string;
  deletes?: string[];
  message: string;
  author?: { name: string; email: string };
  /** When `branch` exists already and is not `base`: move it onto the new commit (true) or refuse (false). */
  update?: boolean;
}

export async function refSha(client: GithubClient, owner: string, repo: string, branch: string): Promise<string | undefined> {
  try {
    const { data } = await client.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { owner, repo, ref: `heads/${branch}` });
    return data.object.sha;
  } catch (e) {
    if (statusOf(e) === 404 || statusOf(e) === 409) return undefined;
    throw githubFailure(`could not read branch ${branch} of ${owner}/${repo}`, e);
  }
}

export async function commitOnBranch(client: GithubClient, options: CommitOnBranch): Promise<{ sha: string; branchCreated: boolean }> {
  const { owner, repo, base, branch } = options;
  const baseSha = await refSha(client, owner, repo, base);
  if (!baseSha) throw new GithubWriteError(`branch ${base} does not exist in ${owner}/${repo}`, 404);
  const existing = branch === base ? baseSha : await refSha(client, owner, repo, branch);
  if (existing && branch !== base && !options.update) throw new GithubWriteError(`branch ${branch} already exists in ${owner}/${repo}; choose another branch name (nothing was changed)`, 422);
  const parent = existing ?? baseSha;
  const { data: parentCommit } = await client.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', { owner, repo, commit_sha: parent });
  const prefix = (options.prefix ?? '').replace(/^\.?\/+|\/+$/g, '').replace(/^\.$/, '');
  const files = options.files.map((f) => ({ ...f, path: prefix ? `${prefix}/${f.path}` : f.path }));
  const items = [...(await treeItems(client, owner, repo, files)), ...(options.deletes ?? []).map((path) => ({ path, mode: '100644' as const, type: 'blob' as const, sha: null }))];
  const { data: tree } = await client.request('POST /repos/{owner}/{repo}/git/trees', { owner, repo, base_tree: parentCommit.tree.sha, tree: items as never });
  const { data: commit } = await client.request('POST /repos/{owner}/{repo}/git/commits', {
    owner,
    repo,
    message: options.message,
    tree: tree.sha,
    parents: [parent],
    ...(options.author ? { author: options.author } : {}),
  });
  if (existing) await client.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', { owner, repo, ref: `heads/${branch}`, sha: commit.sha, force: false });
  else await client.request('POST /repos/{owner}/{repo}/git/refs', { owner, repo, ref: `refs/heads/${branch}`, sha: commit.sha });
  return { sha: commit.sha, branchCreated: !existing };
}
