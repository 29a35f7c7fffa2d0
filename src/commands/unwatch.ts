/** `unwatch <entity|team>`: stops the DMs `watch` started. Works for deleted entities too (by ref). */
import { and, eq, or } from 'drizzle-orm';
import { resolveEntity } from '../catalog/queries-resolve.js';
import { watches } from '../db/schema.js';
import { errorReply } from '../reply/reply.js';
import { usageReply } from './args.js';
import type { Command } from './types.js';
import { watcherOf } from './watcher.js';

export const unwatchCommand: Command = {
  name: 'unwatch',
  summary: 'Stop watching an entity or team',
  usage: 'unwatch <entity|team>',
  example: 'unwatch payments-api',
  async run(args, ctx) {
    const text = args.trim();
    if (!text) return usageReply(unwatchCommand);
    const who = watcherOf(ctx.requester);
    if (!('watcher' in who)) return who;
    const resolution = await resolveEntity(ctx.db, text);
    const ref = resolution.status === 'found' ? resolution.entity.ref : text;
    const gone = await ctx.db
      .delete(watches)
      .where(and(eq(watches.watcher, who.watcher), or(eq(watches.targetRef, ref), eq(watches.targetRef, text))))
      .returning({ ref: watches.targetRef });
    if (gone.length === 0) return errorReply(`You are not watching ${text}. \`watching\` lists what you watch.`);
    return { summary: `No longer watching ${gone[0]!.ref}`, sections: [{ text: [`No longer watching ${gone[0]!.ref}.`] }] };
  },
};
