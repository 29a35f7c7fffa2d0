/**
 * One turn of the Teams bot: questions (mention stripped), button clicks that replace their card,
 * the compose-box search, and install/uninstall events that keep conversation references.
 * This file routes the turn; each kind of turn lives in its own file.
 */
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { recordCall } from './api-calls.js';
import type { BotDeps } from './bot-deps.js';
import { onConversationUpdate, onInstallationUpdate } from './conversation-events.js';
import { onInvoke } from './invoke-turn.js';
import { isSubmit, onMessage, onSubmit } from './message-turn.js';

export type { ActionHandler, ActionOrigin, BotDeps } from './bot-deps.js';
export { cardActivity, replyActivity } from './reply-activity.js';
export { questionText } from './message-turn.js';
export { tenantOf } from './turn-identity.js';

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

/** Counts every call the bot makes to the connector in this turn, and the ones rate-limited. */
function instrument(context: TurnContext): void {
  context.onSendActivities(async (_ctx, activities, next) => {
    if (activities.every((a) => a.type === ActivityTypes.InvokeResponse)) return next();
    return recordCall('sendActivity', next);
  });
  context.onUpdateActivity(async (_ctx, _activity, next) => recordCall('updateActivity', next));
}
