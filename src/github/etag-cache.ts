/**
 * Conditional GET for GitHub REST reads: a remembered ETag turns an unchanged answer into a `304`,
 * which costs no rate limit. Bounded: the oldest entries go first.
 */
import type { GithubClient } from './client.js';

interface Entry {
  etag: string;
  data: unknown;
}

export class EtagCache {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly maxEntries = 20_000) {}

  /** Runs `GET route` with If-None-Match; 404 gives undefined. */
  async get(client: GithubClient, route: string, params: Record<string, unknown>): Promise<unknown | undefined> {
    const key = `${route} ${JSON.stringify(params)}`;
    const cached = this.entries.get(key);
    try {
      const res = await client.request(route, { ...params, headers: { ...(params.headers as object), ...(cached ? { 'if-none-match': cached.etag } : {}) } });
      const etag = res.headers.etag;
      this.entries.delete(key);
      if (etag) {
        this.entries.set(key, { etag, data: res.data });
        if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
      }
      return res.data;
    } catch (e) {
      const status = (e as { status?: number }).status;
      if (status === 304 && cached) return cached.data;
      if (status === 404) {
        this.entries.delete(key);
        return undefined;
      }
      throw e;
    }
  }
}
