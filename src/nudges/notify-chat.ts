/**
 * Chat delivery for the scaffolder's notification:send, through the nudges' ports: each recipient is
 * routed as a digest would be (a Group's channel, else its members' DMs; a User's DM), and posted by
 * the platforms' DigestSenders. A broadcast goes to the fallback channel when one is configured.
 */
import type { Db } from '../db/client.js';
import type { Reply } from '../reply/reply.js';
import type { ChatNotification, NotificationDelivery } from '../scaffolder/actions/notification-send.js';
import type { DigestSender, MemberDirectory, Route } from './ports.js';
import { planAllRoutes, storedIdentityDirectory, type Fallback } from './route.js';

export function replyOfNotification(n: ChatNotification): Reply {
  const mark = n.severity === 'critical' || n.severity === 'high' ? `[${n.severity}] ` : '';
  return {
    summary: `${mark}${n.title}`,
    header: `${mark}${n.title}`,
    sections: [
      ...(n.info ? [{ text: [n.info] }] : []),
      ...(n.link ? [{ text: [{ type: 'link' as const, text: n.link, url: n.link }] }] : []),
    ],
    ...(n.topic ? { context: [[`Topic: ${n.topic}`]] } : {}),
  };
}

export function chatNotificationDelivery(deps: { db: Db; senders: () => DigestSender[]; directories?: MemberDirectory[]; fallback?: Fallback }): NotificationDelivery {
  return {
    async deliver(n) {
      const senders = deps.senders();
      const reply = replyOfNotification(n);
      let delivered = 0;
      const send = async (route: Route, teamRef: string) => {
        const sender = senders.find((s) => s.platform === route.platform);
        if (!sender) return false;
        await sender.send(route, reply, { runId: 0, teamRef, key: `${n.key}:${teamRef}:${route.target}` });
        delivered++;
        return true;
      };
      if (n.broadcast) {
        const f = deps.fallback;
        if (!f || !(await send({ platform: f.platform, kind: 'fallback', target: f.target, reason: 'broadcast' }, 'broadcast'))) return { delivered, undeliverable: ['broadcast (no fallback channel: NUDGE_FALLBACK_CHANNEL)'] };
        return { delivered, undeliverable: [] };
      }
      const directories = deps.directories ?? senders.map((s) => storedIdentityDirectory(deps.db, s.platform));
      const plans = await planAllRoutes(deps.db, n.recipients, directories);
      const undeliverable: string[] = [];
      for (const ref of n.recipients) {
        const routes = (plans.get(ref)?.routes ?? []).filter((r) => r.kind !== 'fallback');
        let any = false;
        for (const route of routes) any = (await send(route, ref)) || any;
        if (!any) undeliverable.push(ref);
      }
      return { delivered, undeliverable };
    },
  };
}
