/**
 * `gitlab:<group>[/<subgroup>…][/<project-glob>][?path=<file>]`: which projects of which group (its
 * subgroups included) and which files in each hold catalog entities. GitLab paths nest, so a last
 * segment is a project glob only when it holds `*` or `?`; otherwise every segment is a (sub)group.
 * `?path=` takes a comma list and globs, as for `github:`.
 */
import { DEFAULT_CATALOG_PATH, globMatcher, normalisePath, PATH_GLOB } from '../github/source-spec.js';

export interface GitlabSourceSpec {
  /** Full path of the group, e.g. `acme/platform`. */
  group: string;
  /** Project path glob (`*`, `?`), case-insensitive; undefined for all. */
  glob?: string;
  /** The first literal catalog file; read for every project during discovery. */
  path: string;
  /** Set when `?path=` names several files or a glob: every one is an entry point. */
  paths?: string[];
}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const GLOB = /^[A-Za-z0-9_.*?-]+$/;

export function parseGitlabSource(source: string): GitlabSourceSpec {
  const match = /^gitlab:([^?]+?)\/*(?:\?(.*))?$/i.exec(source.trim());
  if (!match) throw new Error(`"${source}" is not a GitLab source; expected gitlab:<group>[/<subgroup>][/<project-glob>][?path=<file>]`);
  const segments = match[1]!.split('/');
  const last = segments.at(-1)!;
  const glob = segments.length > 1 && PATH_GLOB.test(last) ? last : undefined;
  const groups = glob ? segments.slice(0, -1) : segments;
  for (const s of groups) if (!SEGMENT.test(s)) throw new Error(`"${source}": "${s}" is not a GitLab group path segment`);
  if (glob !== undefined && !GLOB.test(glob)) throw new Error(`"${source}": "${glob}" is not a project path glob (letters, digits, . _ - * ?)`);
  const params = new URLSearchParams(match[2] ?? '');
  for (const key of params.keys()) if (key !== 'path') throw new Error(`"${source}": unknown option "${key}" (only path=<file> is supported)`);
  const written = params.getAll('path').flatMap((p) => p.split(',')).map((p) => p.trim());
  const paths: string[] = [];
  for (const raw of written.length ? written : [DEFAULT_CATALOG_PATH]) {
    const clean = normalisePath(raw);
    if (clean === undefined || clean.split('/').includes('.git')) throw new Error(`"${source}": path must be a file inside the project, got "${raw}"`);
    if (!paths.includes(clean)) paths.push(clean);
  }
  const path = paths.find((p) => !PATH_GLOB.test(p)) ?? DEFAULT_CATALOG_PATH;
  return { group: groups.join('/'), glob, path, ...(paths.length > 1 || PATH_GLOB.test(paths[0]!) ? { paths } : {}) };
}

export function gitlabSourceId(spec: GitlabSourceSpec): string {
  const path = spec.paths ? spec.paths.join(',') : spec.path;
  return `gitlab:${spec.group}${spec.glob ? `/${spec.glob}` : ''}${path === DEFAULT_CATALOG_PATH ? '' : `?path=${path}`}`;
}

/**
 * Whether a project (full path) belongs to the source: inside the group, its own name matching the
 * glob; or the project itself, when the source's path names one project (as catalog:register adds).
 */
export function gitlabSourceHas(spec: GitlabSourceSpec, projectPath: string): boolean {
  if (!spec.glob && projectPath.toLowerCase() === spec.group.toLowerCase()) return true;
  const prefix = `${spec.group.toLowerCase()}/`;
  if (!projectPath.toLowerCase().startsWith(prefix)) return false;
  return globMatcher(spec.glob)(projectPath.split('/').at(-1)!);
}

/** `gitlab-org:<group>[/<subgroup>]`: the groups and members under that group (see sources/gitlab-org.ts). */
export function parseGitlabOrgSource(source: string): { group: string } {
  const match = /^gitlab-org:([A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*)\/*$/i.exec(source.trim());
  if (!match) throw new Error(`"${source}" is not a GitLab org source; expected gitlab-org:<group>[/<subgroup>]`);
  return { group: match[1]! };
}
