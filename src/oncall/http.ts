/**
 * JSON over HTTP for the on-call services, with their rate limits honoured: a 429 waits for
 * `Retry-After` (or PagerDuty's `ratelimit-reset`, or Opsgenie's `X-RateLimit-Period-In-Sec`) and
 * tries again a bounded number of times; a wait longer than a chat answer can afford fails at once
 * and every call to that service fails fast until the window is over, instead of hammering it.
 */
import type { Logger } from '../logger.js';

export class OnCallError extends Error {
  constructor(
    readonly service: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface HttpOptions {
  logger: Logger;
  /** Retries after a 429 or a 5xx (default 2). */
  retries?: number;
  /** Longest wait for a rate limit inside one answer (default 5 s). */
  maxWaitMs?: number;
  /** Per attempt (default 5 s). */
  timeoutMs?: number;
  /** Largest answer read (default 1 MB). */
  maxBytes?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface JsonRequest {
  method?: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

export interface JsonResponse {
  status: number;
  body: unknown;
}

/** Seconds to wait, from whichever rate-limit header the service sent. */
export function retryAfterMs(headers: Headers): number | undefined {
  for (const name of ['retry-after', 'ratelimit-reset', 'x-ratelimit-period-in-sec']) {
    const raw = headers.get(name);
    if (!raw) continue;
    const seconds = Number(raw);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const date = Date.parse(raw);
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  return undefined;
}

async function readBounded(response: Response, maxBytes: number, service: string): Promise<string> {
  const text = await response.text();
  if (Buffer.byteLength(text) > maxBytes) throw new OnCallError(service, `${service} sent an answer over ${maxBytes} bytes`);
  return text;
}

/** One client's HTTP: remembers when the service asked it to back off. */
export function createJsonHttp(service: string, options: HttpOptions) {
  const retries = options.retries ?? 2;
  const maxWaitMs = options.maxWaitMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxBytes = options.maxBytes ?? 1_000_000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let blockedUntil = 0;

  return async function request(req: JsonRequest): Promise<JsonResponse> {
    for (let attempt = 0; ; attempt++) {
      const wait = blockedUntil - now();
      if (wait > 0) {
        if (wait > maxWaitMs) throw new OnCallError(service, `${service} is rate limiting us; try again in ${Math.ceil(wait / 1000)} s`, 429);
        await sleep(wait);
      }
      let response: Response;
      try {
        response = await fetch(req.url, {
          method: req.method ?? 'GET',
          headers: { ...req.headers, ...(req.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
          ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'error',
        });
      } catch (error) {
        if (attempt < retries) continue;
        throw new OnCallError(service, `${service} could not be reached (${(error as Error).name})`);
      }
      if (response.status === 429 || response.status >= 500) {
        const after = retryAfterMs(response.headers) ?? 1000 * (attempt + 1);
        await response.body?.cancel().catch(() => {});
        if (response.status === 429) {
          blockedUntil = now() + after;
          options.logger.warn({ service, retryAfterMs: after }, 'on-call service rate limited us');
        }
        if (attempt < retries && after <= maxWaitMs) {
          if (response.status >= 500) await sleep(after);
          continue;
        }
        throw new OnCallError(service, response.status === 429 ? `${service} is rate limiting us; try again in ${Math.ceil(after / 1000)} s` : `${service} answered ${response.status}`, response.status);
      }
      const text = await readBounded(response, maxBytes, service);
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        throw new OnCallError(service, `${service} answered ${response.status} with a body that is not JSON`, response.status);
      }
      return { status: response.status, body };
    }
  };
}

export type JsonHttp = ReturnType<typeof createJsonHttp>;

export const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
