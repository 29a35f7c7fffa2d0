/** Invoke turns: the compose-box search, and dialogs (task modules) with their typeahead search. */
import { randomUUID } from 'node:crypto';
import { ActivityTypes, TurnContext, type ConversationReference } from 'botbuilder';
import { answer } from './answer.js';
import { commandContext, dialogIds, type BotDeps } from './bot-deps.js';
import { unfurlLink } from './link-unfurl.js';
import { isSubmit, onSubmit } from './message-turn.js';
import type { StoredReference } from './conversations.js';
import { mentionLookup } from './mentions.js';
import { queryText, resultLimit, searchHint, searchResults, selectedCard, type ExtensionQuery } from './message-extension.js';
import { renderCard, userSpans } from './render-card.js';
import { replyActivity } from './reply-activity.js';
import { searchResponse, splitDataset, taskResponse, type DialogResult, type DialogTurn } from './task-module.js';
import { requesterFor, tenantOf } from './turn-identity.js';

async function invokeResponse(context: TurnContext, status: number, body?: unknown): Promise<void> {
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status, body } });
}

export async function onInvoke(deps: BotDeps, context: TurnContext): Promise<void> {
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
  if (name === 'composeExtension/queryLink') return invokeResponse(context, 200, await unfurlLink(deps, context));
  if (name === 'composeExtension/onCardButtonClicked') {
    // A button on a card inserted from the compose box (search or unfurl): its answer is a new
    // message in the conversation, as the card is the sender's message and cannot be replaced.
    if (isSubmit(value)) await onSubmit(deps, context, value, { replace: false });
    else deps.logger.warn({ name }, 'a compose-box card button sent data Callsheet does not know');
    return invokeResponse(context, 200, {});
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
