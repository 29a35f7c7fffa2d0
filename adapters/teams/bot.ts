/**
 * One turn of the Teams bot: questions (mention stripped), button clicks that replace their card,
 * the compose-box search, and install/uninstall events that keep conversation references.
 */
import { randomUUID } from 'node:crypto';
import { ActivityTypes, TeamsInfo, TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { Clock } from '../../src/clock.js';
import type { Reply } from '../../src/commands/reply.js';
import { errorReply, outcomeOf } from '../../src/commands/reply.js';
import { parseLine } from '../../src/commands/grammar.js';
import type { CommandContext, Requester } from '../../src/commands/types.js';
import type { Db } from '../../src/db/client.js';
import { auditLog } from '../../src/db/schema.js';
import { recordAuditSafely } from '../../src/audit/record.js';
import type { Logger } from '../../src/logger.js';
import { metrics } from '../../src/metrics.js';
import { recordCall } from './api-calls.js';
import { removeConversation, saveConversation, type StoredReference } from './conversations.js';
import { resolveRequester, type MemberProfile } from './identity.js';
import { mentionLookup } from './mentions.js';
import { queryText, resultLimit, searchHint, searchResults, selectedCard, type ExtensionQuery, type SearchHit } from './message-extension.js';
import { renderCard, userSpans, type CardJson, type SubmitData } from './render-card.js';
import { searchResponse, splitDataset, taskResponse, type DialogHandler, type DialogResult, type DialogTurn } from './task-module.js';

/** The message whose button was clicked. */
export interface ActionOrigin {
  conversationId: string;
  activityId?: string;
}

/** A feature's button handler (nudge review/snooze): returns the reply that replaces the card. */
export type ActionHandler = (value: Record<string, string>, ctx: CommandContext, origin: ActionOrigin) => Promise<Reply>;

export interface BotDeps {
  db: Db;
  logger: Logger;
  clock: Clock;
  staleAfterDays: number;
  identityTtlMs: number;
  /** TEAMS_ALLOWED_TENANTS, lower-cased; undefined: any tenant (development only). */
  tenants?: readonly string[];
  runLine: (line: string, ctx: CommandContext) => Promise<Reply>;
  search: (text: string, limit: number) => Promise<SearchHit[]>;
  actions: Record<string, ActionHandler>;
  /** Dialogs of features (create, nudge fix), by the action id of the button that opens them. */
  dialogs: Record<string, DialogHandler>;
}

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

export function createTurnHandler(deps: BotDeps): (context: TurnContext) => Promise<void> {
  return async (context) => {
    instrument(context);
    const activity = context.activity;
    switch (activity.type) {
      case ActivityTypes.Message:
        if (isSubmit(activity.value)) return onSubmit(deps, context, activity.value);
        return onMessage(deps, context);
      case ActivityTypes.Invoke:
        return onInvoke(deps, context);
      case ActivityTypes.ConversationUpdate:
        return onConversationUpdate(deps, context);
      case ActivityTypes.InstallationUpdate:
        return onInstallationUpdate(deps, context);
      default:
        return;
    }
  };
}

/** The reply as a message activity: the card, with the summary as text fallback for notifications. */
export async function replyActivity(db: Db, reply: Reply, tenantId?: string, dialogs?: ReadonlySet<string>): Promise<Partial<Activity>> {
  const card = renderCard(reply, { mention: await mentionLookup(db, userSpans(reply), tenantId), dialogs });
  return cardActivity(card, reply.summary);
}

export function cardActivity(card: CardJson, summary: string): Partial<Activity> {
  return { type: ActivityTypes.Message, summary, attachments: [{ contentType: ADAPTIVE, content: card }] };
}

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

export function tenantOf(activity: Activity): string {
  const data = activity.channelData as { tenant?: { id?: string } } | undefined;
  return activity.conversation?.tenantId ?? data?.tenant?.id ?? '';
}

function teamOf(activity: Activity): { id?: string; name?: string } {
  const data = activity.channelData as { team?: { id?: string; name?: string } } | undefined;
  return data?.team ?? {};
}

async function requesterFor(deps: BotDeps, context: TurnContext): Promise<Requester> {
  const from = context.activity.from;
  if (!from?.id) return { platform: 'teams' };
  return resolveRequester(
    {
      db: deps.db,
      clock: deps.clock,
      logger: deps.logger,
      ttlMs: deps.identityTtlMs,
      tenantAllowed: (tenant) => !deps.tenants || deps.tenants.includes(tenant.toLowerCase()),
      fetchMember: async (): Promise<MemberProfile> => {
        const member = await recordCall('getMember', () => TeamsInfo.getMember(context, from.id));
        return { email: member.email, userPrincipalName: member.userPrincipalName, name: member.name, aadObjectId: member.aadObjectId };
      },
    },
    { id: from.id, name: from.name, aadObjectId: from.aadObjectId, tenantId: tenantOf(context.activity) },
  );
}

function commandContext(deps: BotDeps, requester: Requester): CommandContext {
  return { db: deps.db, clock: deps.clock, logger: deps.logger, requester, staleAfterDays: deps.staleAfterDays };
}

async function answer(deps: BotDeps, line: string, ctx: CommandContext): Promise<Reply> {
  const name = parseLine(line).name || 'help';
  const stop = metrics.commandDuration.startTimer({ platform: 'teams', command: name });
  try {
    const reply = await deps.runLine(line, ctx);
    metrics.commands.inc({ platform: 'teams', command: name, outcome: reply.isError ? 'error' : 'ok' });
    return reply;
  } catch (error) {
    metrics.commands.inc({ platform: 'teams', command: name, outcome: 'error' });
    const reference = randomUUID().slice(0, 8);
    deps.logger.error({ err: error, reference, line }, 'Teams command failed');
    return errorReply(`Sorry, something went wrong answering that. Reference: ${reference}`);
  } finally {
    stop();
  }
}

async function onMessage(deps: BotDeps, context: TurnContext): Promise<void> {
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

function dialogIds(deps: BotDeps): ReadonlySet<string> {
  return new Set(Object.keys(deps.dialogs));
}

function isSubmit(value: unknown): value is SubmitData {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (v.callsheet === 'command' && typeof v.line === 'string') || (v.callsheet === 'action' && typeof v.id === 'string');
}

async function onSubmit(deps: BotDeps, context: TurnContext, data: SubmitData): Promise<void> {
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
  if (activity.replyToId) {
    await context.updateActivity({ ...message, id: activity.replyToId, conversation: activity.conversation });
  } else {
    await context.sendActivity(message);
  }
}

async function invokeResponse(context: TurnContext, status: number, body?: unknown): Promise<void> {
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status, body } });
}

async function onInvoke(deps: BotDeps, context: TurnContext): Promise<void> {
  const { name, value } = context.activity;
  if (name === 'composeExtension/query') {
    const query = (value ?? {}) as ExtensionQuery;
    const text = queryText(query);
    if (!text) return invokeResponse(context, 200, searchHint('Type the name of a service, API, system or team.'));
    const hits = await deps.search(text, resultLimit(query));
    if (hits.length === 0) return invokeResponse(context, 200, searchHint(`Nothing in the catalog matches "${text}".`));
    return invokeResponse(context, 200, searchResults(hits));
  }
  if (name === 'composeExtension/selectItem') {
    const ref = typeof (value as { ref?: unknown })?.ref === 'string' ? (value as { ref: string }).ref.slice(0, 300) : '';
    if (!ref) return invokeResponse(context, 400, { error: 'selectItem needs the ref of the picked entity' });
    const requester = await requesterFor(deps, context);
    const reply = await answer(deps, `owner ${ref}`, commandContext(deps, requester));
    const card = renderCard(reply, { mention: await mentionLookup(deps.db, userSpans(reply), tenantOf(context.activity)), dialogs: dialogIds(deps) });
    return invokeResponse(context, 200, selectedCard({ ref, title: reply.header ?? ref, kind: '' }, card));
  }
  if (name === 'task/fetch' || name === 'task/submit') return onDialog(deps, context, name);
  if (name === 'application/search') return onDialogSearch(deps, context);
  return invokeResponse(context, 501, { error: `Callsheet does not handle "${name}"` });
}

async function dialogTurn(deps: BotDeps, context: TurnContext): Promise<DialogTurn> {
  const activity = context.activity;
  const tenantId = tenantOf(activity);
  const { activityId: _reply, ...reference } = TurnContext.getConversationReference(activity) as Partial<ConversationReference> as StoredReference;
  return {
    ctx: commandContext(deps, await requesterFor(deps, context)),
    reference,
    async post(reply) {
      const response = await context.sendActivity(await replyActivity(deps.db, reply, tenantId, dialogIds(deps)));
      return { activityId: response?.id };
    },
  };
}

async function onDialog(deps: BotDeps, context: TurnContext, name: 'task/fetch' | 'task/submit'): Promise<void> {
  const data = ((context.activity.value ?? {}) as { data?: unknown }).data;
  const d = (data && typeof data === 'object' && !Array.isArray(data) ? data : {}) as Record<string, unknown>;
  const id = typeof d.id === 'string' ? d.id : '';
  const dialog = deps.dialogs[id];
  const expected = name === 'task/fetch' ? 'action' : 'dialog';
  if (d.callsheet !== expected || !dialog) {
    return invokeResponse(context, 200, taskResponse({ type: 'message', text: 'That dialog is no longer available. Ask again to get a fresh card.' }));
  }
  let result: DialogResult;
  try {
    const turn = await dialogTurn(deps, context);
    if (name === 'task/fetch') {
      const value = d.value && typeof d.value === 'object' ? (d.value as Record<string, unknown>) : {};
      result = await dialog.open(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])), turn);
    } else {
      result = await dialog.submit(d, turn);
    }
  } catch (error) {
    const reference = randomUUID().slice(0, 8);
    deps.logger.error({ err: error, reference, dialog: id, step: name }, 'Teams dialog failed');
    result = { type: 'message', text: `Sorry, something went wrong. Reference: ${reference}` };
  }
  return invokeResponse(context, 200, taskResponse(result));
}

async function onDialogSearch(deps: BotDeps, context: TurnContext): Promise<void> {
  const value = (context.activity.value ?? {}) as { queryText?: unknown; dataset?: unknown };
  const target = typeof value.dataset === 'string' ? splitDataset(value.dataset) : undefined;
  const dialog = target ? deps.dialogs[target.id] : undefined;
  if (!target || !dialog?.search) return invokeResponse(context, 200, searchResponse([]));
  const text = typeof value.queryText === 'string' ? value.queryText.trim().slice(0, 100) : '';
  try {
    return invokeResponse(context, 200, searchResponse(await dialog.search(text, target.rest, await dialogTurn(deps, context))));
  } catch (error) {
    // A failed look-up leaves the picker with its static choices rather than failing the card.
    deps.logger.error({ err: error, dataset: value.dataset }, 'Teams typeahead search failed');
    return invokeResponse(context, 200, searchResponse([]));
  }
}

function conversationInfo(activity: Activity) {
  const team = teamOf(activity);
  const data = activity.channelData as { channel?: { name?: string } } | undefined;
  const name = [team.name, data?.channel?.name].filter(Boolean).join(' / ') || activity.conversation?.name || activity.conversation?.conversationType || undefined;
  return { conversationId: activity.conversation.id, teamId: team.id, tenantId: tenantOf(activity) || undefined, name };
}

async function rememberConversation(deps: BotDeps, activity: Activity, onlyIfNew: boolean): Promise<void> {
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

async function onConversationUpdate(deps: BotDeps, context: TurnContext): Promise<void> {
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

async function onInstallationUpdate(deps: BotDeps, context: TurnContext): Promise<void> {
  const action = context.activity.action ?? '';
  if (action === 'add' || action === 'add-upgrade') return installed(deps, context.activity);
  if (action === 'remove' || action === 'remove-upgrade') return uninstalled(deps, context.activity);
}

/** Counts every call the bot makes to the connector in this turn, and the ones rate-limited. */
function instrument(context: TurnContext): void {
  context.onSendActivities(async (_ctx, activities, next) => {
    if (activities.every((a) => a.type === ActivityTypes.InvokeResponse)) return next();
    return recordCall('sendActivity', next);
  });
  context.onUpdateActivity(async (_ctx, _activity, next) => recordCall('updateActivity', next));
}
