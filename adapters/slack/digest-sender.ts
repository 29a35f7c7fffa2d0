/**
 * Nudge digests into Slack. Each digest is posted with `chat.postMessage` carrying its delivery key
 * as message metadata (event type `callsheet_digest`), so that after a crash `findSent` can read the
 * channel's recent history and tell whether it was already posted: a digest is never sent twice.
 *
 * Posting goes through a client that neither waits on 429 nor retries: the nudge pacer owns timing
 * (it honours Retry-After through RateLimitedError), and a post whose outcome is unknown is checked
 * with `findSent` rather than blindly repeated. Reads (history, opening a DM) may retry freely.
 */
import { ErrorCode, type WebClient } from '@slack/web-api';
import type { Logger } from '../../src/logger.js';
import { DeliveryRejectedError, RateLimitedError, type DigestSender, type Route, type SentMessage } from '../../src/nudges/ports.js';
import { resolveMentions, type IdentityDeps } from './identities.js';
import { renderReply } from './render-reply.js';

export const DIGEST_EVENT_TYPE = 'callsheet_digest';

/** How far back and how deep `findSent` looks: a resumed run is hours old at most, rarely days. */
export const HISTORY_WINDOW = { days: 14, pageSize: 200, pages: 5 };

/** Slack refused for reasons a later attempt would not change (nothing was posted). */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

export interface DigestSenderDeps extends IdentityDeps {
  /** For posting: `rejectRateLimitedCalls` and no retries (see `createWebClient`). */
  poster: WebClient;
  /** Clock-independent "now" for the history window (seconds since the epoch). */
  nowSeconds?: () => number;
}

function codeOf(error: unknown): string | undefined {
  return (error as { code?: string }).code;
}

/** Slack's answer as the nudge ports understand it. */
export function deliveryError(error: unknown, scope: 'channel' | 'workspace', where: string): Error {
  const code = codeOf(error);
  if (code === ErrorCode.RateLimitedError) {
    const seconds = Number((error as { retryAfter?: number }).retryAfter);
    return new RateLimitedError((Number.isFinite(seconds) && seconds > 0 ? seconds : 1) * 1000, scope);
  }
  if (code === ErrorCode.PlatformError) {
    const slackError = String((error as { data?: { error?: string } }).data?.error ?? 'unknown_error');
    if (!TRANSIENT.has(slackError)) {
      const advice = slackError === 'not_in_channel' ? ' (invite Callsheet to the channel)' : slackError === 'channel_not_found' ? ' (check the slack.com/channel-id annotation or NUDGE_FALLBACK_CHANNEL)' : '';
      return new DeliveryRejectedError(`Slack refused the digest for ${where}: ${slackError}${advice}`);
    }
  }
  return error instanceof Error ? error : new Error(String(error));
}

export function slackDigestSender(deps: DigestSenderDeps): DigestSender & { findSent(route: Route, key: string): Promise<SentMessage[]> } {
  const nowSeconds = deps.nowSeconds ?? (() => Date.now() / 1000);

  /** A route's conversation: the channel itself, or the DM with the member (idempotent in Slack). */
  async function conversationOf(route: Route): Promise<string> {
    if (route.kind !== 'dm') return route.target;
    try {
      const opened = await deps.web.conversations.open({ users: route.target });
      if (!opened.channel?.id) throw new Error('conversations.open returned no channel');
      return opened.channel.id;
    } catch (error) {
      throw deliveryError(error, 'workspace', `member ${route.target}`);
    }
  }

  return {
    platform: 'slack',

    async send(route, reply, meta) {
      const channel = await conversationOf(route);
      const mentions = await resolveMentions(deps, reply);
      try {
        const posted = await deps.poster.chat.postMessage({
          channel,
          ...renderReply(reply, { mentions }),
          unfurl_links: false,
          metadata: { event_type: DIGEST_EVENT_TYPE, event_payload: { key: meta.key, run: meta.runId, team: meta.teamRef } },
        });
        return { messages: [{ channel: posted.channel ?? channel, ts: posted.ts! }] };
      } catch (error) {
        throw deliveryError(error, 'channel', `${route.kind} ${route.target}`);
      }
    },

    async findSent(route, key) {
      let channel: string;
      try {
        channel = await conversationOf(route);
      } catch (error) {
        // No such member or channel: nothing can have been posted there.
        if (error instanceof DeliveryRejectedError) return [];
        throw error;
      }
      const oldest = String(Math.floor(nowSeconds() - HISTORY_WINDOW.days * 86_400));
      const found: SentMessage[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < HISTORY_WINDOW.pages; page++) {
        let history;
        try {
          history = await deps.web.conversations.history({ channel, oldest, limit: HISTORY_WINDOW.pageSize, include_all_metadata: true, ...(cursor ? { cursor } : {}) });
        } catch (error) {
          const code = (error as { data?: { error?: string } }).data?.error;
          if (code === 'channel_not_found') return [];
          throw error;
        }
        for (const message of history.messages ?? []) {
          const metadata = message.metadata as { event_type?: string; event_payload?: { key?: unknown } } | undefined;
          if (metadata?.event_type === DIGEST_EVENT_TYPE && metadata.event_payload?.key === key && message.ts) found.push({ channel, ts: message.ts });
        }
        cursor = history.response_metadata?.next_cursor || undefined;
        if (!history.has_more || !cursor) break;
      }
      if (found.length === 0 && cursor) {
        // Not having looked at everything is not a confirmation that nothing was posted.
        throw new Error(`could not read all of ${channel}'s last ${HISTORY_WINDOW.days} days (more than ${HISTORY_WINDOW.pages * HISTORY_WINDOW.pageSize} messages) to look for digest ${key}`);
      }
      return found;
    },
  };
}
