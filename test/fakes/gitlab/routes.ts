/** The fake GitLab's REST v4 routes: groups and their projects, projects, files, branches, commits, merge requests, users. */
import { createHash } from 'node:crypto';
import type { FakeGitlabModel, FakeProject } from './model.js';

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

interface Request {
  params: string[];
  query: URLSearchParams;
  body: Record<string, any>;
  fullUrl: URL;
  /** The token is an administrator's (GitLab then shows users' private e-mail). */
  admin?: boolean;
}

interface Route {
  method: string;
  label: string;
  match(segments: string[]): string[] | undefined;
  answer(req: Request): Answer;
}

/** A matcher for a pattern such as `projects/:id/repository/files/:path`; `:params` are URL-decoded. */
function pattern(p: string) {
  const parts = p.split('/');
  return (segments: string[]) => {
    if (segments.length !== parts.length) return undefined;
    const params: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      if (parts[i].startsWith(':')) params.push(decodeURIComponent(segments[i]));
      else if (parts[i] !== segments[i]) return undefined;
    }
    return params;
  };
}

/** GitLab's offset pagination: the page's items and x-* plus Link headers. */
export function paginate(items: unknown[], req: Request): Answer {
  const perPage = Math.min(100, Math.max(1, Number(req.query.get('per_page') ?? 20)));
  const page = Math.max(1, Number(req.query.get('page') ?? 1));
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number) => {
    const u = new URL(req.fullUrl);
    u.searchParams.set('page', String(n));
    u.searchParams.set('per_page', String(perPage));
    return u.toString();
  };
  const links = [page < totalPages ? `<${link(page + 1)}>; rel="next"` : '', page > 1 ? `<${link(page - 1)}>; rel="prev"` : '', `<${link(1)}>; rel="first"`, `<${link(totalPages)}>; rel="last"`].filter(Boolean);
  return {
    status: 200,
    headers: {
      'x-page': String(page),
      'x-per-page': String(perPage),
      'x-next-page': page < totalPages ? String(page + 1) : '',
      'x-prev-page': page > 1 ? String(page - 1) : '',
      'x-total': String(items.length),
      'x-total-pages': String(totalPages),
      link: links.join(', '),
    },
    body: items.slice((page - 1) * perPage, page * perPage),
  };
}

export function projectJson(model: FakeGitlabModel, p: FakeProject, web: string) {
  const ns = model.groups.get(p.namespaceId)!;
  return {
    id: p.id,
    name: p.name,
    path: p.path,
    path_with_namespace: p.path_with_namespace,
    name_with_namespace: p.path_with_namespace.split('/').join(' / '),
    description: p.description,
    default_branch: p.default_branch || null,
    visibility: p.visibility,
    topics: p.topics,
    archived: p.archived,
    last_activity_at: p.last_activity_at,
    web_url: `${web}/${p.path_with_namespace}`,
    http_url_to_repo: `${web}/${p.path_with_namespace}.git`,
    namespace: { id: ns.id, name: ns.path, path: ns.path, kind: 'group', full_path: ns.full_path },
  };
}

const ok = (body: unknown, status = 200): Answer => ({ status, body });

export function gitlabRoutes(model: FakeGitlabModel, web: string): Route[] {
  const project = (ref: string) => {
    const p = model.projectByRef(ref);
    if (!p) throw new Error('404 Project Not Found');
    return p;
  };
  const group = (ref: string) => {
    const g = /^\d+$/.test(ref) ? model.groups.get(Number(ref)) : model.groupByPath(ref);
    if (!g) throw new Error('404 Group Not Found');
    return g;
  };
  const mrJson = (p: FakeProject, mr: FakeProject['mergeRequests'][number]) => ({ ...mr, project_id: p.id, web_url: `${web}/${p.path_with_namespace}/-/merge_requests/${mr.iid}` });
  const route = (method: string, p: string, answer: (req: Request) => Answer): Route => ({ method, label: `${method} /${p}`, match: pattern(p), answer });
  return [
    route('GET', 'groups/:id', (r) => {
      const g = group(r.params[0]);
      return ok({ id: g.id, name: g.name ?? g.path, path: g.path, full_path: g.full_path, description: g.description ?? '', parent_id: g.parent_id, web_url: `${web}/groups/${g.full_path}` });
    }),
    route('GET', 'namespaces/:id', (r) => {
      const g = group(r.params[0]);
      return ok({ id: g.id, name: g.path, path: g.path, kind: 'group', full_path: g.full_path, parent_id: g.parent_id });
    }),
    route('GET', 'groups/:id/projects', (r) => {
      const g = group(r.params[0]);
      const ids = r.query.get('include_subgroups') === 'true' ? model.subtree(g) : new Set([g.id]);
      let list = [...model.projects.values()].filter((p) => ids.has(p.namespaceId));
      if (r.query.get('archived') === 'false') list = list.filter((p) => !p.archived);
      if (r.query.get('archived') === 'true') list = list.filter((p) => p.archived);
      const after = r.query.get('last_activity_after');
      if (after) list = list.filter((p) => p.last_activity_at > after);
      return paginate(list.sort((a, b) => a.id - b.id).map((p) => projectJson(model, p, web)), r);
    }),
    route('GET', 'projects/:id', (r) => ok(projectJson(model, project(r.params[0]), web))),
    route('POST', 'projects', (r) => {
      const ns = r.body.namespace_id ? group(String(r.body.namespace_id)) : undefined;
      if (!ns) throw new Error('400 namespace_id is required by this fake');
      const path = String(r.body.path ?? r.body.name);
      if (model.projectByRef(`${ns.full_path}/${path}`)) throw new Error('400 has already been taken');
      const p = model.addProject(`${ns.full_path}/${path}`, { visibility: r.body.visibility, description: r.body.description, topics: r.body.topics, defaultBranch: r.body.default_branch });
      p.name = String(r.body.name ?? path);
      p.branches.clear(); // a new project is empty, with no default branch, until its first commit
      if (!r.body.default_branch) p.default_branch = '';
      return ok(projectJson(model, p, web), 201);
    }),
    route('PUT', 'projects/:id', (r) => {
      const p = project(r.params[0]);
      if (r.body.default_branch) p.default_branch = String(r.body.default_branch);
      return ok(projectJson(model, p, web));
    }),
    route('GET', 'projects/:id/repository/files/:path', (r) => {
      const p = project(r.params[0]);
      const content = p.branches.get(r.query.get('ref') ?? p.default_branch)?.get(r.params[1]);
      if (content === undefined) throw new Error('404 File Not Found');
      // As GitLab answers: the blob id is git's object id of the content, so it changes with it.
      const blob = Buffer.from(content);
      const blobId = createHash('sha1').update(`blob ${blob.length}\0`).update(blob).digest('hex');
      return ok({
        file_path: r.params[1],
        file_name: r.params[1].split('/').at(-1),
        encoding: 'base64',
        content: blob.toString('base64'),
        content_sha256: createHash('sha256').update(blob).digest('hex'),
        ref: r.query.get('ref') ?? p.default_branch,
        size: blob.length,
        blob_id: blobId,
        last_commit_id: p.commits.at(-1)?.id ?? null,
      });
    }),
    route('GET', 'projects/:id/repository/tree', (r) => {
      const p = project(r.params[0]);
      const files = [...(p.branches.get(r.query.get('ref') ?? p.default_branch)?.keys() ?? [])].sort();
      return paginate(files.map((path) => ({ id: path, name: path.split('/').at(-1), type: 'blob', path, mode: '100644' })), r);
    }),
    route('GET', 'projects/:id/repository/branches/:branch', (r) => {
      const p = project(r.params[0]);
      if (!p.branches.has(r.params[1])) throw new Error('404 Branch Not Found');
      return ok({ name: r.params[1], default: r.params[1] === p.default_branch, commit: { id: p.commits.filter((c) => c.branch === r.params[1]).at(-1)?.id ?? null } });
    }),
    route('POST', 'projects/:id/repository/branches', (r) => {
      const p = project(r.params[0]);
      const from = p.branches.get(String(r.query.get('ref') ?? r.body.ref));
      const name = String(r.query.get('branch') ?? r.body.branch);
      if (!from) throw new Error('400 Invalid reference name');
      if (p.branches.has(name)) throw new Error('400 Branch already exists');
      p.branches.set(name, new Map(from));
      return ok({ name, default: false }, 201);
    }),
    route('GET', 'projects/:id/repository/commits', (r) => {
      // Newest first; `path` keeps commits touching that file. Branch ancestry is flattened: a branch's commits are its own and the default branch's.
      const p = project(r.params[0]!);
      const ref = r.query.get('ref_name') ?? p.default_branch;
      const path = r.query.get('path');
      const list = p.commits.filter((c) => (c.branch === ref || c.branch === p.default_branch) && (!path || c.actions.some((a) => a.file_path === path))).reverse();
      return paginate(list.map((c) => ({ id: c.id, short_id: c.id.slice(0, 8), title: c.message.split('\n')[0], message: c.message, committed_date: c.committed_date, authored_date: c.committed_date })), r);
    }),
    route('POST', 'projects/:id/repository/commits', (r) => {
      const p = project(r.params[0]);
      const c = model.commit(p, r.body as any);
      return ok({ id: c.id, short_id: c.id.slice(0, 8), title: c.message.split('\n')[0], message: c.message, web_url: `${web}/${p.path_with_namespace}/-/commit/${c.id}` }, 201);
    }),
    route('GET', 'projects/:id/merge_requests', (r) => {
      const p = project(r.params[0]);
      const list = p.mergeRequests.filter((m) => (!r.query.get('source_branch') || m.source_branch === r.query.get('source_branch')) && (!r.query.get('state') || m.state === r.query.get('state')));
      return paginate(list.map((m) => mrJson(p, m)), r);
    }),
    route('POST', 'projects/:id/merge_requests', (r) => {
      const p = project(r.params[0]);
      const b = r.body;
      if (!p.branches.has(b.source_branch)) throw new Error('400 Source branch does not exist');
      if (!p.branches.has(b.target_branch)) throw new Error('400 Target branch does not exist');
      if (p.mergeRequests.some((m) => m.state === 'opened' && m.source_branch === b.source_branch)) throw new Error('409 Another open merge request already exists for this source branch');
      const labels = Array.isArray(b.labels) ? b.labels : typeof b.labels === 'string' && b.labels ? b.labels.split(',') : [];
      const mr = { id: 9000 + p.mergeRequests.length, iid: p.mergeRequests.length + 1, title: b.title, description: b.description ?? '', source_branch: b.source_branch, target_branch: b.target_branch, state: 'opened' as const, remove_source_branch: Boolean(b.remove_source_branch), assignee_id: b.assignee_id ? Number(b.assignee_id) : null, reviewer_ids: (b.reviewer_ids ?? []).map(Number), labels };
      p.mergeRequests.push(mr);
      return ok(mrJson(p, mr), 201);
    }),
    route('GET', 'users', (r) => paginate(model.users.filter((u) => !r.query.get('username') || u.username.toLowerCase() === r.query.get('username')!.toLowerCase()), r)),
    route('GET', 'user', () => ok(model.users[0])),
  ];
}
