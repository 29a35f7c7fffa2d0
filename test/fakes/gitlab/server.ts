/**
 * A local stand-in for GitLab's REST v4 API (gitlab.com or self-managed) over a FakeGitlabModel:
 * `PRIVATE-TOKEN` (or `Authorization: Bearer`) auth, offset pagination headers (`x-page`, `x-per-page`,
 * `x-next-page`, `x-total`, `x-total-pages`, `Link`), `RateLimit-*` headers on every answer, and a
 * scriptable `429 Too Many Requests` with `Retry-After`. Counts requests by route.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGitlabModel } from './model.js';
import { orgRoutes } from './org-routes.js';
import { gitlabRoutes, type Answer } from './routes.js';

export interface FakeGitlab {
  /** Web and API root (GITLAB_URL); the API is at `${url}/api/v4`. */
  url: string;
  model: FakeGitlabModel;
  requests: { total: number; byRoute: Map<string, number>; limited: number };
  /** The next `times` requests answer 429 with `Retry-After: retryAfter` (seconds). */
  rateLimit(times: number, retryAfter: number): void;
  /** Sets what `RateLimit-Remaining` counts down from (the limit is 2000 per minute). */
  setRemaining(n: number): void;
  close(): Promise<void>;
}

const LIMIT = 2000;

export async function startFakeGitlab(options: { model?: FakeGitlabModel; tokens?: string[]; adminTokens?: string[] } = {}): Promise<FakeGitlab> {
  const model = options.model ?? new FakeGitlabModel();
  const admins = new Set(options.adminTokens ?? []);
  const tokens = new Set([...(options.tokens ?? ['test-token']), ...admins]);
  const requests = { total: 0, byRoute: new Map<string, number>(), limited: 0 };
  let limited = { times: 0, retryAfter: 0 };
  let remaining = LIMIT;
  let url = '';

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.total++;
      remaining = Math.max(0, remaining - 1);
      const reset = Math.floor(Date.now() / 1000) + 60;
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'ratelimit-limit': String(LIMIT),
        'ratelimit-observed': String(LIMIT - remaining),
        'ratelimit-remaining': String(remaining),
        'ratelimit-reset': String(reset),
        'ratelimit-resettime': new Date(reset * 1000).toUTCString(),
      };
      const send = (a: Answer) => {
        res.writeHead(a.status, { ...headers, ...a.headers });
        res.end(a.status === 204 ? undefined : JSON.stringify(a.body ?? {}));
      };
      const token = (req.headers['private-token'] as string | undefined) ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !tokens.has(token)) return send({ status: 401, body: { message: '401 Unauthorized' } });
      if (limited.times > 0) {
        limited.times--;
        requests.limited++;
        return send({ status: 429, headers: { 'retry-after': String(limited.retryAfter), 'ratelimit-remaining': '0' }, body: { message: 'Retry later' } });
      }
      const full = new URL(req.url ?? '/', url);
      if (!full.pathname.startsWith('/api/v4/')) return send({ status: 404, body: { error: '404 Not Found' } });
      let body: Record<string, unknown> = {};
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        body = text ? (req.headers['content-type']?.includes('json') ? JSON.parse(text) : Object.fromEntries(new URLSearchParams(text))) : {};
      } catch {
        return send({ status: 400, body: { message: 'invalid JSON body' } });
      }
      // Segments stay URL-encoded until matched, so `acme%2Fapi` is one project id as on GitLab.
      const segments = full.pathname.slice('/api/v4/'.length).split('/');
      const found = [...orgRoutes(model, url), ...gitlabRoutes(model, url)].find((r) => r.method === req.method && r.match(segments));
      if (!found) return send({ status: 404, body: { error: '404 Not Found' } });
      requests.byRoute.set(found.label, (requests.byRoute.get(found.label) ?? 0) + 1);
      try {
        send(found.answer({ params: found.match(segments)!, query: full.searchParams, body, fullUrl: full, admin: admins.has(token) }));
      } catch (error) {
        const message = (error as Error).message;
        const status = Number(/^(\d{3}) /.exec(message)?.[1] ?? 500);
        send({ status, body: { message } });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    model,
    requests,
    rateLimit: (times, retryAfter) => void (limited = { times, retryAfter }),
    setRemaining: (n) => void (remaining = n),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
