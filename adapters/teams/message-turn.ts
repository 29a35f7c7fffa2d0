/** Message turns: questions (mention stripped) and button clicks that replace their card. */
import { TurnContext, type Activity } from 'botbuilder';
import type { Reply } from '../../src/reply/reply.js';
import { errorReply, outcomeOf } from '../../src/reply/reply.js';
import { parseLine } from '../../src/commands/grammar.js';
import { recordAuditSafely } from '../../src/audit/record.js';
import { answer } from './answer.js';
import { commandContext, dialogIds, type BotDeps } from './bot-deps.js';
import { rememberConversation } from './conversation-events.js';
import type { SubmitData } from './render-card.js';
import { replyActivity } from './reply-activity.js';
import { requesterFor, tenantOf } from './turn-identity.js';

/** Teams message text without the bot's mention, HTML tags or entities. */
export function questionText(context: TurnContext): string {
  const stripped = TurnContext.removeRecipientMention(context.activity as Partial<Activity>) ?? context.activity.text ?? '';
  return stripped
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

export async function onMessage(deps: BotDeps, context: TurnContext): Promise<void> {
  const activity = context.activity;
  const line = questionText(context);
  // Personal chats are conversations too: remembering them lets digests reach people directly.
  await rememberConversation(deps, activity, true);
  const requester = await requesterFor(deps, context);
  const reply = await answer(deps, line, commandContext(deps, requester));
  await recordAuditSafely(deps.db, deps.logger, {
    at: deps.clock.now(),
    platform: 'teams',
    actor: requester.externalId ?? activity.from?.id ?? 'unknown',
    actorRef: requester.userRef,
    action: 'command',
    target: parseLine(line).name || 'help',
    channel: activity.conversation?.id,
    text: line,
    outcome: outcomeOf(reply),
  });
  await context.sendActivity(await replyActivity(deps.db, reply, tenantOf(activity), dialogIds(deps)));
}

export function isSubmit(value: unknown): value is SubmitData {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (v.callsheet === 'command' && typeof v.line === 'string') || (v.callsheet === 'action' && typeof v.id === 'string');
}

export async function onSubmit(deps: BotDeps, context: TurnContext, data: SubmitData, options: { replace: boolean } = { replace: true }): Promise<void> {
  const activity = context.activity;
  const requester = await requesterFor(deps, context);
  const ctx = commandContext(deps, requester);
  let reply: Reply;
  if (data.callsheet === 'command') {
    reply = await answer(deps, data.line, ctx);
  } else {
    const handler = deps.actions[data.id];
    const value = Object.fromEntries(Object.entries(data.value ?? {}).map(([k, v]) => [k, String(v)]));
    reply = handler ? await handler(value, ctx, { conversationId: activity.conversation.id, activityId: activity.replyToId }) : errorReply('That button is no longer available. Ask again to get a fresh card.');
  }
  await recordAuditSafely(deps.db, deps.logger, {
    at: deps.clock.now(),
    platform: 'teams',
    actor: requester.externalId ?? 'unknown',
    actorRef: requester.userRef,
    action: data.callsheet === 'command' ? 'button.command' : `button.${data.id}`,
    target: data.callsheet === 'command' ? data.line.slice(0, 200) : (data.value?.ref ?? data.value?.entity ?? null),
    channel: activity.conversation?.id,
    text: data.callsheet === 'command' ? data.line : null,
    outcome: outcomeOf(reply),
    details: data.callsheet === 'action' ? (data.value ?? null) : null,
  });
  const message = await replyActivity(deps.db, reply, tenantOf(activity), dialogIds(deps));
  if (options.replace && activity.replyToId) {
    await context.updateActivity({ ...message, id: activity.replyToId, conversation: activity.conversation });
  } else {
    await context.sendActivity(message);
  }
}
