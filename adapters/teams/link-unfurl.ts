/**
 * Link unfurling in Teams (`composeExtension/queryLink`, for the domains in the manifest's
 * messageHandlers): a GitHub repository or file URL, or a Backstage entity URL, pasted in the compose
 * box becomes the owner card of the entity it is about. A link that names no entity gets no card.
 */
import type { TurnContext } from 'botbuilder';
import { entityForUrl } from '../../src/catalog/url-lookup.js';
import { answer } from './answer.js';
import { commandContext, dialogIds, type BotDeps } from './bot-deps.js';
import { mentionLookup } from './mentions.js';
import { selectedCard } from './message-extension.js';
import { renderCard, userSpans } from './render-card.js';
import { requesterFor, tenantOf } from './turn-identity.js';

/** Longest URL looked at. */
const MAX_URL = 2000;

/** The invoke response body for a pasted link: an owner card, or an empty result. */
export async function unfurlLink(deps: BotDeps, context: TurnContext): Promise<unknown> {
  const url = (context.activity.value as { url?: unknown } | undefined)?.url;
  const empty = { composeExtension: { type: 'result', attachmentLayout: 'list', attachments: [] } };
  if (typeof url !== 'string' || !url || url.length > MAX_URL) return empty;
  const row = await entityForUrl(deps.db, url, deps.backstageUrl);
  if (!row) return empty;
  const requester = await requesterFor(deps, context);
  const reply = await answer(deps, `owner ${row.ref}`, commandContext(deps, requester));
  if (reply.isError) return empty;
  const card = renderCard(reply, { mention: await mentionLookup(deps.db, userSpans(reply), tenantOf(context.activity)), dialogs: dialogIds(deps) });
  return selectedCard({ ref: row.ref, title: reply.header ?? row.ref, kind: row.kind, ...(row.description ? { description: row.description } : {}) }, card);
}
