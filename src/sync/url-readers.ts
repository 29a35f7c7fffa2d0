/**
 * url targets and URL placeholders may name files on each configured code host (GitHub, GitLab):
 * one reader over several, each URL going to the reader that accepts it. A URL no reader accepts is
 * refused with every reader's reason, so the log names the hosts that are allowed.
 */
import type { UrlFileReader } from '../github/url-files.js';

export function urlReaders(readers: UrlFileReader[]): UrlFileReader | undefined {
  if (readers.length <= 1) return readers[0];
  const readerOf = (url: string) => readers.find((r) => r.refusal(url) === undefined);
  return {
    refusal: (url) => (readerOf(url) ? undefined : readers.map((r) => r.refusal(url)).join('; ')),
    async fetch(url, etag) {
      const reader = readerOf(url);
      if (!reader) throw new Error(readers.map((r) => r.refusal(url)).join('; '));
      return reader.fetch(url, etag);
    },
    async committedAt(url) {
      return readerOf(url)?.committedAt?.(url);
    },
  };
}
