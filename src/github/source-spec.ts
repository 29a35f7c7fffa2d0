/**
 * `github:<org>`, `github:<org>/<repo-glob>` and `?path=<file>`: which repositories of which
 * organisation, and which file in each holds its catalog entities.
 */
export const DEFAULT_CATALOG_PATH = 'catalog-info.yaml';

export interface GithubSourceSpec {
  org: string;
  /** Repository name glob (`*`, `?`), matched case-insensitively as GitHub names are; undefined for all. */
  glob?: string;
  path: string;
}

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const GLOB = /^[A-Za-z0-9._*?-]+$/;

export function parseGithubSource(source: string): GithubSourceSpec {
  const match = /^github:([^/?]+)(?:\/([^?]*))?(?:\?(.*))?$/.exec(source.trim());
  if (!match) throw new Error(`"${source}" is not a GitHub source; expected github:<org>, github:<org>/<repo-glob> or github:<org>?path=<file>`);
  const [, org, glob, queryString] = match;
  if (!NAME.test(org)) throw new Error(`"${source}": "${org}" is not a GitHub organisation name`);
  if (glob !== undefined && glob !== '' && !GLOB.test(glob)) throw new Error(`"${source}": "${glob}" is not a repository name or glob (letters, digits, . _ - * ?)`);
  const params = new URLSearchParams(queryString ?? '');
  for (const key of params.keys()) if (key !== 'path') throw new Error(`"${source}": unknown option "${key}" (only path=<file> is supported)`);
  const path = normalisePath(params.get('path') ?? DEFAULT_CATALOG_PATH);
  if (path === undefined) throw new Error(`"${source}": path must be a file inside the repository, got "${params.get('path')}"`);
  return { org, glob: glob ? glob : undefined, path };
}

/** The canonical id of a source: org and glob as written, the path only when it is not the default. */
export function githubSourceId(spec: GithubSourceSpec): string {
  return `github:${spec.org}${spec.glob ? `/${spec.glob}` : ''}${spec.path === DEFAULT_CATALOG_PATH ? '' : `?path=${spec.path}`}`;
}

export function globMatcher(glob: string | undefined): (name: string) => boolean {
  if (!glob) return () => true;
  const pattern = glob.replace(/[.+^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const regex = new RegExp(`^${pattern}$`, 'i');
  return (name) => regex.test(name);
}

/** A repository-relative posix path, or undefined when it leaves the repository or is empty. */
export function normalisePath(path: string): string | undefined {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.pop() === undefined) return undefined;
      continue;
    }
    parts.push(part);
  }
  return parts.length ? parts.join('/') : undefined;
}
