/**
 * Where a file lives on GitHub, from the web addresses Backstage annotations hold
 * (`backstage.io/view-url`, `backstage.io/edit-url`, `backstage.io/managed-by-location` with its `url:`
 * prefix): `https://<host>/<owner>/<repo>/{blob,edit,tree,raw}/<ref>/<path>`. A ref containing `/` cannot
 * be told apart from the path in such a URL; like Backstage, the first segment is taken as the ref.
 * The caller decides whether `host` is a GitHub it has a token for (compare with `webUrlOf(GITHUB_API_URL)`).
 */

export interface GithubFileLocation {
  /** Host (and port, if any), lower-case: `github.com`, `ghe.example.com`. */
  host: string;
  owner: string;
  repo: string;
  ref: string;
  /** Repository-relative path; empty for a `tree` URL of the repository root. */
  path: string;
}

const NAME = /^[A-Za-z0-9._-]+$/;

export function parseGithubFileUrl(input: string): GithubFileLocation {
  const raw = input.trim().replace(/^url:/, '');
  const fail = (why: string): never => {
    throw new Error(`not a GitHub file URL (${why}): ${input.length > 200 ? `${input.slice(0, 200)}...` : input}`);
  };
  // URL parsing folds `..` away, which would silently point somewhere else: refuse it as written.
  const written = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(raw)?.[1] ?? '';
  if (written.split('/').some((s) => /^(?:\.|%2e){1,2}$/i.test(s))) fail('the path leaves the repository');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(`scheme ${url.protocol} is not http(s)`);
  if (url.username || url.password) fail('it carries credentials');
  let segments: string[];
  try {
    segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return fail('bad percent-encoding');
  }
  const [owner, repo, kind, ref, ...rest] = segments;
  if (!owner || !repo || !kind) fail('expected /<owner>/<repo>/blob/<ref>/<path>');
  if (!NAME.test(owner) || !NAME.test(repo)) fail('owner or repository name is not valid');
  if (!['blob', 'edit', 'tree', 'raw'].includes(kind)) fail(`"${kind}" is not blob, edit, tree or raw`);
  if (!ref) fail('no branch or commit');
  const path = rest.join('/');
  if (path.split('/').some((s) => s === '.' || s === '..')) fail('the path leaves the repository');
  if (!path && kind !== 'tree') fail('no file path');
  return { host: url.host.toLowerCase(), owner, repo, ref, path };
}

/** Whether the URL is a file on the GitHub at `host` (a URL that is no GitHub file URL is not). */
export function isGithubFileOn(fileUrl: string, host: string): boolean {
  try {
    return parseGithubFileUrl(fileUrl).host === host;
  } catch {
    return false;
  }
}
