/**
 * The nudges' PullRequestOpener on GitLab: reads an entity's file where its view URL points and
 * opens a merge request with the edited text on a new branch. The file is read again just before
 * committing: an edit made in between is refused instead of overwritten.
 */
import type { PullRequestOpener } from '../nudges/ports.js';
import type { GitlabClient } from './client.js';
import { parseGitlabFileUrl } from './file-url.js';
import { openFileMergeRequest } from './merge-request.js';
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
      const expected = readText.get(request.fileUrl);
      readText.delete(request.fileUrl);
      const { url } = await openFileMergeRequest(options.client(), { project: file.project, ref: file.ref, filePath: file.path, newContent: request.newContent, branch: request.branch, title: request.title, body: request.body, expected });
      return { url, kind: 'merge-request' };
    },
  };
}
