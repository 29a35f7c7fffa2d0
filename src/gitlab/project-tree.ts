/**
 * One GitLab project as a `Tree`: its catalog file was read during discovery; other files (Location
 * targets, `$text` placeholders) are read on demand from the default branch. Locations point at the
 * GitLab web UI (`/-/blob/`, `/-/edit/`, `/-/tree/`), so Backstage's location annotations work.
 */
import type { FileLocation, Tree } from '../sync/types.js';
import { expandEntryPaths, normalisePath } from '../github/source-spec.js';
import type { GitlabClient } from './client.js';
import { lastCommitDate, listProjectFiles, readProjectFile, type ListedProject } from './projects.js';

export interface ProjectTreeOptions {
  client: GitlabClient;
  project: ListedProject & { defaultBranch: string };
  /** The entry point read during discovery, its text (undefined: not there) and last commit time. */
  entry: { path: string; text: string | undefined; committedAt?: Date };
  /** Several catalog files or globs: all are entry points, missing ones skipped. */
  paths?: string[];
}

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');
/** Files that may hold entities get their last commit time (for staleness); `$text` targets need none. */
const HOLDS_ENTITIES = /\.ya?ml$/i;

export function projectTree(options: ProjectTreeOptions): Tree {
  const { client, project, entry, paths } = options;
  const branch = project.defaultBranch;
  const web = project.webUrl.replace(/\/+$/, '');
  const inside = (path: string): string => {
    const clean = normalisePath(path);
    if (clean === undefined) throw new Error(`${path} is outside project ${project.path}`);
    return clean;
  };
  let listed: Promise<string[]> | undefined;
  const committed = new Map<string, Date>();
  if (entry.committedAt) committed.set(entry.path, entry.committedAt);
  return {
    name: project.path,
    scanned: paths !== undefined,
    async entryPoints() {
      if (!paths) return entry.text !== undefined ? [entry.path] : [];
      return expandEntryPaths(paths, () => this.list!());
    },
    async read(path) {
      const file = inside(path);
      if (file === entry.path) return entry.text;
      const text = await readProjectFile(client, project.id, file, branch);
      if (text !== undefined && HOLDS_ENTITIES.test(file) && !committed.has(file)) {
        const date = await lastCommitDate(client, project.id, file, branch);
        if (date) committed.set(file, date);
      }
      return text;
    },
    list: () => (listed ??= listProjectFiles(client, project.id, branch)),
    locationOf(path): FileLocation {
      const file = inside(path);
      const dir = file.includes('/') ? `${file.slice(0, file.lastIndexOf('/'))}/` : '';
      const viewUrl = `${web}/-/blob/${encodePath(branch)}/${encodePath(file)}`;
      return {
        type: 'url',
        target: viewUrl,
        viewUrl,
        editUrl: `${web}/-/edit/${encodePath(branch)}/${encodePath(file)}`,
        sourceLocation: `url:${web}/-/tree/${encodePath(branch)}/${encodePath(dir)}`,
      };
    },
    committedAt(path) {
      const file = normalisePath(path);
      return file === undefined ? undefined : committed.get(file);
    },
  };
}
