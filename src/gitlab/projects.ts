/**
 * Reading a group's projects and their catalog files from GitLab: the group's project listing with
 * `include_subgroups`, 100 a page, followed by `X-Next-Page` (or the `Link` header's `rel="next"`),
 * and single files from the default branch. A listing that fails part-way throws: only a complete
 * listing may tell the sync that a project is gone.
 */
import { statusOf, type GitlabClient } from './client.js';

export interface ListedProject {
  id: number;
  /** Full path, e.g. `acme/platform/payments-api`. */
  path: string;
  /** Own path (last segment). */
  name: string;
  archived: boolean;
  defaultBranch: string | null;
  lastActivityAt: string;
  webUrl: string;
}

interface ProjectJson {
  id: number;
  path: string;
  path_with_namespace: string;
  archived?: boolean;
  default_branch?: string | null;
  last_activity_at?: string;
  web_url: string;
}

interface Expanded<T> {
  data: T[];
  paginationInfo: { next: number | null };
}

export const toListed = (p: ProjectJson): ListedProject => ({
  id: p.id,
  path: p.path_with_namespace,
  name: p.path,
  archived: Boolean(p.archived),
  defaultBranch: p.default_branch ?? null,
  lastActivityAt: p.last_activity_at ?? '',
  webUrl: p.web_url,
});

/**
 * Every non-archived project of the group and its subgroups, page by page (ordered by id, so pages
 * are stable); undefined when there is no such group (the path may name a project instead).
 */
export async function listGroupProjects(client: GitlabClient, group: string): Promise<ListedProject[] | undefined> {
  const out: ListedProject[] = [];
  for (let page = 1; page; ) {
    let answer: Expanded<ProjectJson>;
    try {
      answer = (await client.Groups.allProjects(group, {
        includeSubgroups: true,
        archived: false,
        orderBy: 'id',
        sort: 'asc',
        perPage: 100,
        page,
        showExpanded: true,
        pagination: 'offset',
      } as never)) as unknown as Expanded<ProjectJson>;
    } catch (e) {
      if (statusOf(e) === 404 && page === 1) return undefined;
      throw e;
    }
    out.push(...answer.data.map(toListed));
    page = answer.paginationInfo.next ?? 0;
  }
  return out;
}

/** One project by full path or id; undefined when GitLab does not know it (deleted, renamed away, no access). */
export async function showProject(client: GitlabClient, ref: string | number): Promise<ListedProject | undefined> {
  try {
    return toListed((await client.Projects.show(ref)) as unknown as ProjectJson);
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw e;
  }
}

/** A file's text on `ref`; undefined when it is not there. */
export async function readProjectFile(client: GitlabClient, project: number | string, path: string, ref: string): Promise<string | undefined> {
  try {
    const file = (await client.RepositoryFiles.show(project, path, ref)) as unknown as { content: string; encoding?: string };
    return Buffer.from(String(file.content), file.encoding === 'text' ? 'utf8' : 'base64').toString('utf8');
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw e;
  }
}

/** Every file path on `ref` (recursive tree listing, paged). */
export async function listProjectFiles(client: GitlabClient, project: number | string, ref: string): Promise<string[]> {
  const out: string[] = [];
  for (let page = 1; page; ) {
    const answer = (await client.Repositories.allRepositoryTrees(project, { ref, recursive: true, perPage: 100, page, showExpanded: true, pagination: 'offset' } as never)) as unknown as Expanded<{ path: string; type: string }>;
    out.push(...answer.data.filter((e) => e.type === 'blob').map((e) => e.path));
    page = answer.paginationInfo.next ?? 0;
  }
  return out;
}

/** When `path` was last committed on `ref` (one request); undefined when GitLab lists no commit for it. */
export async function lastCommitDate(client: GitlabClient, project: number | string, path: string, ref: string): Promise<Date | undefined> {
  const commits = (await client.Commits.all(project, { refName: ref, path, perPage: 1, maxPages: 1 })) as unknown as { committed_date?: string }[];
  const date = commits[0]?.committed_date;
  return date ? new Date(date) : undefined;
}
