/**
 * The GitLab API client: @gitbeaker/rest with a request handler of our own, because gitbeaker's
 * default retries 429s on a fixed backoff and ignores what GitLab says. Ours waits `Retry-After` on
 * 429/503 (bounded), backs off on 502/503 without it, and when `RateLimit-Remaining` reaches 0 holds
 * further requests until `RateLimit-Reset`. The token (GITLAB_TOKEN) goes only to GITLAB_URL.
 */
import { Gitlab } from '@gitbeaker/rest';
import { createRequesterFn, GitbeakerRequestError, GitbeakerRetryError, type RequestOptions } from '@gitbeaker/requester-utils';
import type { Logger } from '../logger.js';

export type GitlabClient = InstanceType<typeof Gitlab<false>>;

export interface GitlabClientOptions {
  /** Web root (GITLAB_URL), e.g. https://gitlab.com or https://gitlab.example.com. */
  url: string;
  token: string;
  logger?: Logger;
  maxRetries?: number;
  /** Longest wait honoured for one Retry-After or rate-limit reset, in ms. */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Called once per HTTP request sent (for counts in tests and benchmarks). */
  onRequest?: (method: string, url: string, status: number) => void;
}

const RETRY = new Set([429, 502, 503]);
const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function parseBody(response: Response, asStream: boolean) {
  const headers = Object.fromEntries(response.headers.entries());
  if (asStream) return { body: response.body, headers, status: response.status };
  if (response.status === 204) return { body: null, headers, status: response.status };
  const type = (response.headers.get('content-type') ?? '').split(';')[0].trim();
  const body = type === 'application/json' ? ((await response.json()) ?? {}) : type.startsWith('text/') ? await response.text() : await response.blob();
  return { body, headers, status: response.status };
}

/** Seconds from Retry-After (a number or an HTTP date), as ms; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function createGitlabClient(options: GitlabClientOptions): GitlabClient {
  const sleep = options.sleep ?? realSleep;
  const maxRetries = options.maxRetries ?? 5;
  const maxWait = options.maxWaitMs ?? 60_000;
  let heldUntil = 0;

  async function handler(endpoint: string, reqo?: RequestOptions & { rateLimiters?: unknown; asStream?: boolean; prefixUrl?: string; searchParams?: string; method?: string }) {
    const { rateLimiters: _limiters, asStream = false, prefixUrl, searchParams, method, ...init } = reqo ?? {};
    const url = new URL(endpoint, prefixUrl?.endsWith('/') ? prefixUrl : `${prefixUrl}/`);
    url.search = searchParams ?? '';
    let last = 0;
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      const wait = heldUntil - Date.now();
      if (wait > 0) await sleep(Math.min(wait, maxWait));
      const request = new Request(url, { ...(init as RequestInit), method });
      const response = await fetch(request);
      options.onRequest?.(method ?? 'GET', url.pathname, response.status);
      const remaining = response.headers.get('ratelimit-remaining');
      const reset = Number(response.headers.get('ratelimit-reset'));
      // A 429's own Retry-After rules its wait; the hold applies to answers that went through.
      if (response.ok && remaining === '0' && reset > 0) heldUntil = Math.min(reset * 1000, Date.now() + maxWait);
      if (response.ok) return parseBody(response, asStream);
      if (!RETRY.has(response.status) || attempt === maxRetries) {
        if (RETRY.has(response.status)) last = response.status;
        else {
          const text = await response.text();
          let description = text;
          try {
            const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
            description = typeof parsed.message === 'string' ? parsed.message : JSON.stringify(parsed.message ?? parsed.error ?? parsed);
          } catch {
            /* not JSON: the text is the description */
          }
          throw new GitbeakerRequestError(description, { cause: { description, request, response } });
        }
        break;
      }
      last = response.status;
      const after = retryAfterMs(response.headers.get('retry-after'));
      const delay = Math.min(after ?? 250 * 2 ** attempt, maxWait);
      options.logger?.warn({ status: response.status, path: url.pathname, waitMs: delay }, 'gitlab: retrying');
      await response.body?.cancel();
      await sleep(delay);
    }
    throw new GitbeakerRetryError(`GitLab answered ${last} ${maxRetries + 1} times for ${method} ${url.pathname}${last === 429 ? ' (rate limited)' : ''}`);
  }

  const requesterFn = createRequesterFn((_, reqo) => Promise.resolve(reqo), handler as never);
  return new Gitlab({ host: options.url, token: options.token, requesterFn }) as GitlabClient;
}

/** Host (with port) of a GitLab web root, as a repoUrl names it (`gitlab.com`, `gitlab.example.com:8443`). */
export const gitlabHostOf = (url: string): string => new URL(url).host.toLowerCase();

/** The status of a gitbeaker error, if it carries a response. */
export function statusOf(error: unknown): number | undefined {
  const cause = (error as { cause?: { response?: { status?: number } } })?.cause;
  return cause?.response?.status;
}
