/**
 * Delivers digests by writing them out instead of posting them: used when no chat platform is
 * configured, so a run still shows what it would have said and to whom.
 */
import type { DigestSender, Route } from './ports.js';
import { replyText } from './reply-text.js';

export function createLogSender(write: (text: string) => void, platform = 'slack'): DigestSender {
  let n = 0;
  return {
    platform,
    async send(route: Route, reply, meta) {
      n++;
      write(`── digest for ${meta.teamRef} -> ${route.platform} ${route.kind} ${route.target} (${route.reason})\n${replyText(reply)}\n`);
      return { messages: [{ channel: route.target, ts: `log-${meta.runId}-${n}` }] };
    },
  };
}
