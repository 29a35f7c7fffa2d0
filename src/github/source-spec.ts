/**
 * `github:<org>`, `github:<org>/<repo-glob>` and `?path=<file>`: which repositories of which
 * organisation, and which files in each hold its catalog entities (`?path=` takes a comma list
 * and globs, or is given several times).
 */
import { globMatches } from '../sync/location-targets.js';

export const DEFAULT_CATALOG_PATH = 'catalog-info.yaml';

export interface GithubSourceSpec {
  org: string;
  /** Repository name glob (`*`, `?`), matched case-insensitively as GitHub names are; undefined for all. */
  glob?: string;
  /** The catalog file read with the repository listing (the first literal path of `paths`). */
  path: string;
  /** Set when `?path=` names several files or a glob (`a.yaml,b.yaml`, `services/*\/catalog-info.yaml`): every one is an entry point. */
  paths?: string[];
}

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const GLOB = /^[A-Za-z0-9._*?-]+$/;
/** A `?path=` entry that is a glob (matched as Backstage's GitHub reader searches: minimatch). */
export const PATH_GLOB = /[*?]/;

export function parseGithubSource(source: string): GithubSourceSpec {
  const match = /^github:([^/?]+)(?:\/([^?]*))?(?:\?(.*))?$/.exec(source.trim());
  if (!match) throw new Error(`"${source}" is not a GitHub source; expected github:<org>, github:<org>/<repo-glob> or github:<org>?path=<file>`);
  const [, org, glob, queryString] = match;
  if (!NAME.test(org)) throw new Error(`"${source}": "${org}" is not a GitHub organisation name`);
  if (glob !== undefined && glob !== '' && !GLOB.test(glob)) throw new Error(`"${source}": "${glob}" is not a repository name or glob (letters, digits, . _ - * ?)`);
  const params = new URLSearchParams(queryString ?? '');
  for (const key of params.keys()) if (key !== 'path') throw new Error(`"${source}": unknown option "${key}" (only path=<file> is supported)`);
  const written = params.getAll('path').flatMap((p) => p.split(',')).map((p) => p.trim());
  const paths: string[] = [];
  for (const raw of written.length ? written : [DEFAULT_CATALOG_PATH]) {
    const clean = normalisePath(raw);
    if (clean === undefined || clean.split('/').includes('.git')) throw new Error(`"${source}": path must be a file inside the repository, got "${raw}"`);
    if (!paths.includes(clean)) paths.push(clean);
  }
  const path = paths.find((p) => !PATH_GLOB.test(p)) ?? DEFAULT_CATALOG_PATH;
  return { org, glob: glob ? glob : undefined, path, ...(paths.length > 1 || PATH_GLOB.test(paths[0]!) ? { paths } : {}) };
}

/** The canonical id of a source: org and glob as written, the path only when it is not the default. */
export function githubSourceId(spec: GithubSourceSpec): string {
  const path = spec.paths ? spec.paths.join(',') : spec.path;
  return `github:${spec.org}${spec.glob ? `/${spec.glob}` : ''}${path === DEFAULT_CATALOG_PATH ? '' : `?path=${path}`}`;
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

/**
 * The entry points of a repository read with `?path=`: plain paths as given (a missing one is
 * skipped by the scan), globs expanded against the repository's file list, listed only when a glob
 * needs it.
 */
export async function expandEntryPaths(paths: string[], list: () => Promise<string[]>): Promise<string[]> {
  const files = paths.some((p) => PATH_GLOB.test(p)) ? await list() : [];
  const out = new Set<string>();
  for (const p of paths) {
    if (!PATH_GLOB.test(p)) out.add(p);
    else for (const f of files.filter((f) => globMatches(p, f)).sort()) out.add(f);
  }
  return [...out];
}
