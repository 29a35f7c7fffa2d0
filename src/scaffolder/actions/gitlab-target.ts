/** Shared by the GitLab actions: which project a `repoUrl` names on the configured GitLab. */
import type { GitlabClient } from '../../gitlab/client.js';
import { parseRepoUrl } from '../filters.js';

export interface GitlabActionOptions {
  /** The client for the configured GitLab (GITLAB_TOKEN, GITLAB_URL). */
  client: () => GitlabClient;
  /** Host a repoUrl must name (gitlab.com, or the self-managed host): other hosts are refused. */
  host: string;
}

export interface GitlabTarget {
  /** The group (or user) path, e.g. `acme/platform`. */
  owner: string;
  repo: string;
  projectPath: string;
  client: GitlabClient;
}

export function gitlabTarget(options: GitlabActionOptions, repoUrl: string, action: string): GitlabTarget {
  const spec = parseRepoUrl(repoUrl);
  if (spec.host.toLowerCase() !== options.host) throw new Error(`${action}: repoUrl host ${spec.host} is not the configured GitLab (${options.host})`);
  const owner = spec.owner ?? spec.organization;
  if (!owner) throw new Error(`${action}: repoUrl ${repoUrl} names no owner (group or user)`);
  if (!/^[\w.-]+(\/[\w.-]+)*$/.test(owner) || !/^[\w.-]+$/.test(spec.repo)) throw new Error(`${action}: repoUrl ${repoUrl} is not a GitLab group/project path`);
  return { owner, repo: spec.repo, projectPath: `${owner}/${spec.repo}`, client: options.client() };
}

/** GitLab user ids for usernames, failing with the name that does not exist. */
export async function userIds(client: GitlabClient, usernames: string[], what: string): Promise<number[]> {
  const ids: number[] = [];
  for (const username of usernames) {
    const [user] = await client.Users.all({ username, perPage: 1, maxPages: 1 });
    if (!user) throw new Error(`${what}: no GitLab user ${username}`);
    ids.push(user.id as number);
  }
  return ids;
}
