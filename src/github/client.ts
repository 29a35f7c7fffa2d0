/**
 * Octokit clients for GitHub.com and GitHub Enterprise Server, authenticated by a token or as a GitHub
 * App installation. Every HTTP attempt (retries included) is counted in the metrics; primary and
 * secondary rate limits are honoured by waiting for the time GitHub names, a bounded number of times.
 */
import Bottleneck from 'bottleneck';
import { App, Octokit } from 'octokit';
import type { Logger } from '../logger.js';
import { metrics } from '../metrics.js';

export type GithubClient = InstanceType<typeof Octokit>;

export const DEFAULT_API_URL = 'https://api.github.com';

export interface ClientOptions {
  /** REST base URL (GITHUB_API_URL); GraphQL is `<base>/graphql`, or `<host>/api/graphql` for `/api/v3` bases. */
  baseUrl?: string;
  logger: Logger;
  /** Retries after a rate limit before giving up. */
  maxRateLimitRetries?: number;
  /** Longest wait (seconds) a rate limit may impose before the call fails instead. */
  maxRetryAfterSeconds?: number;
  /**
   * Spacing between GraphQL and write requests. GitHub asks for about a second between them to stay
   * clear of secondary limits; tests against the local fake set it to 0.
   */
  serialSpacingMs?: number;
}

export type GithubAuth = { token: string } | { appId: string; privateKey: string; org: string };

/** `https://api.github.com` -> `https://github.com`; `https://ghe.example.com/api/v3` -> `https://ghe.example.com`. */
export function webUrlOf(baseUrl: string = DEFAULT_API_URL): string {
  const u = new URL(baseUrl);
  if (u.hostname === 'api.github.com') return 'https://github.com';
  return `${u.origin}${u.pathname.replace(/\/+$/, '').replace(/\/api\/v3$/, '')}`;
}

/** Where octokit sends GraphQL for this REST base (octokit derives it the same way). */
export function graphqlUrlOf(baseUrl: string = DEFAULT_API_URL): string {
  const base = baseUrl.replace(/\/+$/, '');
  return /\/api\/v3$/.test(base) ? base.replace(/\/api\/v3$/, '/api/graphql') : `${base}/graphql`;
}

/** A bounded label for the metrics: the API area, never ids or names. */
function areaOf(url: string): string {
  const path = new URL(url).pathname.replace(/^\/api\/v3/, '').replace(/^\/api\/graphql/, '/graphql');
  const [first = '', , third = ''] = path.split('/').filter(Boolean);
  if (first === 'graphql') return 'graphql';
  if (first === 'repos') return `repos/${['contents', 'commits', 'git', 'pulls', 'branches'].includes(third) ? third : 'other'}`;
  return ['orgs', 'app', 'user', 'users'].includes(first) ? first : 'other';
}

function countingFetch(): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    const method = `${(init?.method ?? 'GET').toUpperCase()} ${areaOf(url)}`;
    try {
      const res = await fetch(input, init);
      const outcome = res.status === 304 ? '304' : res.status === 403 || res.status === 429 ? String(res.status) : `${Math.floor(res.status / 100)}xx`;
      metrics.chatApiCalls.inc({ platform: 'github', method, outcome });
      return res;
    } catch (e) {
      metrics.chatApiCalls.inc({ platform: 'github', method, outcome: 'error' });
      throw e;
    }
  };
}

/** The Octokit class with our base URL, logging, throttling and metrics. */
export function octokitClass(options: ClientOptions): typeof Octokit {
  const { logger } = options;
  const maxRetries = options.maxRateLimitRetries ?? 3;
  const maxWait = options.maxRetryAfterSeconds ?? 120;
  const spacing = options.serialSpacingMs ?? 1000;
  const onLimit = (kind: 'primary' | 'secondary') => (retryAfter: number, request: { method: string; url: string; request: { retryCount: number } }) => {
    metrics.chatRateLimited.inc({ platform: 'github' });
    const retry = request.request.retryCount < maxRetries && retryAfter <= maxWait;
    logger.warn({ kind, method: request.method, url: request.url, retryAfter, attempt: request.request.retryCount + 1, retry }, 'GitHub rate limit reached');
    return retry;
  };
  return Octokit.defaults({
    baseUrl: (options.baseUrl ?? DEFAULT_API_URL).replace(/\/+$/, ''),
    request: { fetch: countingFetch() },
    log: {
      debug: (message: string) => logger.debug({ component: 'octokit' }, message),
      info: (message: string) => logger.info({ component: 'octokit' }, message),
      warn: (message: string) => logger.warn({ component: 'octokit' }, message),
      error: (message: string) => logger.error({ component: 'octokit' }, message),
    },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: spacing }),
    },
  }) as typeof Octokit;
}

/**
 * A client for one organisation: with a token directly, or as the GitHub App's installation on that
 * organisation (octokit renews the installation token before it expires).
 */
export async function createGithubClient(auth: GithubAuth, options: ClientOptions): Promise<GithubClient> {
  const Client = octokitClass(options);
  if ('token' in auth) return new Client({ auth: auth.token });
  const app = new App({ appId: auth.appId, privateKey: auth.privateKey, Octokit: Client });
  let installationId: number;
  try {
    const { data } = await app.octokit.request('GET /orgs/{org}/installation', { org: auth.org });
    installationId = data.id;
  } catch (e) {
    const status = (e as { status?: number }).status;
    throw new Error(
      status === 404
        ? `GitHub App ${auth.appId} is not installed on organisation ${auth.org}`
        : `could not find the GitHub App installation for ${auth.org}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return (await app.getInstallationOctokit(installationId)) as GithubClient;
}

/** Auth from configuration: a token wins; otherwise the App; otherwise a clear error naming the variables. */
export function authFromConfig(
  config: { GITHUB_TOKEN?: string; GITHUB_APP_ID?: string; GITHUB_APP_PRIVATE_KEY?: string },
  org: string,
): GithubAuth {
  if (config.GITHUB_TOKEN) return { token: config.GITHUB_TOKEN };
  if (config.GITHUB_APP_ID && config.GITHUB_APP_PRIVATE_KEY) return { appId: config.GITHUB_APP_ID, privateKey: config.GITHUB_APP_PRIVATE_KEY, org };
  throw new Error(`source github:${org} needs GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY`);
}
