/**
 * The template filters Backstage adds to nunjucks' standard ones: parseRepoUrl, parseEntityRef,
 * pick, projectSlug. Same inputs, same outputs, same errors.
 */
import { parseEntityRef as parseRef } from '@backstage/catalog-model';
import lodash from 'lodash';

export interface RepoSpec {
  host: string;
  repo: string;
  owner?: string;
  organization?: string;
  workspace?: string;
  project?: string;
}

/** `github.com?owner=acme&repo=payments` -> its parts (Backstage's parseRepoUrl). */
export function parseRepoUrl(repoUrl: unknown): RepoSpec {
  if (typeof repoUrl !== 'string') throw new Error(`Invalid repo URL passed to parseRepoUrl: ${JSON.stringify(repoUrl)}, expected a string`);
  let url: URL;
  try {
    url = new URL(`https://${repoUrl}`);
  } catch {
    throw new Error(`Invalid repo URL passed to publisher, got ${repoUrl}`);
  }
  const host = url.host;
  const get = (key: string) => url.searchParams.get(key) ?? undefined;
  const repo = get('repo');
  const owner = get('owner');
  const organization = get('organization');
  const workspace = get('workspace');
  const project = get('project');
  if (!host) throw new Error(`Invalid repo URL passed to publisher: ${repoUrl}, missing host`);
  if (!repo) throw new Error(`Invalid repo URL passed to publisher: ${repoUrl}, missing repo`);
  if (!owner && !organization && !workspace && !project) throw new Error(`Invalid repo URL passed to publisher: ${repoUrl}, missing owner`);
  return {
    host,
    repo,
    ...(owner ? { owner } : {}),
    ...(organization ? { organization } : {}),
    ...(workspace ? { workspace } : {}),
    ...(project ? { project } : {}),
  };
}

export function projectSlug(repoUrl: unknown): string {
  const { owner, repo } = parseRepoUrl(repoUrl);
  return `${owner}/${repo}`;
}

export function parseEntityRef(ref: unknown, context?: { defaultKind?: string; defaultNamespace?: string }) {
  return parseRef(ref as string, context);
}

/** `obj | pick('metadata.name')`: lodash's get, as Backstage uses. */
export function pick(value: unknown, path: unknown): unknown {
  return lodash.get(value, path as string);
}

export const templateFilters: Record<string, (...args: any[]) => unknown> = { parseRepoUrl, parseEntityRef, pick, projectSlug };
