/**
 * The state behind the fake GitLab: groups (with subgroups), users and projects, each project with
 * branches of files and merge requests. Ids are numbers as on GitLab; paths are full paths
 * (`acme/platform/api`). Shaped after the REST v4 objects the server returns.
 */
export interface FakeGroup {
  id: number;
  path: string;
  full_path: string;
  parent_id: number | null;
  name?: string;
  description?: string;
}

export interface FakeUser {
  id: number;
  username: string;
  name: string;
  /** Shown to anyone; `email` only to administrators. */
  public_email?: string;
  email?: string;
  state?: 'active' | 'blocked';
  bot?: boolean;
}

export interface FakeCommit {
  id: string;
  branch: string;
  message: string;
  author_name?: string;
  author_email?: string;
  committed_date: string;
  actions: Array<{ action: string; file_path: string }>;
}

export interface FakeMergeRequest {
  id: number;
  iid: number;
  title: string;
  description: string;
  source_branch: string;
  target_branch: string;
  state: 'opened' | 'merged' | 'closed';
  remove_source_branch: boolean;
  assignee_id: number | null;
  reviewer_ids: number[];
  labels: string[];
}

export interface FakeProject {
  id: number;
  name: string;
  path: string;
  namespaceId: number;
  path_with_namespace: string;
  default_branch: string;
  visibility: string;
  description: string | null;
  topics: string[];
  archived: boolean;
  last_activity_at: string;
  /** branch -> path -> content */
  branches: Map<string, Map<string, string>>;
  commits: FakeCommit[];
  mergeRequests: FakeMergeRequest[];
}

let seq = 0;
const nextSha = () => (++seq).toString(16).padStart(40, 'a');

export class FakeGitlabModel {
  groups = new Map<number, FakeGroup>();
  projects = new Map<number, FakeProject>();
  users: FakeUser[] = [{ id: 1, username: 'callsheet-bot', name: 'Callsheet Bot', bot: true }];
  /** group id -> direct members (GitLab's access levels: 10 guest … 50 owner). */
  members = new Map<number, Array<{ userId: number; access_level: number }>>();
  private nextId = 100;

  addGroup(fullPath: string): FakeGroup {
    const existing = this.groupByPath(fullPath);
    if (existing) return existing;
    const parts = fullPath.split('/');
    const parent = parts.length > 1 ? this.addGroup(parts.slice(0, -1).join('/')) : undefined;
    const group = { id: this.nextId++, path: parts.at(-1)!, full_path: fullPath, parent_id: parent?.id ?? null };
    this.groups.set(group.id, group);
    return group;
  }

  addUser(username: string, extra: Partial<Omit<FakeUser, 'id' | 'username'>> = {}): FakeUser {
    const user: FakeUser = { id: this.nextId++, username, name: username, ...extra };
    this.users.push(user);
    return user;
  }

  /** Makes `user` a direct member of the group at `fullPath` (created as needed). */
  addMember(fullPath: string, user: FakeUser, accessLevel = 30): void {
    const group = this.addGroup(fullPath);
    this.members.set(group.id, [...(this.members.get(group.id) ?? []).filter((m) => m.userId !== user.id), { userId: user.id, access_level: accessLevel }]);
  }

  groupByPath(fullPath: string): FakeGroup | undefined {
    return [...this.groups.values()].find((g) => g.full_path.toLowerCase() === fullPath.toLowerCase());
  }

  /** A project at `fullPath` (its groups created as needed), with `files` on its default branch. */
  addProject(fullPath: string, options: { files?: Record<string, string>; defaultBranch?: string; archived?: boolean; visibility?: string; description?: string; topics?: string[] } = {}): FakeProject {
    const parts = fullPath.split('/');
    const group = this.addGroup(parts.slice(0, -1).join('/'));
    const branch = options.defaultBranch ?? 'main';
    const project: FakeProject = {
      id: this.nextId++,
      name: parts.at(-1)!,
      path: parts.at(-1)!,
      namespaceId: group.id,
      path_with_namespace: fullPath,
      default_branch: branch,
      visibility: options.visibility ?? 'private',
      description: options.description ?? null,
      topics: options.topics ?? [],
      archived: options.archived ?? false,
      last_activity_at: new Date(Date.UTC(2026, 0, 1)).toISOString(),
      branches: new Map([[branch, new Map(Object.entries(options.files ?? {}))]]),
      commits: [],
      mergeRequests: [],
    };
    // Files given up front arrive in one initial commit, dated at the project's last activity.
    if (options.files && Object.keys(options.files).length) project.commits.push({ id: nextSha(), branch, message: 'initial', committed_date: project.last_activity_at, actions: Object.keys(options.files).map((file_path) => ({ action: 'create', file_path })) });
    this.projects.set(project.id, project);
    return project;
  }

  /** Old full path -> project id: GitLab's API follows a renamed project's old path (redirect routes). */
  redirects = new Map<string, number>();

  projectByRef(ref: string): FakeProject | undefined {
    if (/^\d+$/.test(ref)) return this.projects.get(Number(ref));
    const found = [...this.projects.values()].find((p) => p.path_with_namespace.toLowerCase() === ref.toLowerCase());
    return found ?? this.projects.get(this.redirects.get(ref.toLowerCase()) ?? -1);
  }

  /** Renames (or moves, within existing groups) a project, keeping a redirect from the old path. */
  rename(project: FakeProject, newPath: string): void {
    this.redirects.set(project.path_with_namespace.toLowerCase(), project.id);
    const parts = newPath.split('/');
    project.namespaceId = this.addGroup(parts.slice(0, -1).join('/')).id;
    project.path = project.name = parts.at(-1)!;
    project.path_with_namespace = newPath;
  }

  mustGet(fullPath: string): FakeProject {
    const project = this.projectByRef(fullPath);
    if (!project) throw new Error(`no project ${fullPath} in the fake GitLab`);
    return project;
  }

  /** Groups under `group`, itself included. */
  subtree(group: FakeGroup): Set<number> {
    const ids = new Set([group.id]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const g of this.groups.values()) if (g.parent_id !== null && ids.has(g.parent_id) && !ids.has(g.id)) (ids.add(g.id), (grew = true));
    }
    return ids;
  }

  /** Applies a commit's actions to `branch` (created from `start` when new), as GitLab's commits API does. */
  commit(project: FakeProject, input: { branch: string; start_branch?: string; commit_message: string; author_name?: string; author_email?: string; actions: Array<{ action: string; file_path: string; content?: string; encoding?: string }> }): FakeCommit {
    let files = project.branches.get(input.branch);
    if (!files) {
      const start = project.branches.get(input.start_branch ?? project.default_branch);
      if (!start && project.branches.size) throw new Error(`400 You can only create or edit files when you are on a branch`);
      files = new Map(start ?? []);
      project.branches.set(input.branch, files);
      if (!project.default_branch) project.default_branch = input.branch; // the first push sets it, as on GitLab
    }
    for (const a of input.actions) {
      const content = a.encoding === 'base64' ? Buffer.from(a.content ?? '', 'base64').toString('utf8') : (a.content ?? '');
      if (a.action === 'create' && files.has(a.file_path)) throw new Error(`400 A file with this name already exists`);
      if ((a.action === 'update' || a.action === 'delete') && !files.has(a.file_path)) throw new Error(`400 A file with this name doesn't exist`);
      if (a.action === 'delete') files.delete(a.file_path);
      else files.set(a.file_path, content);
    }
    project.last_activity_at = new Date(Date.parse(project.last_activity_at) + 60_000).toISOString();
    const commit = { id: nextSha(), branch: input.branch, message: input.commit_message, author_name: input.author_name, author_email: input.author_email, committed_date: project.last_activity_at, actions: input.actions.map((a) => ({ action: a.action, file_path: a.file_path })) };
    project.commits.push(commit);
    return commit;
  }
}

/** A generated group: `count` projects spread over subgroups, each with a catalog-info.yaml; every tenth archived. */
export function generateGroup(model: FakeGitlabModel, root: string, count: number): FakeProject[] {
  const out: FakeProject[] = [];
  for (let i = 0; i < count; i++) {
    const sub = i % 3 === 0 ? '' : i % 3 === 1 ? '/platform' : '/platform/data';
    const name = `svc-${String(i).padStart(4, '0')}`;
    const yaml = `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-${i % 7}\n`;
    out.push(model.addProject(`${root}${sub}/${name}`, { files: { 'catalog-info.yaml': yaml }, archived: i % 10 === 9 }));
  }
  return out;
}
