/**
 * Posts to a Slack `response_url`. Only Slack's hook host (or the configured API origin, for a proxy
 * or a test fake) is accepted, so a forged payload cannot make us POST elsewhere. 429s wait for
 * Retry-After; 5xx and network failures back off and retry a bounded number of times.
 */
import type { Logger } from '../../src/logger.js';
import { metrics } from '../../src/metrics.js';

export interface ResponseUrlPoster {
  (url: string, payload: Record<string, unknown>): Promise<void>;
}

const SLACK_HOOKS = 'https://hooks.slack.com';
const MAX_RETRY_AFTER_SECONDS = 30;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createResponseUrlPoster(options: { logger: Logger; apiUrl?: string; retries?: number; timeoutMs?: number }): ResponseUrlPoster {
  const allowed = new Set([SLACK_HOOKS]);
  if (options.apiUrl) allowed.add(new URL(options.apiUrl).origin);
  const retries = options.retries ?? 3;
  return async (url, payload) => {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      throw new Error('response_url is not a URL');
    }
    if (!allowed.has(origin)) throw new Error(`response_url host ${origin} is not Slack's`);
    for (let attempt = 0; ; attempt++) {
      let status = 0;
      let retryAfter: string | null = null;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        status = response.status;
        retryAfter = response.headers.get('retry-after');
        const text = await response.text();
        if (status === 200) {
          const body = text.trim().startsWith('{') ? (JSON.parse(text) as { ok?: boolean; error?: string }) : { ok: text.trim() === 'ok' };
          metrics.chatApiCalls.inc({ platform: 'slack', method: 'response_url', outcome: body.ok ? 'ok' : 'error' });
          // Slack refused the content itself; sending it again would be refused again.
          if (!body.ok) throw Object.assign(new Error(`response_url refused the message: ${body.error ?? text.slice(0, 100)}`), { final: true });
          return;
        }
      } catch (error) {
        if ((error as { final?: boolean }).final) throw error;
        if (attempt >= retries) throw error;
        options.logger.warn({ attempt, err: (error as Error).message }, 'response_url post failed; retrying');
        await sleep(250 * 2 ** attempt);
        continue;
      }
      metrics.chatApiCalls.inc({ platform: 'slack', method: 'response_url', outcome: status === 429 ? 'rate_limited' : 'error' });
      if (attempt >= retries || (status < 500 && status !== 429)) throw new Error(`response_url answered HTTP ${status}`);
      if (status === 429) {
        metrics.chatRateLimited.inc({ platform: 'slack' });
        const seconds = Math.min(Number(retryAfter) || 1, MAX_RETRY_AFTER_SECONDS);
        await sleep(seconds * 1000);
      } else {
        await sleep(250 * 2 ** attempt);
      }
    }
  };
}
