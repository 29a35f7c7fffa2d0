/**
 * Nudge digests into Teams: proactive messages to the team's channel, the fallback conversation, or
 * a member's 1:1 chat, paced below Teams' limits, with the connector's refusals mapped to what the
 * nudge runner understands (429 -> RateLimitedError, 403/404 -> DeliveryRejectedError).
 *
 * Teams offers a bot no way to read back what it posted in a conversation, so this sender has no
 * `findSent`: a send interrupted after the connector accepted it is recorded `uncertain` by the
 * runner and never re-sent. Each team's digest is posted at most once per run, never twice.
 */
import Bottleneck from 'bottleneck';
import type { Clock } from '../../src/clock.js';
import type { Db } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';
import { DeliveryRejectedError, RateLimitedError, type DigestSender, type Route } from '../../src/nudges/ports.js';
import { channelReference, personalReference, referenceInTenant, tenantOfUser } from './conversation-targets.js';
import { saveConversation, type StoredReference } from './conversations.js';
import type { TeamsAdapter } from './index.js';

export interface TeamsDigestSenderDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  adapter: Pick<TeamsAdapter, 'sendProactive' | 'createPersonalConversation'>;
}

/*
 * Teams' documented limits (https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit):
 * per bot per conversation ("thread") 7 sends in 1 s, 8 in 2 s, 60 in 30 s and 1800 in an hour;
 * across one tenant 50 requests a second per app. Digests keep to 2 a second per conversation (60 in
 * 30 s) and 40 a second per tenant, leaving room for the answers the bot gives at the same time.
 */
const CONVERSATION_SPACING_MS = 500;
const TENANT_SPACING_MS = 25;
const DEFAULT_RETRY_AFTER_MS = 1_000;

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Retry-After of a connector error, in ms (seconds or an HTTP date). */
function retryAfterMs(error: unknown, now: number): number {
  const headers = (error as { response?: { headers?: { get?: (name: string) => string | undefined } & Record<string, unknown> } }).response?.headers;
  const raw = headers?.get?.('retry-after') ?? (headers?.['retry-after'] as string | undefined);
  if (!raw) return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - now) : DEFAULT_RETRY_AFTER_MS;
}

function mapError(error: unknown, where: string, now: number): unknown {
  const status = statusOf(error);
  if (status === 429) return new RateLimitedError(retryAfterMs(error, now), 'channel');
  if (status === 403 || status === 404) {
    return new DeliveryRejectedError(`Teams refused the message to ${where} (HTTP ${status}): the bot is not in that conversation any more, or may not post there`);
  }
  return error;
}

export function teamsDigestSender(deps: TeamsDigestSenderDeps): DigestSender {
  const { db, clock, adapter } = deps;
  const perConversation = new Bottleneck.Group({ maxConcurrent: 1, minTime: CONVERSATION_SPACING_MS });
  const perTenant = new Bottleneck.Group({ minTime: TENANT_SPACING_MS });

  async function personalChat(userId: string): Promise<StoredReference> {
    const stored = await personalReference(db, userId);
    if (stored) return stored;
    const tenantId = await tenantOfUser(db, userId);
    const like = tenantId ? await referenceInTenant(db, tenantId) : undefined;
    if (!tenantId || !like) throw new DeliveryRejectedError(`cannot open a Teams chat with ${userId}: the bot has no conversation in their tenant`);
    let created: StoredReference;
    try {
      created = await adapter.createPersonalConversation(like, userId, tenantId);
    } catch (error) {
      throw mapError(error, `a new chat with ${userId}`, clock.now().getTime());
    }
    // Stored so later digests and button updates reach the same chat without creating it again.
    await saveConversation(db, { conversationId: created.conversation.id, tenantId, name: 'personal chat' }, created, clock.now());
    return created;
  }

  async function referenceFor(route: Route): Promise<StoredReference> {
    if (route.kind === 'dm') return personalChat(route.target);
    const reference = await channelReference(db, route.target);
    if (!reference) {
      throw new DeliveryRejectedError(`Teams conversation ${route.target} is unknown: add Callsheet to the team that holds it (its conversation reference is stored on install)`);
    }
    return reference;
  }

  return {
    platform: 'teams',
    async send(route, reply) {
      const reference = await referenceFor(route);
      const tenant = reference.conversation.tenantId ?? '';
      let result;
      try {
        result = await perTenant.key(tenant).schedule(() => perConversation.key(reference.conversation.id).schedule(() => adapter.sendProactive(reference, reply)));
      } catch (error) {
        throw mapError(error, route.target, clock.now().getTime());
      }
      if (!result.activityId) throw new Error(`the Teams connector accepted the digest for ${route.target} but returned no message id`);
      return { messages: [{ channel: result.conversationId, ts: result.activityId }] };
    },
  };
}
