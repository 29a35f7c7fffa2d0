/**
 * Proposes a new version of one file as a merge request: a branch from the target, one commit, the
 * MR. Nudges' Fix uses it with a fresh branch and the text it read (an edit made since is refused);
 * "Add AGENTS.md" uses it with one branch per component, so a later run commits onto the merge
 * request still open from that branch instead of opening a second one.
 */
import { statusOf, type GitlabClient } from './client.js';
import { readProjectFile } from './projects.js';

export interface FileMergeRequestOptions {
  project: string;
  /** The target branch (the entity file's branch). */
  ref: string;
  filePath: string;
  newContent: string;
  branch: string;
  title: string;
  body: string;
  /** The file's text when the caller read it: a different text on `ref` now is refused. */
  expected?: string;
  /** Commit onto the open merge request from `branch` when there is one, rather than a new branch. */
  reuseOpen?: boolean;
}

const MAX_BRANCH_SUFFIX = 20;

async function branchExists(client: GitlabClient, project: string, branch: string): Promise<boolean> {
  return client.Branches.show(project, branch).then(
    () => true,
    (e: unknown) => (statusOf(e) === 404 ? false : Promise.reject(e)),
  );
}

async function openFrom(client: GitlabClient, project: string, branch: string): Promise<{ web_url: unknown } | undefined> {
  const open = (await client.MergeRequests.all({ projectId: project, sourceBranch: branch, state: 'opened' })) as unknown as Array<{ web_url: unknown }>;
  return open[0];
}

/** The first of `branch`, `branch-2`, … that does not exist yet: an old branch may hold someone's work. */
async function freeBranch(client: GitlabClient, project: string, branch: string): Promise<string> {
  for (let n = 1; n <= MAX_BRANCH_SUFFIX; n++) {
    const name = n === 1 ? branch : `${branch}-${n}`;
    if (!(await branchExists(client, project, name))) return name;
  }
  throw new Error(`${project}: branches ${branch} to ${branch}-${MAX_BRANCH_SUFFIX} all exist; delete some of them`);
}

export async function openFileMergeRequest(client: GitlabClient, options: FileMergeRequestOptions): Promise<{ url: string }> {
  const { project, ref, filePath } = options;
  if (options.expected !== undefined) {
    const now = await readProjectFile(client, project, filePath, ref);
    if (now !== options.expected) throw new Error(`${filePath} in ${project} changed on ${ref} since it was read; try the fix again`);
  }
  const open = options.reuseOpen ? await openFrom(client, project, options.branch) : undefined;
  const branch = open ? options.branch : await freeBranch(client, project, options.branch);
  if (!open) await client.Branches.create(project, branch, ref);
  const there = await readProjectFile(client, project, filePath, branch);
  if (there !== options.newContent) {
    await client.Commits.create(project, branch, options.title, [{ action: there === undefined ? 'create' : 'update', filePath, content: options.newContent }]);
  }
  if (open) return { url: String(open.web_url) };
  const mr = await client.MergeRequests.create(project, branch, ref, options.title, { description: options.body, removeSourceBranch: true });
  return { url: String(mr.web_url) };
}
