/**
 * `gitlab-org:<group>`: GitLab's groups and members as catalog Groups and Users (Backstage's GitLab
 * org provider). The org is read whole each sync and handed to the reader as one tree of generated
 * files, `groups/<full path>.yaml` and `users/<username>.yaml`, so the usual rules apply (kinds rules,
 * validation, a broken entity keeping its last good version); an unchanged org is no change at all.
 * A read that fails part-way throws, so nobody is removed without a complete listing.
 */
import { createHash } from 'node:crypto';
import yaml from 'js-yaml';
import type { GitlabClient } from '../../gitlab/client.js';
import { groupEntityName, readGitlabOrg, type OrgGroup, type OrgUser } from '../../gitlab/org.js';
import { parseGitlabOrgSource } from '../../gitlab/source-spec.js';
import type { Logger } from '../../logger.js';
import type { SourceDriver, Tree } from '../types.js';

export interface GitlabOrgDriverOptions {
  source: string;
  client: () => GitlabClient;
  logger: Logger;
}

function groupDoc(g: OrgGroup, byId: Map<number, OrgGroup>, host: string) {
  const parent = g.parentId !== null ? byId.get(g.parentId) : undefined;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: groupEntityName(g.fullPath), ...(g.description ? { description: g.description } : {}), annotations: { [`${host}/team-path`]: g.fullPath } },
    spec: { type: 'team', profile: { displayName: g.name }, ...(parent ? { parent: groupEntityName(parent.fullPath) } : {}), children: [], members: g.members },
  };
}

function userDoc(u: OrgUser, host: string) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: u.username, annotations: { [`${host}/user-login`]: u.webUrl } },
    spec: { profile: { displayName: u.name, ...(u.email ? { email: u.email } : {}), ...(u.avatarUrl ? { picture: u.avatarUrl } : {}) }, memberOf: [] },
  };
}

export function gitlabOrgDriver(options: GitlabOrgDriverOptions): SourceDriver {
  const { group } = parseGitlabOrgSource(options.source);
  const id = `gitlab-org:${group}`;
  const log = options.logger.child({ source: id });
  return {
    id,
    kind: 'gitlab-org',
    target: options.source.trim(),
    async snapshot(lastRevision) {
      const org = await readGitlabOrg(options.client(), group);
      const byId = new Map(org.groups.map((g) => [g.id, g]));
      const webOf = (url: string) => new URL(url);
      const files = new Map<string, { text: string; url: string }>();
      for (const g of org.groups) files.set(`groups/${g.fullPath}.yaml`, { text: yaml.dump(groupDoc(g, byId, webOf(g.webUrl).hostname), { lineWidth: -1 }), url: g.webUrl });
      for (const u of org.users) files.set(`users/${u.username}.yaml`, { text: yaml.dump(userDoc(u, webOf(u.webUrl).hostname), { lineWidth: -1 }), url: u.webUrl });
      const hash = createHash('sha256');
      for (const [path, f] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`${path}\n${f.text}\n`);
      const revision = hash.digest('hex');
      if (revision === lastRevision) return null;
      log.info({ groups: org.groups.length, users: org.users.length }, 'GitLab org read');
      const tree: Tree = {
        name: group,
        entryPoints: async () => [...files.keys()],
        read: async (path) => files.get(path)?.text,
        // A generated file has no file of its own on GitLab: its location is the group's or user's page.
        locationOf: (path) => ({ type: 'url', target: files.get(path)?.url ?? `${id}/${path}`, ...(files.get(path) ? { viewUrl: files.get(path)!.url } : {}) }),
        committedAt: () => undefined,
      };
      return { revision, trees: [tree] };
    },
  };
}
