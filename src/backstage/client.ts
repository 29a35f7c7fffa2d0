/**
 * A client for an existing Backstage's catalog API (`/api/catalog`), read-only: cursor pages of
 * `GET /entities/by-query` and batches of `POST /entities/by-refs`, with the token in
 * `Authorization: Bearer`. Bounded: every response has a size cap and a timeout, redirects are
 * refused (a 30x could lead the token elsewhere), and a 429/503 is retried after the wait Backstage
 * names, a bounded number of times. The token never appears in an error or a log line.
 */
export interface BackstageEntity {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; etag?: string; annotations?: Record<string, string> } & Record<string, unknown>;
  spec?: Record<string, unknown>;
  relations?: { type: string; targetRef?: string; target?: { kind: string; namespace: string; name: string } }[];
  [key: string]: unknown;
}

export interface EntityPage {
  items: BackstageEntity[];
  nextCursor?: string;
  totalItems?: number;
}

export interface BackstageClientOptions {
  /** The Backstage's root, e.g. `https://backstage.example.com`; the catalog API is under `/api/catalog`. */
  baseUrl: string;
  token?: string;
  fetch?: typeof fetch;
  /** Largest response body accepted, in bytes (a page of 500 full entities stays well below). */
  maxBytes?: number;
  timeoutMs?: number;
  /** Retries after a 429 or 503 before the read fails. */
  maxRetries?: number;
  /** Longest wait (ms) a Retry-After may impose before the read fails instead. */
  maxRetryAfterMs?: number;
}

export interface BackstageClient {
  queryPage(request: { cursor?: string; limit: number; fields?: readonly string[] }): Promise<EntityPage>;
  /** Entities by ref, in the order asked; null for a ref Backstage does not have. */
  byRefs(refs: readonly string[]): Promise<(BackstageEntity | null)[]>;
}

export class BackstageError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createBackstageClient(options: BackstageClientOptions): BackstageClient {
  const root = `${options.baseUrl.replace(/\/+$/, '')}/api/catalog`;
  const doFetch = options.fetch ?? fetch;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxRetries = options.maxRetries ?? 3;
  const maxWait = options.maxRetryAfterMs ?? 60_000;

  async function call(path: string, init: { method: 'GET' | 'POST'; body?: unknown }): Promise<unknown> {
    const shown = `${init.method} ${root}${path.replace(/\?.*$/, '')}`;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await doFetch(`${root}${path}`, {
          method: init.method,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
          headers: {
            accept: 'application/json',
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
            ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        });
      } catch (e) {
        throw new BackstageError(`${shown} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      if ((res.status === 429 || res.status === 503) && attempt < maxRetries) {
        const after = Number(res.headers.get('retry-after'));
        const wait = Number.isFinite(after) && after >= 0 ? after * 1000 : 1000 * 2 ** attempt;
        await res.body?.cancel();
        if (wait <= maxWait) {
          await sleep(wait);
          continue;
        }
      }
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel();
        throw new BackstageError(`${shown} answered ${res.status} (a redirect, which is never followed: configure the Backstage's own address)`, res.status);
      }
      const text = await boundedText(res, maxBytes, shown);
      if (!res.ok) {
        // Backstage's error shape: { error: { name, message }, response: { statusCode } }.
        let why = text.slice(0, 300);
        try {
          why = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? why;
        } catch {
          // not JSON: keep the text
        }
        const hint = res.status === 401 || res.status === 403 ? ' (check BACKSTAGE_TOKEN)' : '';
        throw new BackstageError(`${shown} answered ${res.status}${hint}: ${why}`, res.status);
      }
      try {
        return JSON.parse(text);
      } catch {
        throw new BackstageError(`${shown} answered with something that is not JSON`);
      }
    }
  }

  return {
    async queryPage({ cursor, limit, fields }) {
      const params = new URLSearchParams({ limit: String(limit) });
      if (fields?.length) params.set('fields', fields.join(','));
      if (cursor) params.set('cursor', cursor);
      else params.set('totalItems', 'include');
      const body = (await call(`/entities/by-query?${params}`, { method: 'GET' })) as { items?: unknown; pageInfo?: { nextCursor?: unknown }; totalItems?: unknown };
      if (!body || !Array.isArray(body.items)) throw new BackstageError(`GET ${root}/entities/by-query answered without an items list`);
      const next = body.pageInfo?.nextCursor;
      return {
        items: body.items as BackstageEntity[],
        ...(typeof next === 'string' && next ? { nextCursor: next } : {}),
        ...(typeof body.totalItems === 'number' ? { totalItems: body.totalItems } : {}),
      };
    },
    async byRefs(refs) {
      if (!refs.length) return [];
      const body = (await call('/entities/by-refs', { method: 'POST', body: { entityRefs: refs } })) as { items?: unknown };
      if (!body || !Array.isArray(body.items) || body.items.length !== refs.length) {
        throw new BackstageError(`POST ${root}/entities/by-refs answered with ${Array.isArray(body?.items) ? body.items.length : 'no'} items for ${refs.length} refs`);
      }
      return body.items as (BackstageEntity | null)[];
    },
  };
}

async function boundedText(res: Response, maxBytes: number, shown: string): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel();
    throw new BackstageError(`${shown} answered ${declared} bytes, more than the limit of ${maxBytes}`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new BackstageError(`${shown} answered more than the limit of ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
