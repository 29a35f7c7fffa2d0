/** The fake GitLab's org routes: descendant groups, direct members, users (e-mail only for admin tokens). */
import type { FakeGitlabModel, FakeGroup, FakeUser } from './model.js';
import { paginate, type Answer } from './routes.js';

interface Request {
  params: string[];
  query: URLSearchParams;
  body: Record<string, any>;
  fullUrl: URL;
  admin: boolean;
}

export function groupJson(g: FakeGroup, web: string) {
  return { id: g.id, name: g.name ?? g.path, path: g.path, full_path: g.full_path, description: g.description ?? '', parent_id: g.parent_id, visibility: 'private', web_url: `${web}/groups/${g.full_path}` };
}

export function userJson(u: FakeUser, web: string, admin: boolean) {
  return {
    id: u.id,
    username: u.username,
    name: u.name,
    state: u.state ?? 'active',
    bot: Boolean(u.bot),
    avatar_url: `${web}/uploads/-/system/user/avatar/${u.id}/avatar.png`,
    web_url: `${web}/${u.username}`,
    public_email: u.public_email ?? '',
    ...(admin ? { email: u.email ?? u.public_email ?? '' } : {}),
  };
}

export function orgRoutes(model: FakeGitlabModel, web: string) {
  const group = (ref: string) => {
    const g = /^\d+$/.test(ref) ? model.groups.get(Number(ref)) : model.groupByPath(ref);
    if (!g) throw new Error('404 Group Not Found');
    return g;
  };
  const segs = (p: string) => p.split('/');
  const match = (pattern: string) => (segments: string[]) => {
    const parts = segs(pattern);
    if (segments.length !== parts.length) return undefined;
    const params: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      if (parts[i]!.startsWith(':')) params.push(decodeURIComponent(segments[i]!));
      else if (parts[i] !== segments[i]) return undefined;
    }
    return params;
  };
  const route = (method: string, p: string, answer: (r: Request) => Answer) => ({ method, label: `${method} /${p}`, match: match(p), answer });
  return [
    route('GET', 'groups/:id/descendant_groups', (r) => {
      const g = group(r.params[0]!);
      const ids = model.subtree(g);
      ids.delete(g.id);
      return paginate([...ids].sort((a, b) => a - b).map((id) => groupJson(model.groups.get(id)!, web)), r);
    }),
    route('GET', 'groups/:id/members', (r) => {
      const g = group(r.params[0]!);
      const list = (model.members.get(g.id) ?? []).map((m) => ({ ...userJson(model.users.find((u) => u.id === m.userId)!, web, false), access_level: m.access_level }));
      return paginate(list, r);
    }),
    route('GET', 'users/:id', (r) => {
      const u = model.users.find((x) => String(x.id) === r.params[0]);
      if (!u) throw new Error('404 User Not Found');
      return { status: 200, body: userJson(u, web, r.admin) };
    }),
  ];
}
