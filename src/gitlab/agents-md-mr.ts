/**
 * "Add AGENTS.md" on GitLab: a merge request adding (or updating) a file at the root of the project
 * an entity's catalog file lives in, through the same merge request code as nudges' Fix. The branch
 * is one per component, so a later run commits onto the merge request still open from it.
 */
import type { RootFileProposer } from '../nudges/ports.js';
import type { GitlabClient } from './client.js';
import { parseGitlabFileUrl } from './file-url.js';
import { openFileMergeRequest } from './merge-request.js';
import { readProjectFile } from './projects.js';

export interface GitlabRootFileOptions {
  client: () => GitlabClient;
  /** GITLAB_URL: only files under it are handled. */
  webUrl: string;
}

export function gitlabRootFileProposer(options: GitlabRootFileOptions): RootFileProposer {
  return {
    handles: (fileUrl) => parseGitlabFileUrl(fileUrl, options.webUrl) !== undefined,
    async propose(request) {
      const file = parseGitlabFileUrl(request.fileUrl, options.webUrl);
      if (!file) throw new Error(`${request.fileUrl} is not a file on ${options.webUrl}`);
      const client = options.client();
      const before = await readProjectFile(client, file.project, request.path, file.ref);
      const newContent = request.contentFrom(before);
      if (before === newContent) return { kind: 'unchanged' };
      const { url } = await openFileMergeRequest(client, { project: file.project, ref: file.ref, filePath: request.path, newContent, branch: request.branch, title: request.title, body: request.body, reuseOpen: true });
      return { kind: 'merge-request', url };
    },
  };
}
