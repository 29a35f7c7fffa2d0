/**
 * `GET /repos/{owner}/{repo}/git/trees/{tree_sha}` in the fake, as GitHub answers it: the sha may be
 * a commit, a branch name or a tree; `recursive=1` lists every file and folder below, `truncated`
 * says when a listing was cut (GitHub cuts at 100,000 entries; the fake at `maxEntries`).
 */
import type { FakeFile } from './model.js';
import { filesAt } from './repo-state.js';
import { findRepo, type RestContext } from './rest.js';
import { notFound, type Router } from './router.js';

export function treeReadRoutes(router: Router, ctx: RestContext, maxEntries = 100_000): void {
  router.add('GET', '/repos/:owner/:repo/git/trees/:sha', (req) => {
    const found = findRepo(ctx, req.params.owner, req.params.repo);
    const files: Map<string, FakeFile> | undefined = found ? filesAt(found.repo, req.params.sha) : undefined;
    if (!found || !files) return notFound();
    const api = `${ctx.apiUrl()}/repos/${found.account.login}/${found.repo.name}/git`;
    const recursive = req.query.get('recursive') !== null;
    const entries: { path: string; mode: string; type: 'blob' | 'tree'; sha: string; size?: number; url: string }[] = [];
    const folders = new Set<string>();
    for (const [path, file] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const parts = path.split('/');
      if (!recursive && parts.length > 1) {
        folders.add(parts[0]!);
        continue;
      }
      for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
      const size = (file.bytes ?? Buffer.from(file.text)).length;
      entries.push({ path, mode: file.mode ?? '100644', type: 'blob', sha: file.sha, size, url: `${api}/blobs/${file.sha}` });
    }
    for (const folder of folders) entries.push({ path: folder, mode: '040000', type: 'tree', sha: `tree-${folder}`, url: `${api}/trees/tree-${folder}` });
    entries.sort((a, b) => (a.path < b.path ? -1 : 1));
    return { status: 200, body: { sha: req.params.sha, url: `${api}/trees/${req.params.sha}`, tree: entries.slice(0, maxEntries), truncated: entries.length > maxEntries } };
  });
}
