/**
 * Where a file lives on GitLab, from the web address in `backstage.io/view-url` / `edit-url`:
 * `<GITLAB_URL>/<group>/…/<project>/-/{blob,edit,raw}/<ref>/<path>`. As for GitHub, a ref holding `/`
 * cannot be told from the path; the first segment after `/-/blob/` is taken as the ref.
 */
export interface GitlabFileLocation {
  project: string;
  ref: string;
  path: string;
}

/** The file, when `input` points into the GitLab at `webUrl`; undefined otherwise. */
export function parseGitlabFileUrl(input: string, webUrl: string): GitlabFileLocation | undefined {
  // URL parsing folds `..` away, which would silently point at another project: refuse it as written.
  const written = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(input.trim().replace(/^url:/, ''))?.[1] ?? '';
  if (written.split('/').some((s) => /^(?:\.|%2e){1,2}$/i.test(s))) return undefined;
  let url: URL;
  let web: URL;
  try {
    url = new URL(input.trim().replace(/^url:/, ''));
    web = new URL(webUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== web.protocol || url.host.toLowerCase() !== web.host.toLowerCase() || url.username || url.password) return undefined;
  const base = web.pathname.replace(/\/+$/, '');
  if (base && !url.pathname.startsWith(`${base}/`)) return undefined;
  let segments: string[];
  try {
    segments = url.pathname.slice(base.length).split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const dash = segments.indexOf('-');
  if (dash < 2 || !['blob', 'edit', 'raw'].includes(segments[dash + 1] ?? '')) return undefined;
  const ref = segments[dash + 2];
  const path = segments.slice(dash + 3);
  if (!ref || !path.length || path.some((s) => s === '.' || s === '..') || segments.slice(0, dash).some((s) => s === '.' || s === '..')) return undefined;
  return { project: segments.slice(0, dash).join('/'), ref, path: path.join('/') };
}
