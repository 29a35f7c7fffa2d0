/**
 * The Web API client every Slack feature posts with: pointed at SLACK_API_URL when set, retrying
 * 429s after Retry-After and 5xx/timeouts with backoff, and recording each call in the metrics.
 */
import { WebClient, WebClientEvent, type WebAPICallResult } from '@slack/web-api';
import type { Logger } from '../../src/logger.js';
import { metrics } from '../../src/metrics.js';
import { boltLogger } from './bolt-logger.js';
import { callTarget, isOtherWorkspace, tokenInScope, type BackgroundTokens } from './workspace-token.js';

class MeteredWebClient extends WebClient {
  /** Set in distribution mode without SLACK_BOT_TOKEN: calls outside a request look for their workspace. */
  background?: BackgroundTokens;
  /** Set in distribution mode: a call inside a request carries that request's workspace token. */
  scoped = false;

  override async apiCall(method: string, options?: Record<string, unknown>): Promise<WebAPICallResult> {
    if (options?.token || !this.scoped || method.startsWith('oauth.')) return this.metered(method, options);
    const inScope = tokenInScope();
    if (inScope) return this.metered(method, { ...options, token: inScope });
    if (!this.background) return this.metered(method, options);
    const target = callTarget(options);
    const tokens = await this.background.ordered(target);
    if (tokens.length === 0) throw new Error(`Slack ${method}: the app is not installed in any workspace yet (open /slack/install)`);
    let last: unknown;
    for (const token of tokens) {
      try {
        const result = await this.metered(method, { ...options, token });
        this.background.remember(target, token);
        return result;
      } catch (error) {
        if (!isOtherWorkspace(error)) throw error;
        last = error;
      }
    }
    throw last;
  }

  private async metered(method: string, options?: Record<string, unknown>): Promise<WebAPICallResult> {
    try {
      const result = await super.apiCall(method, options);
      metrics.chatApiCalls.inc({ platform: 'slack', method, outcome: 'ok' });
      return result;
    } catch (error) {
      metrics.chatApiCalls.inc({ platform: 'slack', method, outcome: 'error' });
      throw error;
    }
  }
}

export interface WebClientOptions {
  token: string;
  apiUrl?: string;
  logger: Logger;
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
  retries?: number;
  /**
   * Throw on 429 instead of waiting (the error carries Retry-After), for callers that pace their
   * own sends, such as nudge digests.
   */
  rejectRateLimitedCalls?: boolean;
  /**
   * Distribution mode (several workspaces): calls inside a request carry that workspace's token, and
   * without a fixed token calls outside one try these installations' tokens.
   */
  workspaces?: { background?: BackgroundTokens };
}

export function createWebClient(options: WebClientOptions): WebClient {
  const web = new MeteredWebClient(options.token, {
    slackApiUrl: options.apiUrl ? `${options.apiUrl.replace(/\/$/, '')}/` : undefined,
    logger: boltLogger(options.logger),
    timeout: options.timeoutMs ?? 10_000,
    // Slack did not process a 429'd call, so waiting and retrying cannot post twice.
    rejectRateLimitedCalls: options.rejectRateLimitedCalls ?? false,
    retryConfig: { retries: options.retries ?? 3, factor: 2, minTimeout: 250, maxTimeout: 4000, randomize: true },
  });
  if (options.workspaces) {
    web.scoped = true;
    if (!options.token) web.background = options.workspaces.background;
  }
  web.on(WebClientEvent.RATE_LIMITED, (retryAfterSeconds: number) => {
    metrics.chatRateLimited.inc({ platform: 'slack' });
    options.logger.warn({ retryAfterSeconds }, 'Slack rate limited a call; waiting before retrying');
  });
  return web;
}
