/**
 * A GitLab group as a source: one tree per project (`<group>/…/<project>`) holding the catalog file
 * of its default branch. Every sync lists the group's non-archived projects (subgroups included);
 * only projects whose `last_activity_at`, id or default branch changed are read again, the rest are
 * preserved. A project missing from a complete listing (deleted, archived, moved away) hands out no
 * tree and is not preserved, so its entities leave the catalog: deletion on proof only.
 */
import { createHash } from 'node:crypto';
import type { GitlabClient } from '../../gitlab/client.js';
import { projectTree } from '../../gitlab/project-tree.js';
import { lastCommitDate, listGroupProjects, readProjectFile, showProject, type ListedProject } from '../../gitlab/projects.js';
import { gitlabSourceHas, gitlabSourceId, parseGitlabSource } from '../../gitlab/source-spec.js';
import type { Logger } from '../../logger.js';
import type { Snapshot, SourceDriver, Tree } from '../types.js';

/** What is remembered per project (by full path) between syncs. */
interface ProjectState {
  i: number;
  /** last_activity_at when last read. */
  a: string;
  b: string | null;
  /** Whether it held catalog files (always true with several paths and a default branch). */
  f: boolean;
}

interface GitlabState {
  v: 1;
  path: string;
  projects: Record<string, ProjectState>;
}

export interface GitlabDriverOptions {
  source: string;
  client: () => GitlabClient;
  logger: Logger;
  /** Projects read at once (files are one request each). */
  concurrency?: number;
}

const revisionOf = (s: GitlabState) =>
  createHash('sha256')
    .update(JSON.stringify([s.v, s.path, Object.entries(s.projects).map(([p, x]) => [p, x.i, x.a, x.b, x.f])]))
    .digest('hex');

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

export function gitlabDriver(options: GitlabDriverOptions): SourceDriver {
  const spec = parseGitlabSource(options.source);
  const multi = spec.paths !== undefined;
  const pathKey = spec.paths?.join(',') ?? spec.path;
  const id = gitlabSourceId(spec);
  const log = options.logger.child({ source: id });
  const concurrency = options.concurrency ?? 8;
  const has = (p: ListedProject) => gitlabSourceHas(spec, p.path);

  /** Reads the projects' entry files; fills `states` and returns their trees. */
  async function read(projects: ListedProject[], states: Record<string, ProjectState>): Promise<Tree[]> {
    const trees: Tree[] = [];
    await pool(projects, concurrency, async (p) => {
      if (!p.defaultBranch) {
        states[p.path] = { i: p.id, a: p.lastActivityAt, b: null, f: false };
        return;
      }
      const project = { ...p, defaultBranch: p.defaultBranch };
      const text = await readProjectFile(options.client(), p.id, spec.path, p.defaultBranch);
      states[p.path] = { i: p.id, a: p.lastActivityAt, b: p.defaultBranch, f: multi || text !== undefined };
      // The files API carries no commit time: one more request, for changed projects only, feeds staleness.
      const committedAt = text !== undefined ? await lastCommitDate(options.client(), p.id, spec.path, p.defaultBranch) : undefined;
      if (multi || text !== undefined) trees.push(projectTree({ client: options.client(), project, entry: { path: spec.path, text, ...(committedAt ? { committedAt } : {}) }, ...(spec.paths ? { paths: spec.paths } : {}) }));
    });
    return trees.sort((x, y) => x.name.localeCompare(y.name));
  }

  function snapshotOf(state: GitlabState, trees: Tree[], preserved: Set<string>): Snapshot {
    const lower = new Set([...preserved].map((p) => p.toLowerCase()));
    return {
      revision: revisionOf(state),
      trees,
      // File paths are `<project path>/<file>`; the project path has a varying depth, so try each prefix.
      preserve: (filePath) => {
        const parts = filePath.toLowerCase().split('/');
        for (let n = parts.length - 1; n >= 2; n--) if (lower.has(parts.slice(0, n).join('/'))) return true;
        return false;
      },
      state: state as unknown as Record<string, unknown>,
    };
  }

  /** The group's projects; a path that is no group but one project (catalog:register adds those) is that project. */
  async function discover(): Promise<ListedProject[]> {
    const listed = await listGroupProjects(options.client(), spec.group);
    if (listed) return listed;
    const project = spec.glob ? undefined : await showProject(options.client(), spec.group);
    if (!project) throw new Error(`GitLab has no group or project ${spec.group} (or GITLAB_TOKEN cannot see it)`);
    return project.archived ? [] : [project];
  }

  async function full(lastRevision: string | null, previous: GitlabState | undefined): Promise<Snapshot | null> {
    const listing = (await discover()).filter(has);
    const projects: Record<string, ProjectState> = {};
    const changed: ListedProject[] = [];
    const preserved = new Set<string>();
    for (const p of listing) {
      const before = previous?.projects[p.path];
      if (before && before.i === p.id && before.a === p.lastActivityAt && before.b === p.defaultBranch) {
        // Rebuilt, not reused: jsonb hands keys back in its own order, and the revision hashes the text.
        projects[p.path] = { i: before.i, a: before.a, b: before.b, f: before.f };
        if (before.f) preserved.add(p.path);
      } else changed.push(p);
    }
    const gone = previous ? Object.keys(previous.projects).filter((p) => !(p in projects) && !changed.some((c) => c.path === p)).length : 0;
    if (previous && !changed.length && lastRevision === revisionOf({ v: 1, path: pathKey, projects: sortKeys(projects) })) return null;
    const trees = await read(changed, projects);
    const state: GitlabState = { v: 1, path: pathKey, projects: sortKeys(projects) };
    log.info({ projects: listing.length, read: changed.length, preserved: preserved.size, gone }, 'GitLab group listed');
    return snapshotOf(state, trees, preserved);
  }

  /** Only the named projects (a webhook); everything else is preserved as it is. */
  async function scoped(previous: GitlabState, names: string[]): Promise<Snapshot> {
    const projects = { ...previous.projects };
    const touched = new Set<string>();
    const found: ListedProject[] = [];
    for (const name of names) {
      const known = Object.keys(projects).find((k) => k.toLowerCase() === name.toLowerCase());
      if (known) delete projects[known];
      touched.add(name.toLowerCase());
      const p = await showProject(options.client(), name);
      // GitLab may answer an old path with the renamed project: that one is read under its own path.
      if (!p || p.archived || !has(p)) continue;
      const again = Object.keys(projects).find((k) => k.toLowerCase() === p.path.toLowerCase());
      if (again) delete projects[again];
      touched.add(p.path.toLowerCase());
      found.push(p);
    }
    const trees = await read(found, projects);
    const state: GitlabState = { v: 1, path: previous.path, projects: sortKeys(projects) };
    const preserved = new Set(Object.entries(projects).filter(([p, s]) => s.f && !touched.has(p.toLowerCase())).map(([p]) => p));
    log.info({ projects: names, read: trees.length }, 'GitLab projects re-read');
    return snapshotOf(state, trees, preserved);
  }

  return {
    id,
    kind: 'gitlab',
    target: options.source,
    async snapshot(lastRevision, state, scope) {
      const s = state as Partial<GitlabState> | null;
      const previous = lastRevision !== null && s?.v === 1 && s.path === pathKey && s.projects && typeof s.projects === 'object' ? (s as GitlabState) : undefined;
      // `<project>/https://…`: a project whose file named a url target that changed is read again
      // (the rest of the group's listing waits for the next sync).
      const reread = (scope?.reread ?? []).map((k) => k.slice(0, Math.max(0, k.search(/https?:\/\//) - 1))).filter((t) => t && gitlabSourceHas(spec, t));
      if ((scope?.trees || reread.length) && previous) {
        const names = [...new Set([...(scope?.trees ?? []).filter((t) => gitlabSourceHas(spec, t)), ...reread])];
        return names.length ? scoped(previous, names) : null;
      }
      return full(lastRevision, previous);
    },
  };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
