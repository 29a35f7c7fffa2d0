/**
 * Link unfurling: a GitHub repository or file URL, or a Backstage entity URL, pasted in a message
 * (`link_shared`, for the domains in the manifest's `unfurl_domains`) becomes the owner card of the
 * entity it is about, through `chat.unfurl`. A link that names no catalog entity is left alone.
 */
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { entityForUrl } from '../../src/catalog/url-lookup.js';
import { answerLine, apology, type AnswerDeps } from './answer.js';
import { replyBlocks } from './render-reply.js';

export interface UnfurlDeps extends AnswerDeps {
  web: WebClient;
  /** BACKSTAGE_URL: its entity pages unfurl too. */
  backstageUrl?: string;
}

interface LinkSharedEvent {
  channel?: string;
  user?: string;
  message_ts?: string;
  unfurl_id?: string;
  source?: string;
  links?: Array<{ url?: string; domain?: string }>;
}

/** Links unfurled per message: Slack sends at most a few, and each is a database look-up and a card. */
const MAX_LINKS = 5;
/** An unfurl is a preview: the first blocks of the owner card, not the whole answer. */
const UNFURL_BLOCKS = 20;

export function registerUnfurls(app: App, deps: UnfurlDeps): void {
  app.event('link_shared', async ({ event }) => {
    const shared = event as unknown as LinkSharedEvent;
    if (!shared.user || !shared.channel) return;
    const urls = [...new Set((shared.links ?? []).map((l) => l.url).filter((u): u is string => typeof u === 'string'))].slice(0, MAX_LINKS);
    const unfurls: Record<string, { blocks: unknown[] }> = {};
    try {
      for (const url of urls) {
        const row = await entityForUrl(deps.db, url, deps.backstageUrl);
        if (!row) continue;
        const answer = await answerLine(deps, `owner ${row.ref}`, { userId: shared.user }, { action: 'unfurl', channel: shared.channel });
        if (answer.failed || answer.reply.isError) continue;
        unfurls[url] = { blocks: replyBlocks(answer.reply, { mentions: answer.mentions, maxBlocks: UNFURL_BLOCKS }) };
      }
      if (!Object.keys(unfurls).length) return;
      // A link typed in the message composer (not yet posted) is addressed by unfurl_id and source.
      const where = shared.source === 'composer' && shared.unfurl_id ? { unfurl_id: shared.unfurl_id, source: 'composer' as const } : { channel: shared.channel, ts: shared.message_ts ?? '' };
      await deps.web.chat.unfurl({ ...where, unfurls } as Parameters<WebClient['chat']['unfurl']>[0]);
    } catch (error) {
      apology(deps, error, { event: 'link_shared', user: shared.user });
    }
  });
}
