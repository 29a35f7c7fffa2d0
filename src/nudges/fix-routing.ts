/**
 * Nudges' Fix and "Add AGENTS.md" on several code hosts: the first one that handles a file's URL
 * (GitHub's pull requests, GitLab's merge requests) does the work; a URL none handles gets the edit
 * link (Fix) or a refusal (AGENTS.md).
 */
import type { PullRequestOpener, RootFileProposer } from './ports.js';

function picker<T extends { handles(fileUrl: string): boolean }>(hosts: T[]): (fileUrl: string) => T {
  return (fileUrl) => {
    const host = hosts.find((o) => o.handles(fileUrl));
    if (!host) throw new Error(`no code host handles ${fileUrl}`);
    return host;
  };
}

export function routeOpeners(openers: PullRequestOpener[]): PullRequestOpener | undefined {
  if (openers.length <= 1) return openers[0];
  const pick = picker(openers);
  return {
    handles: (fileUrl) => openers.some((o) => o.handles(fileUrl)),
    readFile: (fileUrl) => pick(fileUrl).readFile(fileUrl),
    open: (request) => pick(request.fileUrl).open(request),
  };
}

export function routeProposers(proposers: RootFileProposer[]): RootFileProposer | undefined {
  if (proposers.length <= 1) return proposers[0];
  const pick = picker(proposers);
  return {
    handles: (fileUrl) => proposers.some((p) => p.handles(fileUrl)),
    propose: (request) => pick(request.fileUrl).propose(request),
  };
}
