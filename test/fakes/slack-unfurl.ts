/**
 * `chat.unfurl` as Slack answers it, for the fake Web API: the message is named by `channel` + `ts`
 * or by `unfurl_id` + `source` (composer), `unfurls` is a JSON map from URLs that were shared in
 * that message (a `link_shared` event) to attachments with blocks, checked like message blocks.
 */
import { LIMITS, blockProblem } from './slack-blocks.js';

export interface SharedLinks {
  channel: string;
  ts: string;
  urls: string[];
  unfurlId?: string;
  source?: 'composer' | 'conversations_history';
}

export function unfurlAnswer(args: Record<string, any>, shared: SharedLinks[]): Record<string, unknown> {
  const byMessage = args.channel !== undefined || args.ts !== undefined;
  const byId = args.unfurl_id !== undefined || args.source !== undefined;
  if (byMessage && (!args.channel || !args.ts)) return { ok: false, error: args.channel ? 'missing_ts' : 'missing_channel' };
  if (byId && (!args.unfurl_id || !args.source)) return { ok: false, error: args.unfurl_id ? 'invalid_source' : 'invalid_unfurl_id' };
  if (!byMessage && !byId) return { ok: false, error: 'missing_channel' };
  if (byId && args.source !== 'composer' && args.source !== 'conversations_history') return { ok: false, error: 'invalid_source' };
  if (args.unfurls === undefined) return { ok: false, error: 'missing_unfurls' };
  const unfurls = args.unfurls;
  if (!unfurls || typeof unfurls !== 'object' || Array.isArray(unfurls)) return { ok: false, error: 'cannot_parse_attachment' };
  const message = shared.find((s) => (byId ? s.unfurlId === args.unfurl_id && s.source === args.source : s.channel === args.channel && s.ts === args.ts));
  if (!message) return { ok: false, error: 'cannot_unfurl_message' };
  for (const [url, attachment] of Object.entries(unfurls as Record<string, any>)) {
    if (!message.urls.includes(url)) return { ok: false, error: 'cannot_unfurl_url' };
    if (!attachment || typeof attachment !== 'object') return { ok: false, error: 'cannot_parse_attachment' };
    const problem = blockProblem(attachment.blocks, LIMITS.message);
    if (problem) return { ok: false, error: 'invalid_blocks', errors: [problem] };
  }
  return { ok: true };
}
