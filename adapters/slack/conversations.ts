/**
 * Conversations with the bot: `@Callsheet owner payments-api` in a channel (`app_mention`, answered
 * in the message's thread) and a direct message to the app (`message.im`, answered there). Same
 * grammar, phrasings, buttons and identities as the slash commands. Bot messages (ours included),
 * edits, deletions and other subtypes are ignored; Slack's retries are dropped by the event_id claim
 * in listeners.ts before they get here.
 */
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { answerLine, apology, type AnswerDeps } from './answer.js';
import { renderReply } from './render-reply.js';

export interface ConversationDeps extends AnswerDeps {
  web: WebClient;
}

/** What a message event carries that we read. */
interface MessageEvent {
  type: string;
  subtype?: string;
  bot_id?: string;
  bot_profile?: unknown;
  user?: string;
  text?: string;
  channel?: string;
  channel_type?: string;
  ts?: string;
  thread_ts?: string;
  edited?: unknown;
  team?: string;
}

/** Longest message read; the grammar parser cuts lines shorter still. */
const MAX_TEXT = 2000;

/**
 * Slack's message markup as the text a person typed: the bot's leading mention removed, `<url|label>`
 * and `<url>` as the URL, `<#C1|name>` as #name, and the three escaped characters restored.
 */
export function messageText(text: string): string {
  return text
    .slice(0, MAX_TEXT)
    .replace(/^\s*(<@[UW][A-Z0-9]+(\|[^>]*)?>[\s,:]*)+/, '')
    .replace(/<#[CG][A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<((?:https?|mailto):[^|>]+)\|[^>]*>/g, '$1')
    .replace(/<((?:https?|mailto):[^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Messages people wrote, not bots (ours included), edits, joins or deletions. */
export function isPersonMessage(event: MessageEvent): boolean {
  return !event.subtype && !event.bot_id && !event.bot_profile && !event.edited && typeof event.user === 'string' && typeof event.channel === 'string';
}

export function registerConversations(app: App, deps: ConversationDeps): void {
  const reply = async (event: MessageEvent, origin: 'mention' | 'dm', threadTs: string | undefined) => {
    const line = messageText(event.text ?? '');
    const who = { userId: event.user!, teamId: event.team };
    try {
      const answer = await answerLine(deps, line || 'help', who, { action: origin, channel: event.channel });
      const message = renderReply(answer.reply, { mentions: answer.mentions });
      await deps.web.chat.postMessage({ channel: event.channel!, ...(threadTs ? { thread_ts: threadTs } : {}), ...message, unfurl_links: false, unfurl_media: false });
    } catch (error) {
      const sorry = renderReply(apology(deps, error, { event: origin, user: who.userId }));
      await deps.web.chat.postMessage({ channel: event.channel!, ...(threadTs ? { thread_ts: threadTs } : {}), ...sorry }).catch((e) => deps.logger.error({ err: e }, 'could not post the apology'));
    }
  };

  app.event('app_mention', async ({ event }) => {
    const message = event as unknown as MessageEvent;
    if (!isPersonMessage(message)) return;
    // In the thread of the mention: a thread's reply stays in it, a channel message starts one.
    await reply(message, 'mention', message.thread_ts ?? message.ts);
  });

  app.event('message', async ({ event }) => {
    const message = event as unknown as MessageEvent;
    // Only direct messages: in channels the bot answers when mentioned (app_mention), never otherwise.
    if (message.channel_type !== 'im' || !isPersonMessage(message)) return;
    await reply(message, 'dm', message.thread_ts);
  });
}
