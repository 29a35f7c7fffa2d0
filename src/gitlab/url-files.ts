/**
 * Reads single files named by GitLab web URLs (`<GITLAB_URL>/group/project/-/blob/main/catalog-info.yaml`,
 * also `/-/raw/`) through the repository files API with GITLAB_TOKEN, as Backstage's GitLab UrlReader
 * does for `url` Location targets and `$text` placeholders. The file's blob id stands for its ETag:
 * GitLab's files API has no conditional GET, so a re-check is one request, and an unchanged blob is
 * answered as not modified. Only URLs under GITLAB_URL are read; the token goes nowhere else.
 */
import type { UrlFileReader } from '../github/url-files.js';
import { statusOf, type GitlabClient } from './client.js';
import { parseGitlabFileUrl } from './file-url.js';
import { lastCommitDate } from './projects.js';

export interface GitlabUrlFilesOptions {
  /** GITLAB_URL: web root of the configured GitLab. */
  webUrl: string;
  client(): GitlabClient;
}

export function gitlabUrlFiles(options: GitlabUrlFilesOptions): UrlFileReader {
  const host = new URL(options.webUrl).host.toLowerCase();
  const refusal = (url: string): string | undefined => {
    if (parseGitlabFileUrl(url, options.webUrl)) return undefined;
    let at: string;
    try {
      at = new URL(url.replace(/^url:/, '')).host.toLowerCase();
    } catch {
      return `not a URL: ${url.slice(0, 200)}`;
    }
    if (at !== host) return `host ${at} is not the configured GitLab (${host}, from GITLAB_URL); url targets and placeholders are read from that host only`;
    return `not a GitLab file URL (expected ${options.webUrl.replace(/\/+$/, '')}/<group>/<project>/-/blob/<ref>/<path>): ${url.slice(0, 200)}`;
  };
  return {
    refusal,
    async committedAt(url) {
      const at = parseGitlabFileUrl(url, options.webUrl);
      if (!at) return undefined;
      try {
        return await lastCommitDate(options.client(), at.project, at.path, at.ref);
      } catch {
        // Only the staleness date is lost: the entity falls back to when Callsheet saw it change.
        return undefined;
      }
    },
    async fetch(url, etag) {
      const at = parseGitlabFileUrl(url, options.webUrl);
      if (!at) throw new Error(refusal(url));
      try {
        const file = (await options.client().RepositoryFiles.show(at.project, at.path, at.ref)) as unknown as { content: string; encoding?: string; blob_id?: string };
        if (etag && file.blob_id && file.blob_id === etag) return { kind: 'not-modified' };
        const text = Buffer.from(String(file.content), file.encoding === 'text' ? 'utf8' : 'base64').toString('utf8');
        return { kind: 'text', text, ...(file.blob_id ? { etag: file.blob_id } : {}) };
      } catch (e) {
        const status = statusOf(e);
        if (status === 404) return { kind: 'missing' };
        throw new Error(`GitLab answered ${status ?? 'no HTTP status'} for ${at.path} in ${at.project} at ${at.ref}: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
  };
}
