/**
 * A tree whose paths may also be URLs: a `type: url` Location target or a `$text: https://…`
 * placeholder names a file of another repository, and the reader treats it as one more file of the
 * tree (its entities belong to the tree that named it) read through `RemoteFiles`. Relative targets
 * and placeholders inside such a file resolve against its URL, as Backstage resolves them.
 */
import { isUrlPath, type RemoteFiles } from './remote-files.js';
import type { FileLocation, Tree } from './types.js';

/** Location of a remote file, as Backstage annotates entities read from a URL. */
export function urlLocation(url: string): FileLocation {
  const dir = url.replace(/[^/]*$/, '');
  // GitLab: `<project>/-/blob/<ref>/…` (any group depth); GitHub: `<owner>/<repo>/blob/<ref>/…`.
  const gitlab = /\/-\/(?:blob|raw)\//.test(url);
  const as = (u: string, kind: string) => (gitlab ? u.replace(/\/-\/(?:blob|raw)\//, `/-/${kind}/`) : u.replace(/^(https?:\/\/[^/]+\/[^/]+\/[^/]+)\/(?:blob|raw)\//, `$1/${kind}/`));
  const editUrl = as(url, 'edit');
  return {
    type: 'url',
    target: url,
    viewUrl: url,
    ...(editUrl !== url ? { editUrl } : {}),
    sourceLocation: `url:${as(dir, 'tree')}`,
  };
}

export function withRemote(tree: Tree, remote: RemoteFiles | undefined): Tree {
  const notRead = (url: string) => new Error(`${url} is not read: url targets and placeholders are not read for this source`);
  return {
    name: tree.name,
    ...(tree.scanned !== undefined ? { scanned: tree.scanned } : {}),
    entryPoints: () => tree.entryPoints(),
    ...(tree.isEntryPoint ? { isEntryPoint: (path: string) => !isUrlPath(path) && tree.isEntryPoint!(path) } : {}),
    read: (path) => (isUrlPath(path) ? (remote ? remote.read(path) : Promise.reject(notRead(path))) : tree.read(path)),
    ...(tree.list ? { list: () => tree.list!() } : {}),
    ...(tree.size ? { size: async (path: string) => (isUrlPath(path) ? undefined : tree.size!(path)) } : {}),
    locationOf: (path) => (isUrlPath(path) ? urlLocation(path) : tree.locationOf(path)),
    committedAt: (path) => (isUrlPath(path) ? remote?.committedAt?.(path) : tree.committedAt(path)),
  };
}
