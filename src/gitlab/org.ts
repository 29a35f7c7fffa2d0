/**
 * A GitLab group tree as Backstage's GitLab org provider reads it: the group and its descendant
 * groups become Groups (named by full path, `/` as `-`), their direct members become Users (named by
 * username), with the e-mail the token may read (`email` for administrators, else `public_email`).
 * Blocked users and bots are left out. Every listing is paged to its end or the read throws.
 */
import type { GitlabClient } from './client.js';

export interface OrgGroup {
  id: number;
  name: string;
  fullPath: string;
  description: string;
  parentId: number | null;
  webUrl: string;
  members: string[];
}

export interface OrgUser {
  id: number;
  username: string;
  name: string;
  email?: string;
  avatarUrl?: string;
  webUrl: string;
}

interface Expanded<T> {
  data: T[];
  paginationInfo: { next: number | null };
}

interface GroupJson {
  id: number;
  name: string;
  full_path: string;
  description?: string | null;
  parent_id: number | null;
  web_url: string;
}

interface MemberJson {
  id: number;
  username: string;
  name: string;
  state?: string;
  bot?: boolean;
  web_url: string;
  avatar_url?: string | null;
  public_email?: string | null;
  email?: string | null;
}

async function allPages<T>(get: (page: number) => Promise<unknown>): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; page; ) {
    const answer = (await get(page)) as Expanded<T>;
    out.push(...answer.data);
    page = answer.paginationInfo.next ?? 0;
  }
  return out;
}

const paging = (page: number) => ({ perPage: 100, page, showExpanded: true, pagination: 'offset' }) as never;

export async function readGitlabOrg(client: GitlabClient, root: string): Promise<{ groups: OrgGroup[]; users: OrgUser[] }> {
  const top = (await client.Groups.show(root)) as unknown as GroupJson;
  const below = await allPages<GroupJson>((page) => client.Groups.allDescendantGroups(top.id, paging(page)));
  const groups: OrgGroup[] = [];
  const people = new Map<number, MemberJson>();
  for (const g of [top, ...below]) {
    const members = (await allPages<MemberJson>((page) => client.GroupMembers.all(g.id, paging(page)))).filter((m) => (m.state ?? 'active') === 'active' && !m.bot);
    for (const m of members) people.set(m.id, m);
    groups.push({ id: g.id, name: g.name, fullPath: g.full_path, description: g.description ?? '', parentId: g.parent_id, webUrl: g.web_url, members: members.map((m) => m.username) });
  }
  const users: OrgUser[] = [];
  for (const m of people.values()) {
    // The member listing has no e-mail; the user itself shows `email` to admins, `public_email` to all.
    const u = (await client.Users.show(m.id)) as unknown as MemberJson;
    const email = u.email || u.public_email || undefined;
    users.push({ id: u.id, username: u.username, name: u.name, webUrl: u.web_url, ...(email ? { email } : {}), ...(u.avatar_url ? { avatarUrl: u.avatar_url } : {}) });
  }
  return { groups, users: users.sort((a, b) => a.username.localeCompare(b.username)) };
}

/** Backstage's default group name: the full path with `/` as `-`, lower-cased. */
export const groupEntityName = (fullPath: string) => fullPath.replaceAll('/', '-').toLowerCase();
