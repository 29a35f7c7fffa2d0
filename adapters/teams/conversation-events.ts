/** Install/uninstall and rename events: they keep the conversation references digests are posted to. */
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import { auditLog } from '../../src/db/schema.js';
import type { BotDeps } from './bot-deps.js';
import { removeConversation, saveConversation, type StoredReference } from './conversations.js';
import { teamOf, tenantOf } from './turn-identity.js';

function conversationInfo(activity: Activity) {
  const team = teamOf(activity);
  const data = activity.channelData as { channel?: { name?: string } } | undefined;
  const name = [team.name, data?.channel?.name].filter(Boolean).join(' / ') || activity.conversation?.name || activity.conversation?.conversationType || undefined;
  return { conversationId: activity.conversation.id, teamId: team.id, tenantId: tenantOf(activity) || undefined, name };
}

export async function rememberConversation(deps: BotDeps, activity: Activity, onlyIfNew: boolean): Promise<void> {
  if (!activity.conversation?.id || !activity.serviceUrl) return;
  const reference = TurnContext.getConversationReference(activity) as Partial<ConversationReference> as StoredReference;
  await saveConversation(deps.db, conversationInfo(activity), reference, deps.clock.now(), onlyIfNew);
}

async function audit(deps: BotDeps, activity: Activity, action: string): Promise<void> {
  await deps.db.insert(auditLog).values({
    at: deps.clock.now(),
    platform: 'teams',
    actor: activity.from?.id ?? 'unknown',
    action,
    target: activity.conversation?.id ?? null,
    details: { teamId: teamOf(activity).id ?? null, tenantId: tenantOf(activity) || null },
  });
}

async function installed(deps: BotDeps, activity: Activity): Promise<void> {
  await rememberConversation(deps, activity, false);
  await audit(deps, activity, 'teams.installed');
  deps.logger.info({ conversationId: activity.conversation.id, teamId: teamOf(activity).id }, 'Teams: added to a conversation');
}

async function uninstalled(deps: BotDeps, activity: Activity): Promise<void> {
  const removed = await removeConversation(deps.db, activity.conversation.id, teamOf(activity).id);
  await audit(deps, activity, 'teams.removed');
  deps.logger.info({ conversationId: activity.conversation.id, removed }, 'Teams: removed from a conversation');
}

export async function onConversationUpdate(deps: BotDeps, context: TurnContext): Promise<void> {
  const activity = context.activity;
  const botId = activity.recipient?.id;
  const eventType = (activity.channelData as { eventType?: string } | undefined)?.eventType;
  if (activity.membersAdded?.some((m) => m.id === botId)) return installed(deps, activity);
  if (activity.membersRemoved?.some((m) => m.id === botId)) return uninstalled(deps, activity);
  if (eventType === 'teamDeleted' || eventType === 'teamHardDeleted') return uninstalled(deps, activity);
  if (eventType === 'channelDeleted') {
    const channelId = (activity.channelData as { channel?: { id?: string } }).channel?.id;
    if (channelId) await removeConversation(deps.db, channelId);
    return;
  }
  if (eventType === 'teamRenamed' || eventType === 'channelRenamed') await rememberConversation(deps, activity, false);
}

export async function onInstallationUpdate(deps: BotDeps, context: TurnContext): Promise<void> {
  const action = context.activity.action ?? '';
  if (action === 'add' || action === 'add-upgrade') return installed(deps, context.activity);
  if (action === 'remove' || action === 'remove-upgrade') return uninstalled(deps, context.activity);
}
