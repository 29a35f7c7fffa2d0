/**
 * The nudges' PullRequestOpener on GitHub: reads an entity's file where its view URL points and
 * opens a pull request with the edited text. The sha read is checked again when committing, so an
 * edit made in between is refused instead of overwritten.
 */
import type { PullRequestOpener } from '../nudges/ports.js';
import type { GithubClient } from './client.js';
import { isGithubFileOn, parseGithubFileUrl } from './file-url.js';
import { openFilePullRequest } from './pull-request.js';

export interface GithubOpenerOptions {
  /** A client for the repository owner (token, or the App's installation for that owner). */
  client: (owner: string) => Promise<GithubClient>;
  /** Web host of the configured GitHub (github.com or the Enterprise Server host). */
  host: string;
}

export function githubPullRequestOpener(options: GithubOpenerOptions): PullRequestOpener {
  const shaByUrl = new Map<string, string>();
  const locate = (fileUrl: string) => parseGithubFileUrl(fileUrl);
  return {
    handles: (fileUrl) => isGithubFileOn(fileUrl, options.host),
    async readFile(fileUrl) {
      const file = locate(fileUrl);
      const client = await options.client(file.owner);
      const { data } = await client.rest.repos.getContent({ owner: file.owner, repo: file.repo, path: file.path, ref: file.ref });
      if (Array.isArray(data) || data.type !== 'file' || typeof data.content !== 'string') throw new Error(`${file.path} in ${file.owner}/${file.repo} is not a file`);
      shaByUrl.set(fileUrl, data.sha);
      return Buffer.from(data.content, 'base64').toString('utf8');
    },
    async open(request) {
      const file = locate(request.fileUrl);
      const client = await options.client(file.owner);
      const expectedSha = shaByUrl.get(request.fileUrl);
      shaByUrl.delete(request.fileUrl);
      const pr = await openFilePullRequest(client, {
        owner: file.owner,
        repo: file.repo,
        filePath: file.path,
        newContent: request.newContent,
        baseBranch: file.ref,
        branchName: request.branch,
        title: request.title,
        body: request.body,
        commitMessage: request.title,
        expectedSha,
      });
      return { url: pr.url };
    },
  };
}
