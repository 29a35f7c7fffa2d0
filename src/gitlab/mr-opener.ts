/**
 * The nudges' PullRequestOpener on GitLab: reads an entity's file where its view URL points and
 * opens a merge request with the edited text on a new branch. The file is read again just before
 * committing: an edit made in between is refused instead of overwritten.
 */
import type { PullRequestOpener } from '../nudges/ports.js';
import type { GitlabClient } from './client.js';
import { parseGitlabFileUrl } from './file-url.js';
import { readProjectFile } from './projects.js';

export interface GitlabOpenerOptions {
  client: () => GitlabClient;
  /** GITLAB_URL: only files under it are handled. */
  webUrl: string;
}

export function gitlabMergeRequestOpener(options: GitlabOpenerOptions): PullRequestOpener {
  const readText = new Map<string, string>();
  const locate = (fileUrl: string) => {
    const file = parseGitlabFileUrl(fileUrl, options.webUrl);
    if (!file) throw new Error(`${fileUrl} is not a file on ${options.webUrl}`);
    return file;
  };
  return {
    handles: (fileUrl) => parseGitlabFileUrl(fileUrl, options.webUrl) !== undefined,
    async readFile(fileUrl) {
      const file = locate(fileUrl);
      const text = await readProjectFile(options.client(), file.project, file.path, file.ref);
      if (text === undefined) throw new Error(`${file.path} is no longer in ${file.project} on ${file.ref}`);
      readText.set(fileUrl, text);
      return text;
    },
    async open(request) {
      const file = locate(request.fileUrl);
      const client = options.client();
      const expected = readText.get(request.fileUrl);
      readText.delete(request.fileUrl);
      const now = await readProjectFile(client, file.project, file.path, file.ref);
      if (expected !== undefined && now !== expected) throw new Error(`${file.path} in ${file.project} changed on ${file.ref} since it was read; try the fix again`);
      await client.Branches.create(file.project, request.branch, file.ref);
      await client.Commits.create(file.project, request.branch, request.title, [{ action: 'update', filePath: file.path, content: request.newContent }]);
      const mr = await client.MergeRequests.create(file.project, request.branch, file.ref, request.title, { description: request.body, removeSourceBranch: true });
      return { url: String(mr.web_url) };
    },
  };
}
