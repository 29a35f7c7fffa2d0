/** Replies as Teams message activities: an Adaptive Card with the summary as text fallback. */
import { ActivityTypes, type Activity } from 'botbuilder';
import type { Reply } from '../../src/reply/reply.js';
import type { Db } from '../../src/db/client.js';
import { mentionLookup } from './mentions.js';
import { renderCard, userSpans, type CardJson } from './render-card.js';

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

/** The reply as a message activity: the card, with the summary as text fallback for notifications. */
export async function replyActivity(db: Db, reply: Reply, tenantId?: string, dialogs?: ReadonlySet<string>): Promise<Partial<Activity>> {
  const card = renderCard(reply, { mention: await mentionLookup(db, userSpans(reply), tenantId), dialogs });
  return cardActivity(card, reply.summary);
}

export function cardActivity(card: CardJson, summary: string): Partial<Activity> {
  return { type: ActivityTypes.Message, summary, attachments: [{ contentType: ADAPTIVE, content: card }] };
}
