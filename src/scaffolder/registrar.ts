/**
 * The registrar catalog:register uses in `callsheet serve`: add the target as a source, sync it now,
 * and report the entities it holds. A repository on the configured GitHub is added as the
 * `github:<owner>/<repo>` source, read through the API with Callsheet's token or App: a repository
 * publish:github just made is usually private, and `git clone` has no credentials for it.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { retryTransient } from '../db/transient.js';
import { entities } from '../db/schema.js';
import { checkRemote, type RemotePolicy } from '../sync/remote-policy.js';
import type { SyncService } from '../sync/service.js';
import type { CatalogRegistrar } from './actions/catalog-register.js';

const NAME = /^[A-Za-z0-9._-]+$/;

/**
 * `<web>/<owner>/<repo>[.git][#branch]` on the GitHub at `webUrl` as `github:<owner>/<repo>`; anything
 * else unchanged. The GitHub source reads the default branch, which is where publish:github pushes.
 */
export function sourceSpecOf(target: string, webUrl: string | undefined): string {
  if (!webUrl) return target;
  let url: URL;
  let web: URL;
  try {
    url = new URL(target);
    web = new URL(webUrl);
  } catch {
    return target;
  }
  if (url.protocol !== web.protocol || url.host.toLowerCase() !== web.host.toLowerCase() || url.username || url.password || url.search) return target;
  const base = web.pathname.replace(/\/+$/, '');
  if (base && !url.pathname.startsWith(`${base}/`)) return target;
  const [owner, repo, ...rest] = url.pathname.slice(base.length).split('/').filter(Boolean);
  const name = repo?.replace(/\.git$/, '');
  if (!owner || !name || rest.length > 0 || !NAME.test(owner) || !NAME.test(name)) return target;
  return `github:${owner}/${name}`;
}

/**
 * `<GITLAB_URL>/<group>/…/<project>[.git][#branch]` on the configured GitLab as `gitlab:<group>/…/<project>`
 * (the GitLab source reads a path naming one project as that project, through the API and its token).
 */
export function gitlabSpecOf(target: string, webUrl: string | undefined): string {
  if (!webUrl) return target;
  try {
    const url = new URL(target);
    const web = new URL(webUrl);
    if (url.protocol !== web.protocol || url.host.toLowerCase() !== web.host.toLowerCase() || url.username || url.password || url.search) return target;
    const base = web.pathname.replace(/\/+$/, '');
    const parts = url.pathname.slice(base.length).replace(/\.git$/, '').split('/').filter(Boolean);
    if (parts.length < 2 || !parts.every((p) => NAME.test(p))) return target;
    return `gitlab:${parts.join('/')}`;
  } catch {
    return target;
  }
}

/**
 * `policy` says which remotes a user's URL may name (src/sync/remote-policy.ts); a repository on the
 * configured GitHub becomes `github:<owner>/<repo>`, read through its API, and needs no other check.
 */
export function syncRegistrar(deps: { db: Db; sync: Pick<SyncService, 'addSource'>; githubWebUrl?: string; gitlabWebUrl?: string; policy: RemotePolicy }): CatalogRegistrar {
  return {
    async register(target) {
      const github = sourceSpecOf(target, deps.githubWebUrl);
      const spec = github === target ? gitlabSpecOf(target, deps.gitlabWebUrl) : github;
      // Refused before anything is stored or fetched; the task fails with the reason.
      if (!/^git(hub|lab):/i.test(spec)) await checkRemote(spec, deps.policy);
      const report = await deps.sync.addSource(spec);
      if (report.status === 'failed') throw new Error(`could not sync ${target}: ${report.error ?? 'unknown error'}`);
      // Retried through a failover: the sync is done, and failing the task now would lose it.
      const rows = await retryTransient(() => deps.db.select({ ref: entities.ref }).from(entities).where(eq(entities.sourceId, report.sourceId)), { baseDelayMs: 500 });
      return { entityRefs: rows.map((r) => r.ref).sort() };
    },
  };
}
