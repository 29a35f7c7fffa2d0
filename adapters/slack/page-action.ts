/**
 * The Page button in Slack. Slack's confirm dialog has asked already (the click arrives only after
 * "Page"); the core decides who may page and raises the incident. Who paged is posted in the
 * channel for everyone to see; a refusal or failure goes only to the person who clicked.
 */
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../src/clock.js';
import type { PageHandler } from '../../src/commands/page.js';
import type { Db } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';
import { resolveMentions } from './identities.js';
import type { FeatureAction } from './listeners.js';
import { renderReply } from './render-reply.js';
import type { ResponseUrlPoster } from './response-url.js';

export interface SlackPageDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  web: WebClient;
  respond: ResponseUrlPoster;
  page: PageHandler;
}

export function slackPageAction(deps: SlackPageDeps): FeatureAction {
  return async (value, ctx, interaction) => {
    const reply = await deps.page(value, ctx.requester, { channel: interaction.channelId });
    if (!interaction.responseUrl) return reply;
    const mentions = await resolveMentions(deps, reply);
    const shared = !reply.isError && !reply.refused;
    await deps.respond(interaction.responseUrl, { response_type: shared ? 'in_channel' : 'ephemeral', replace_original: false, ...renderReply(reply, { mentions }) });
    return undefined;
  };
}
