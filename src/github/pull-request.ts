/**
 * Proposes a new version of one file as a pull request: a branch from the base head, one commit with
 * the new content, and the PR. Safe to retry: a branch this flow made before is reused, an open PR from
 * it is returned rather than duplicated, and a file that changed since the caller read it is refused
 * (it would silently undo someone's edit).
 */
import type { GithubClient } from './client.js';
import { branchProblem, filePathProblem, ownerProblem, repoNameProblem } from './git-names.js';
import { GithubWriteError, StaleFileError, githubFailure, statusOf } from './write-errors.js';

export interface FilePullRequestOptions {
  owner: string;
  repo: string;
  /** Repository-relative path of the file to change. */
  filePath: string;
  newContent: string;
  /** Defaults to the repository's default branch. */
  baseBranch?: string;
  /** Wanted branch name; a suffix (`-2`, `-3`, ...) is added when a branch of that name holds other work. */
  branchName: string;
  title: string;
  body: string;
  commitMessage: string;
  /** Blob sha the caller's edit was based on; a different sha on the base branch is refused. */
  expectedSha?: string;
  /** Add the file when the base branch does not have it (AGENTS.md); otherwise a missing file is refused. */
  createIfMissing?: boolean;
  /** A branch with this flow's pull request still open gets the new content on top (AGENTS.md): updated, not opened twice. */
  updateOpenPull?: boolean;
  /** Commit author (the person who asked for the change); the token's account commits it. */
  author?: { name: string; email: string };
}

export interface FilePullRequest {
  /** The PR's web address. */
  url: string;
  number: number;
  branch: string;
}

/** Catalog files are small; this bound keeps a runaway edit from becoming a huge commit. */
export const MAX_PULL_REQUEST_FILE_BYTES = 1024 * 1024;
const MAX_BRANCH_SUFFIX = 20;

interface FileAt {
  sha: string;
  text: string;
}

async function fileAt(client: GithubClient, owner: string, repo: string, path: string, ref: string): Promise<FileAt | undefined> {
  try {
    const { data } = await client.request('GET /repos/{owner}/{repo}/contents/{path}', { owner, repo, path, ref });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) throw new GithubWriteError(`${owner}/${repo}: ${path} is not a file`);
    return { sha: data.sha, text: Buffer.from(data.content, 'base64').toString('utf8') };
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    if (e instanceof GithubWriteError) throw e;
    throw githubFailure(`could not read ${path} in ${owner}/${repo} at ${ref}`, e);
  }
}

async function branchSha(client: GithubClient, owner: string, repo: string, branch: string): Promise<string | undefined> {
  try {
    const { data } = await client.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { owner, repo, ref: `heads/${branch}` });
    return data.object.sha;
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw githubFailure(`could not read branch ${branch} of ${owner}/${repo}`, e);
  }
}

function check(options: FilePullRequestOptions): void {
  const problems = [
    ownerProblem(options.owner),
    repoNameProblem(options.repo),
    filePathProblem(options.filePath),
    branchProblem(options.branchName),
    options.baseBranch === undefined ? undefined : branchProblem(options.baseBranch),
    options.title.trim() ? undefined : 'the pull request title is empty',
    options.commitMessage.trim() ? undefined : 'the commit message is empty',
    Buffer.byteLength(options.newContent) > MAX_PULL_REQUEST_FILE_BYTES ? `the new content is over ${MAX_PULL_REQUEST_FILE_BYTES} bytes` : undefined,
  ].filter((p): p is string => p !== undefined);
  if (problems.length) throw new GithubWriteError(`cannot propose a change to ${options.owner}/${options.repo}: ${problems.join('; ')}`);
}

/**
 * A branch for the change: the wanted name if it is free or holds only this flow's earlier work
 * (still at the base head, or already carrying exactly the new content); otherwise the first free
 * `name-N`. Returns the file's blob sha on that branch, or null when the content is already committed.
 */
async function claimBranch(client: GithubClient, options: FilePullRequestOptions, base: string, baseHead: string, baseFileSha: string | undefined): Promise<{ branch: string; fileSha: string | null | undefined }> {
  const { owner, repo, filePath, branchName, newContent } = options;
  for (let n = 1; n <= MAX_BRANCH_SUFFIX; n++) {
    const branch = n === 1 ? branchName : `${branchName}-${n}`;
    let head = await branchSha(client, owner, repo, branch);
    if (!head) {
      try {
        await client.request('POST /repos/{owner}/{repo}/git/refs', { owner, repo, ref: `refs/heads/${branch}`, sha: baseHead });
        return { branch, fileSha: baseFileSha };
      } catch (e) {
        // Someone (or a concurrent retry) made it between our read and our write: judge it like any existing branch.
        if (statusOf(e) !== 422) throw githubFailure(`could not create branch ${branch} in ${owner}/${repo}`, e);
        head = await branchSha(client, owner, repo, branch);
        if (!head) throw githubFailure(`could not create branch ${branch} in ${owner}/${repo}`, e);
      }
    }
    if (head === baseHead) return { branch, fileSha: baseFileSha };
    const there = await fileAt(client, owner, repo, filePath, head);
    if (there?.text === newContent) return { branch, fileSha: null };
    if (options.updateOpenPull && (await openPullFrom(client, owner, repo, branch, base))) return { branch, fileSha: there?.sha };
  }
  throw new GithubWriteError(`${owner}/${repo}: branches ${branchName} to ${branchName}-${MAX_BRANCH_SUFFIX} all hold other work; delete some or pick another branch name`);
}

async function openPullFrom(client: GithubClient, owner: string, repo: string, branch: string, base: string): Promise<FilePullRequest | undefined> {
  const { data } = await client.request('GET /repos/{owner}/{repo}/pulls', { owner, repo, head: `${owner}:${branch}`, base, state: 'open', per_page: 1 });
  return data[0] ? { url: data[0].html_url, number: data[0].number, branch } : undefined;
}

async function openPullFor(client: GithubClient, options: FilePullRequestOptions, branch: string, base: string): Promise<FilePullRequest> {
  const { owner, repo } = options;
  const existing = () => openPullFrom(client, owner, repo, branch, base);
  const found = await existing();
  if (found) return found;
  try {
    const { data } = await client.request('POST /repos/{owner}/{repo}/pulls', { owner, repo, title: options.title, body: options.body, head: branch, base });
    return { url: data.html_url, number: data.number, branch };
  } catch (e) {
    // A concurrent retry opened it first.
    const raced = statusOf(e) === 422 ? await existing() : undefined;
    if (raced) return raced;
    throw githubFailure(`could not open the pull request from ${branch} into ${base} in ${owner}/${repo}`, e);
  }
}

export async function openFilePullRequest(client: GithubClient, options: FilePullRequestOptions): Promise<FilePullRequest> {
  check(options);
  const { owner, repo, filePath } = options;
  let base = options.baseBranch;
  if (base === undefined) {
    try {
      base = (await client.request('GET /repos/{owner}/{repo}', { owner, repo })).data.default_branch;
    } catch (e) {
      throw statusOf(e) === 404 ? new GithubWriteError(`repository ${owner}/${repo} does not exist or the token cannot see it`, 404) : githubFailure(`could not read ${owner}/${repo}`, e);
    }
  }
  // The file is read at the head commit (not the branch name) so the check and the new branch agree.
  const baseHead = await branchSha(client, owner, repo, base);
  if (!baseHead) throw new GithubWriteError(`branch ${base} does not exist in ${owner}/${repo}`, 404);
  const current = await fileAt(client, owner, repo, filePath, baseHead);
  if (!current && !options.createIfMissing) throw new GithubWriteError(`${filePath} does not exist on ${base} in ${owner}/${repo}`, 404);
  if (current && options.expectedSha !== undefined && current.sha !== options.expectedSha) {
    throw new StaleFileError(`${filePath} in ${owner}/${repo} changed on ${base} since it was read (expected ${options.expectedSha.slice(0, 7)}, now ${current.sha.slice(0, 7)}); reload it and try again`, 409);
  }
  if (current?.text === options.newContent) throw new GithubWriteError(`${filePath} on ${base} in ${owner}/${repo} already has this content; there is nothing to propose`);

  const { branch, fileSha } = await claimBranch(client, options, base, baseHead, current?.sha);
  if (fileSha !== null) {
    try {
      await client.request('PUT /repos/{owner}/{repo}/contents/{path}', {
        owner,
        repo,
        path: filePath,
        branch,
        // No sha: the file is new on this branch (createIfMissing).
        ...(fileSha ? { sha: fileSha } : {}),
        message: options.commitMessage,
        content: Buffer.from(options.newContent, 'utf8').toString('base64'),
        ...(options.author ? { author: options.author } : {}),
        // A 409 (the file moved under us) is final; the retry plugin would otherwise repeat it for seconds.
        request: { retries: 0 },
      });
    } catch (e) {
      if (statusOf(e) === 409) throw new StaleFileError(`${filePath} changed on branch ${branch} in ${owner}/${repo} while the change was being committed; try again`, 409);
      throw githubFailure(`could not commit ${filePath} to ${branch} in ${owner}/${repo}`, e);
    }
  }
  return openPullFor(client, options, branch, base);
}
