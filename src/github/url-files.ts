/**
 * Reads single files named by GitHub web URLs (`https://github.com/o/r/blob/main/catalog-info.yaml`,
 * also `raw/`) through the contents API with the configured credentials, as Backstage's GitHub
 * UrlReader does for `url` Location targets and `$text` placeholders. Conditional: the caller hands in
 * the ETag it holds and a `304` (free of rate limit on GitHub) says the file is as it was. Only URLs on
 * the configured GitHub's host are read; the token is never sent anywhere else.
 */
import type { GithubClient } from './client.js';
import { EtagCache } from './etag-cache.js';
import { parseGithubFileUrl } from './file-url.js';
import { statusOf } from './write-errors.js';

export type UrlFetch = { kind: 'text'; text: string; etag?: string } | { kind: 'not-modified' } | { kind: 'missing' };

export interface UrlFileReader {
  /** Why this URL is never read (another host, not a file URL); undefined when it may be read. */
  refusal(url: string): string | undefined;
  /** GET with If-None-Match when `etag` is given; throws on anything but 200, 304 and 404. */
  fetch(url: string, etag?: string): Promise<UrlFetch>;
  /** When the file was last committed on its ref (for staleness); undefined when GitHub cannot say. */
  committedAt?(url: string): Promise<Date | undefined>;
}

export interface GithubUrlFilesOptions {
  /** Host (with port) of the configured GitHub's web UI, e.g. `github.com`. */
  host: string;
  client(owner: string): Promise<GithubClient>;
}

export function githubUrlFiles(options: GithubUrlFilesOptions): UrlFileReader {
  const host = options.host.toLowerCase();
  const refusal = (url: string): string | undefined => {
    let at;
    try {
      at = parseGithubFileUrl(url);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
    if (at.host !== host) return `host ${at.host} is not the configured GitHub (${host}, from GITHUB_API_URL); url targets and placeholders are read from that host only`;
    if (!at.path) return `${url} names a folder, not a file`;
    return undefined;
  };
  // Conditional too: a file read again unchanged costs a free 304 for its date as well.
  const dates = new EtagCache(5_000);
  return {
    refusal,
    async committedAt(url) {
      if (refusal(url)) return undefined;
      const at = parseGithubFileUrl(url);
      try {
        const commits = (await dates.get(await options.client(at.owner), 'GET /repos/{owner}/{repo}/commits', { owner: at.owner, repo: at.repo, sha: at.ref, path: at.path, per_page: 1, request: { retries: 0 } })) as
          | { commit: { committer?: { date?: string } | null } }[]
          | undefined;
        const date = commits?.[0]?.commit.committer?.date;
        return date ? new Date(date) : undefined;
      } catch {
        // Only the staleness date is lost: the entity falls back to when Callsheet saw it change.
        return undefined;
      }
    },
    async fetch(url, etag) {
      const why = refusal(url);
      if (why) throw new Error(why);
      const at = parseGithubFileUrl(url);
      const client = await options.client(at.owner);
      try {
        const res = await client.request('GET /repos/{owner}/{repo}/contents/{path}', {
          owner: at.owner,
          repo: at.repo,
          path: at.path,
          ref: at.ref,
          mediaType: { format: 'raw' },
          headers: etag ? { 'if-none-match': etag } : {},
          // A failed read keeps what the target gave before and is tried again on the next sync.
          request: { retries: 0 },
        });
        const data: unknown = res.data;
        if (typeof data !== 'string') throw new Error(`${at.path} in ${at.owner}/${at.repo} at ${at.ref} is a directory, not a file`);
        return { kind: 'text', text: data, ...(res.headers.etag ? { etag: res.headers.etag } : {}) };
      } catch (e) {
        const status = statusOf(e);
        if (status === 304) return { kind: 'not-modified' };
        if (status === 404) return { kind: 'missing' };
        throw new Error(`GitHub answered ${status ?? 'no HTTP status'} for ${at.owner}/${at.repo}/${at.path} at ${at.ref}: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
  };
}
