/**
 * "Add AGENTS.md" on GitHub: a pull request adding (or updating) a file at the root of the
 * repository an entity's catalog file lives in. The branch is one per component, so a later run
 * commits onto the pull request still open from it instead of opening a second one.
 */
import type { RootFileProposer } from '../nudges/ports.js';
import type { GithubClient } from './client.js';
import { isGithubFileOn, parseGithubFileUrl } from './file-url.js';
import { openFilePullRequest } from './pull-request.js';
import { statusOf } from './write-errors.js';

export interface GithubRootFileOptions {
  client: (owner: string) => Promise<GithubClient>;
  /** Web host of the configured GitHub: files elsewhere are not handled. */
  host: string;
}

async function current(client: GithubClient, owner: string, repo: string, path: string, ref: string): Promise<string | undefined> {
  try {
    const { data } = await client.rest.repos.getContent({ owner, repo, path, ref });
    return !Array.isArray(data) && data.type === 'file' && typeof data.content === 'string' ? Buffer.from(data.content, 'base64').toString('utf8') : undefined;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

export function githubRootFileProposer(options: GithubRootFileOptions): RootFileProposer {
  return {
    handles: (fileUrl) => isGithubFileOn(fileUrl, options.host),
    async propose(request) {
      const file = parseGithubFileUrl(request.fileUrl);
      const client = await options.client(file.owner);
      const before = await current(client, file.owner, file.repo, request.path, file.ref);
      const newContent = request.contentFrom(before);
      if (before === newContent) return { kind: 'unchanged' };
      const pr = await openFilePullRequest(client, {
        owner: file.owner,
        repo: file.repo,
        filePath: request.path,
        newContent,
        baseBranch: file.ref,
        createIfMissing: true,
        updateOpenPull: true,
        branchName: request.branch,
        title: request.title,
        body: request.body,
        commitMessage: request.title,
      });
      return { kind: 'pull-request', url: pr.url };
    },
  };
}
