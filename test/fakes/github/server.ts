/**
 * A local stand-in for api.github.com (or a GitHub Enterprise Server at `/api/v3`): REST and GraphQL
 * over a `FakeOrg`, with token auth, ETags and `304 Not Modified`, `x-ratelimit-*` headers, and a
 * scriptable secondary rate limit. Counts every request so tests and benchmarks can see the cost.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appRoutes, type FakeApp } from './app-auth.js';
import { contentsWriteRoutes } from './contents-write.js';
import { gitDataRoutes } from './git-data.js';
import { answerGraphql } from './graphql.js';
import { FakeOrg } from './model.js';
import { pullRoutes } from './pulls.js';
import { readAndHookRoutes } from './read-and-hooks.js';
import { treeReadRoutes } from './trees-read.js';
import { repoAdminRoutes } from './repo-admin.js';
import { restRoutes, type RestContext } from './rest.js';
import { Router, type FakeResponse } from './router.js';

export interface FakeGithubOptions {
  org: FakeOrg;
  /** Tokens accepted as `Authorization: token <t>` / `Bearer <t>`. */
  tokens?: string[];
  /** Serve as GitHub Enterprise Server: REST under `/api/v3`, GraphQL at `/api/graphql`. */
  enterprise?: boolean;
  app?: FakeApp;
  /** The account the tokens belong to (`GET /user`, `POST /user/repos`); a user `callsheet-bot` if not given. */
  user?: FakeOrg;
  /** More accounts whose repositories can be read (e.g. `backstage` for a template's remote fetch:plain). */
  others?: FakeOrg[];
}

export interface FakeGithub {
  /** Web root (what html_url starts with). */
  url: string;
  /** REST base URL to give octokit (GITHUB_API_URL). */
  apiUrl: string;
  org: FakeOrg;
  user: FakeOrg;
  others: FakeOrg[];
  router: Router;
  /** Requests served, in total and by route label (`GET /orgs/:org/repos`, `POST /graphql`). */
  requests: { total: number; byRoute: Map<string, number>; notModified: number; limited: number };
  resetCounts(): void;
  /**
   * The next `times` requests answer 403 (or 429) "secondary rate limit" with this retry-after (seconds);
   * with `route` (a label such as `POST /orgs/:org/repos`) only requests to that route are refused.
   */
  secondaryLimit(times: number, retryAfter: number, status?: 403 | 429, route?: string): void;
  /** Every request's route label, path, If-None-Match header and answer status, in order. */
  log: { label: string; path: string; ifNoneMatch?: string; status: number }[];
  /** Requests whose path starts with `pathPrefix` answer `status` (a server error) until `times` run out (Infinity: until cleared with 0). */
  failPath(pathPrefix: string, status: number, times?: number): void;
  close(): Promise<void>;
}

const LIMIT = 5000;

export async function startFakeGithub(options: FakeGithubOptions): Promise<FakeGithub> {
  const tokens = new Set(options.tokens ?? ['test-token']);
  const prefix = options.enterprise ? '/api/v3' : '';
  const graphqlPath = options.enterprise ? '/api/graphql' : '/graphql';
  const router = new Router();
  let base = '';
  const user = options.user ?? Object.assign(new FakeOrg('callsheet-bot'), { ownerType: 'User' as const });
  const ctx: RestContext = { org: options.org, user, others: options.others ?? [], webUrl: () => base, apiUrl: () => `${base}${prefix}` };
  restRoutes(router, ctx);
  repoAdminRoutes(router, ctx);
  gitDataRoutes(router, ctx);
  contentsWriteRoutes(router, ctx);
  pullRoutes(router, ctx);
  readAndHookRoutes(router, ctx);
  treeReadRoutes(router, ctx);
  if (options.app) appRoutes(router, options.org, options.app, tokens);

  const requests = { total: 0, byRoute: new Map<string, number>(), notModified: 0, limited: 0 };
  let limitTimes = 0;
  let limitRetryAfter = 1;
  let limitStatus: 403 | 429 = 403;
  let limitRoute: string | undefined;
  const used = { core: 0, graphql: 0 };
  const log: FakeGithub['log'] = [];
  const failing = new Map<string, { status: number; times: number }>();
  const reset = Math.floor(Date.now() / 1000) + 3600;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const method = req.method ?? 'GET';
      const body = Buffer.concat(chunks).toString('utf8');
      const isGraphql = url.pathname === graphqlPath;
      const label = isGraphql ? 'POST /graphql' : (() => {
        const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : '';
        return router.match(method, path)?.route.label ?? `${method} (unknown)`;
      })();
      requests.total++;
      requests.byRoute.set(label, (requests.byRoute.get(label) ?? 0) + 1);
      const resource = isGraphql ? 'graphql' : 'core';

      const inm = req.headers['if-none-match'];
      const entry = { label, path: url.pathname, ...(typeof inm === 'string' ? { ifNoneMatch: inm } : {}), status: 0 };
      log.push(entry);
      const send = (response: FakeResponse, extra: Record<string, string> = {}) => {
        entry.status = response.status;
        const headers: Record<string, string> = {
          'x-ratelimit-limit': String(LIMIT),
          'x-ratelimit-remaining': String(Math.max(LIMIT - used[resource], 0)),
          'x-ratelimit-used': String(used[resource]),
          'x-ratelimit-reset': String(reset),
          'x-ratelimit-resource': resource,
          'x-github-request-id': `FAKE:${requests.total}`,
          ...response.headers,
          ...extra,
        };
        let payload = '';
        if (response.body !== undefined) {
          payload = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
          headers['content-type'] ??= typeof response.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
        }
        res.writeHead(response.status, headers);
        res.end(payload);
      };

      const fault = [...failing].find(([prefix, f]) => f.times > 0 && url.pathname.startsWith(prefix));
      if (fault) {
        fault[1].times--;
        return send({ status: fault[1].status, body: { message: 'Server Error', documentation_url: 'https://docs.github.com/rest' } });
      }
      if (limitTimes > 0 && (limitRoute === undefined || limitRoute === label)) {
        limitTimes--;
        requests.limited++;
        return send(
          { status: limitStatus, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' } },
          { 'retry-after': String(limitRetryAfter) },
        );
      }

      const auth = /^(?:token|bearer) (.+)$/i.exec(String(req.headers.authorization ?? ''));
      const isAppRoute = label === 'GET /orgs/:org/installation' || label === 'POST /app/installations/:id/access_tokens';
      if (!isAppRoute && (!auth || !tokens.has(auth[1]))) {
        return send({ status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } });
      }

      let response: FakeResponse;
      if (isGraphql && method === 'POST') response = answerGraphql(options.org, body);
      else {
        const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : '';
        const hit = router.match(method, path);
        response = hit
          ? await hit.route.handler({ method, path, params: hit.params, query: url.searchParams, headers: req.headers, body })
          : { status: 404, body: { message: 'Not Found' } };
      }

      // ETags on every successful GET; a matching If-None-Match is a free 304, as on GitHub.
      if (method === 'GET' && response.status === 200) {
        const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? '');
        const etag = `W/"${createHash('sha1').update(`${req.headers.accept ?? ''}\n${text}`).digest('hex')}"`;
        if (req.headers['if-none-match'] === etag) {
          requests.notModified++;
          entry.status = 304;
          res.writeHead(304, { etag, 'x-ratelimit-limit': String(LIMIT), 'x-ratelimit-remaining': String(LIMIT - used[resource]), 'x-ratelimit-reset': String(reset) });
          return res.end();
        }
        used[resource]++;
        return send(response, { etag });
      }
      used[resource]++;
      send(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    apiUrl: `${base}${prefix}`,
    org: options.org,
    user,
    others: ctx.others ?? [],
    router,
    requests,
    resetCounts() {
      requests.total = 0;
      requests.notModified = 0;
      requests.limited = 0;
      requests.byRoute.clear();
    },
    log,
    failPath(pathPrefix, status, times = Infinity) {
      failing.set(pathPrefix, { status, times });
    },
    secondaryLimit(times, retryAfter, status = 403, route) {
      limitTimes = times;
      limitRetryAfter = retryAfter;
      limitStatus = status;
      limitRoute = route;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
