/**
 * notification:send — Backstage's notification, delivered the chat way: a message to each
 * recipient's DM (a User) or its team channel (a Group with a channel; else its members' DMs),
 * through the same chat ports nudge digests use (wired in by the composition root).
 */
import { z } from 'zod';
import { createAction } from './types.js';

export interface ChatNotification {
  /** Entity refs (canonical); empty with `broadcast`. */
  recipients: string[];
  broadcast: boolean;
  title: string;
  info?: string;
  link?: string;
  severity: 'critical' | 'high' | 'normal' | 'low';
  topic?: string;
  /** Unique per task and step, so a message is told apart from others. */
  key: string;
}

export interface NotificationDelivery {
  /** Posts the notification; returns what was delivered and which recipients had no route. */
  deliver(notification: ChatNotification): Promise<{ delivered: number; undeliverable: string[] }>;
}

const schema = z
  .object({
    recipients: z.enum(['broadcast', 'entity']),
    entityRefs: z.array(z.string().min(1)).max(100).optional(),
    title: z.string().min(1).max(300),
    info: z.string().max(3000).optional(),
    link: z.string().url().optional(),
    severity: z.enum(['critical', 'high', 'normal', 'low']).default('normal'),
    scope: z.string().optional(),
    topic: z.string().optional(),
    optional: z.boolean().default(false),
  })
  .strict();

export function notificationSendAction(delivery: NotificationDelivery | undefined) {
  return createAction({
    id: 'notification:send',
    description: 'Sends a chat message to the recipients’ DMs or their team channel',
    schema,
    async handler(ctx) {
      const { input } = ctx;
      if (input.recipients === 'entity' && !input.entityRefs?.length) throw new Error('notification:send: recipients is "entity" but no entityRefs are given');
      const recipients = (input.entityRefs ?? []).map((ref) => {
        const m = /^(?:([a-z0-9_-]+):)?(?:([a-z0-9_.-]+)\/)?([a-z0-9_.-]+)$/i.exec(ref.trim());
        if (!m) throw new Error(`notification:send: ${ref} is not an entity ref`);
        return `${(m[1] ?? 'user').toLowerCase()}:${(m[2] ?? 'default').toLowerCase()}/${m[3].toLowerCase()}`;
      });
      if (!delivery) {
        const say = `notification:send: no chat platform is configured; "${input.title}" was not delivered`;
        if (input.optional) return ctx.logger.warn(say);
        throw new Error(say);
      }
      try {
        const result = await delivery.deliver({ recipients, broadcast: input.recipients === 'broadcast', title: input.title, info: input.info, link: input.link, severity: input.severity, topic: input.topic, key: `notification:${ctx.task.id}:${input.title}`.slice(0, 200) });
        ctx.logger.info(`Notification "${input.title}" delivered as ${result.delivered} chat message(s)`);
        if (result.undeliverable.length) ctx.logger.warn(`No chat route (channel or DM) for ${result.undeliverable.join(', ')}`);
      } catch (error) {
        if (!input.optional) throw error;
        ctx.logger.warn(`Notification "${input.title}" could not be delivered (optional): ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  });
}
