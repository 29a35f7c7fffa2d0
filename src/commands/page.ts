/**
 * Paging on-call. `page <entity>` shows what would happen and the Page button (which asks for
 * confirmation on every face); the button's handler checks who may page (trust: PAGE_ALLOWED_GROUPS),
 * raises the incident through PagerDuty's Events API v2 with the entity's integration key, records
 * it in the audit log, and answers with who paged.
 */
import { randomUUID } from 'node:crypto';
import { recordAuditSafely } from '../audit/record.js';
import { displayName } from '../catalog/entity-view.js';
import { getEntities } from '../catalog/queries.js';
import { resolveEntity } from '../catalog/queries-resolve.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { OnCallError } from '../oncall/http.js';
import { integrationKeyOf, type OnCallService } from '../oncall/service.js';
import { errorReply, refusalReply, type Reply, type RichText } from '../reply/reply.js';
import type { Requester } from '../reply/requester.js';
import { mayPage } from '../trust/paging.js';
import { usageReply } from './args.js';
import { entitySpan, unresolvedReply, userSpan } from './catalog-spans.js';
import { PAGE_ACTION, pageButton } from './oncall-view.js';
import type { Command } from './types.js';

export { PAGE_ACTION } from './oncall-view.js';

export interface PageDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  oncall: OnCallService;
  allowedGroups: readonly string[];
}

/** What a face hands in: the entity from the button, who pressed it, and where. */
export type PageHandler = (value: Record<string, string>, requester: Requester, where?: { channel?: string }) => Promise<Reply>;

export function pageHandler(deps: PageDeps): PageHandler {
  return async (value, requester, where = {}) => {
    const ref = (value.ref ?? '').slice(0, 300);
    const audit = (outcome: 'ok' | 'refused' | 'failed' | 'error', details: Record<string, unknown>) =>
      recordAuditSafely(deps.db, deps.logger, {
        at: deps.clock.now(),
        platform: requester.platform,
        actor: requester.externalId ?? requester.displayName ?? requester.platform,
        actorRef: requester.userRef,
        action: 'page',
        target: ref,
        channel: where.channel,
        outcome,
        details,
      });
    const row = ref ? (await getEntities(deps.db, [ref])).get(ref.toLowerCase()) : undefined;
    if (!row) {
      await audit('error', { reason: 'not in the catalog' });
      return errorReply(`${ref || 'That entity'} is no longer in the catalog; nobody was paged.`);
    }
    const decision = await mayPage(deps.db, requester, deps.allowedGroups);
    if (!decision.ok) {
      await audit('refused', { reason: decision.reason });
      return refusalReply(`You may not page on-call for ${displayName(row)}: ${decision.reason}.`);
    }
    const routingKey = integrationKeyOf(row.entity as Record<string, unknown>);
    if (!routingKey) {
      await audit('error', { reason: 'no integration key' });
      return errorReply(`${displayName(row)} has no pagerduty.com/integration-key; it cannot be paged from chat.`);
    }
    const pager = requester.userRef ? (await getEntities(deps.db, [requester.userRef])).get(requester.userRef) : undefined;
    const who = pager ? displayName(pager) : requester.displayName ?? requester.externalId ?? 'someone';
    let dedupKey: string;
    try {
      dedupKey = await deps.oncall.trigger({
        routingKey,
        dedupKey: `callsheet-${randomUUID()}`,
        summary: `${displayName(row)}: paged from ${requester.platform} by ${who}`,
        source: row.ref,
        details: { entity: row.ref, paged_by: who, ...(requester.userRef ? { paged_by_ref: requester.userRef } : {}), platform: requester.platform },
      });
    } catch (error) {
      const message = error instanceof OnCallError ? error.message : 'PagerDuty could not be reached';
      if (!(error instanceof OnCallError)) deps.logger.error({ err: error }, 'page failed');
      await audit('failed', { reason: message });
      return errorReply(`Nobody was paged for ${displayName(row)}: ${message}.`);
    }
    await audit('ok', { provider: 'PagerDuty', dedupKey });
    const by: RichText = pager ? [userSpan(pager)] : [who];
    return {
      summary: `${who} paged on-call for ${displayName(row)}.`,
      sections: [{ text: [...by, ' paged on-call for ', entitySpan(row), ' through PagerDuty.'], fields: [{ label: 'Incident key', value: [{ type: 'code', text: dedupKey }] }] }],
      buttons: [{ label: 'Who is on call', action: { type: 'command', command: `oncall ${row.ref}` } }],
    };
  };
}

export const pageCommand: Command = {
  name: 'page',
  summary: 'Page whoever is on call for a service (asks for confirmation)',
  usage: 'page <entity>',
  example: 'page payments-api',
  async run(args, ctx) {
    const text = args.trim();
    if (!text) return usageReply(pageCommand);
    const resolution = await resolveEntity(ctx.db, text);
    if (resolution.status !== 'found') return unresolvedReply('page', text, resolution);
    const row = resolution.entity;
    if (!integrationKeyOf(row.entity as Record<string, unknown>)) return errorReply(`${displayName(row)} has no pagerduty.com/integration-key; it cannot be paged from chat.`);
    const button = pageButton(ctx, row);
    if (!button) return refusalReply('Paging from chat is off: PAGE_ALLOWED_GROUPS names no group.');
    return {
      summary: `Page on-call for ${displayName(row)}?`,
      sections: [{ text: ['This raises a PagerDuty incident for ', entitySpan(row), ' and wakes whoever is on call now.'] }],
      buttons: [button, { label: 'Who is on call', action: { type: 'command', command: `oncall ${row.ref}` } }],
    };
  },
};
