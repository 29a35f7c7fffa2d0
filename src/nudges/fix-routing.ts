/**
 * Nudges' Fix on several code hosts: the first opener that handles a file's URL (GitHub's pull
 * requests, GitLab's merge requests) reads and changes it; a URL none handles gets the edit link.
 */
import type { PullRequestOpener } from './ports.js';

export function routeOpeners(openers: PullRequestOpener[]): PullRequestOpener | undefined {
  if (openers.length <= 1) return openers[0];
  const pick = (fileUrl: string) => {
    const opener = openers.find((o) => o.handles(fileUrl));
    if (!opener) throw new Error(`no code host handles ${fileUrl}`);
    return opener;
  };
  return {
    handles: (fileUrl) => openers.some((o) => o.handles(fileUrl)),
    readFile: (fileUrl) => pick(fileUrl).readFile(fileUrl),
    open: (request) => pick(request.fileUrl).open(request),
  };
}
